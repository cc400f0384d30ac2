/**
 * The send ledger's shape, implemented in src/store/send-ledger.ts and its dialects. It is a seam
 * of the core, beside the adapter seam that receives it (PlatformAdapter.useSendLedger), so the
 * store depends on the core and not back. Part of the seams in src/ports.ts, which re-exports it.
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
