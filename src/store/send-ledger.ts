/**
 * The send ledger (issue 17 item 2, migrations 0009 / pg 0005). A platform without an
 * idempotency key (Telegram) can show a message twice when the bot dies between the send and
 * recording its id. Every send there is marked before it leaves and given its message id after,
 * so a send cut short is known afterwards, and the adapter can settle it by reading back before
 * sending again (adapters/telegram/read-back.ts). Marks carry no text: a chat id, message ids,
 * and the keyboard the message was sent with.
 */

/** One send: in flight (or cut short) while messageId is undefined. */
export interface SendMark {
  key: string;
  platform: string;
  chatId: string;
  /** An id that existed in the chat before the mark was written; the sent message's id is above it (0: unknown). */
  floorId: number;
  /** The inline keyboard the message carries, as JSON; undefined for none. */
  markup: string | undefined;
  messageId: number | undefined;
  createdAt: Date;
}

export interface SendLedger {
  /** Writes a mark before a send; replaces an earlier mark under the same key (a settled, cut-short send). */
  mark(m: Omit<SendMark, 'messageId'>): Promise<void>;
  /** The platform answered: the message exists with this id. */
  sent(key: string, messageId: number): Promise<void>;
  /** The platform refused the send: nothing was shown, the mark goes. */
  drop(key: string): Promise<void>;
  get(key: string): Promise<SendMark | undefined>;
  /** Every mark in one chat (the read-back's attribution check). */
  inChat(platform: string, chatId: string): Promise<SendMark[]>;
  /**
   * The lowest message id sent since `since` among chats matching `chats` (ids of one counter):
   * a message created after `since` bounds from above what was created before it.
   */
  lowestSentSince(platform: string, chats: { exact: string } | { counter: 'account' }, since: Date): Promise<number | undefined>;
  /** The highest id recorded on one id counter (a floor for the next mark after a restart). */
  highestSent(platform: string, chats: { exact: string } | { counter: 'account' }): Promise<number | undefined>;
  /** Retention: marks older than `before` go. A read-back never trusts a window older than this. */
  purge(before: Date): Promise<number>;
}

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
