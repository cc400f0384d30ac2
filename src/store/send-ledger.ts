/**
 * The send ledger (issue 17 item 2, migrations 0009 / pg 0005). A platform without an
 * idempotency key (Telegram) can show a message twice when the bot dies between the send and
 * recording its id. Every send there is marked before it leaves and given its message id after,
 * so a send cut short is known afterwards, and the adapter can settle it by reading back before
 * sending again (adapters/telegram/read-back.ts). Marks carry no text: a chat id, message ids,
 * and the keyboard the message was sent with.
 */
import type { SendMark } from '../ports.js';

/** Marks are kept this long; a send cut short longer ago is sent again rather than read back. */
export const SEND_MARK_TTL_MS = 48 * 3_600_000;

/** The raw row both dialects read. */
export interface SendMarkRow {
  send_key: string;
  platform: string;
  chat_id: string;
  floor_id: number;
  markup: string | null;
  message_id: number | null;
  created_at: number;
}

export function markFromRow(r: SendMarkRow): SendMark {
  return {
    key: r.send_key, platform: r.platform, chatId: r.chat_id, floorId: Number(r.floor_id),
    markup: r.markup ?? undefined, messageId: r.message_id === null ? undefined : Number(r.message_id), createdAt: new Date(Number(r.created_at)),
  };
}

/**
 * Telegram: private chats and basic groups take message ids from the bot account's one counter;
 * supergroups and channels ("-100…") count per chat (core.telegram.org/api/offsets, and the
 * MTProto clients' notes on message identifiers).
 */
export function sharesAccountCounter(chatId: string): boolean {
  return !chatId.startsWith('-100');
}
