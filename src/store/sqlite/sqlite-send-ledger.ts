/** The send ledger on SQLite (migrations/0009); see src/store/send-ledger.ts. */
import type Database from 'better-sqlite3';
import type { SendLedger, SendMark } from '../../ports.js';
import { markFromRow, type SendMarkRow } from '../send-ledger.js';

export class SqliteSendLedger implements SendLedger {
  private readonly stmts;

  constructor(db: Database.Database) {
    this.stmts = {
      mark: db.prepare(`INSERT OR REPLACE INTO send_ledger (send_key, platform, chat_id, floor_id, markup, message_id, created_at)
        VALUES (?, ?, ?, ?, ?, NULL, ?)`),
      sent: db.prepare('UPDATE send_ledger SET message_id = ? WHERE send_key = ?'),
      drop: db.prepare('DELETE FROM send_ledger WHERE send_key = ?'),
      get: db.prepare('SELECT * FROM send_ledger WHERE send_key = ?'),
      inChat: db.prepare('SELECT * FROM send_ledger WHERE platform = ? AND chat_id = ?'),
      lowestExact: db.prepare(`SELECT MIN(message_id) AS m FROM send_ledger
        WHERE platform = ? AND chat_id = ? AND created_at >= ? AND message_id IS NOT NULL`),
      // Private chats (positive ids) and basic groups ("-" but not "-100").
      lowestAccount: db.prepare(`SELECT MIN(message_id) AS m FROM send_ledger
        WHERE platform = ? AND chat_id NOT LIKE '-100%' AND created_at >= ? AND message_id IS NOT NULL`),
      highestExact: db.prepare('SELECT MAX(message_id) AS m FROM send_ledger WHERE platform = ? AND chat_id = ?'),
      highestAccount: db.prepare("SELECT MAX(message_id) AS m FROM send_ledger WHERE platform = ? AND chat_id NOT LIKE '-100%'"),
      purge: db.prepare('DELETE FROM send_ledger WHERE created_at < ?'),
    };
  }

  async mark(m: Omit<SendMark, 'messageId'>): Promise<void> {
    this.stmts.mark.run(m.key, m.platform, m.chatId, m.floorId, m.markup ?? null, m.createdAt.getTime());
  }

  async sent(key: string, messageId: number): Promise<void> {
    this.stmts.sent.run(messageId, key);
  }

  async drop(key: string): Promise<void> {
    this.stmts.drop.run(key);
  }

  async get(key: string): Promise<SendMark | undefined> {
    const row = this.stmts.get.get(key) as SendMarkRow | undefined;
    return row ? markFromRow(row) : undefined;
  }

  async inChat(platform: string, chatId: string): Promise<SendMark[]> {
    return (this.stmts.inChat.all(platform, chatId) as SendMarkRow[]).map(markFromRow);
  }

  async lowestSentSince(platform: string, chats: { exact: string } | { counter: 'account' }, since: Date): Promise<number | undefined> {
    const row = ('exact' in chats
      ? this.stmts.lowestExact.get(platform, chats.exact, since.getTime())
      : this.stmts.lowestAccount.get(platform, since.getTime())) as { m: number | null };
    return row.m ?? undefined;
  }

  async highestSent(platform: string, chats: { exact: string } | { counter: 'account' }): Promise<number | undefined> {
    const row = ('exact' in chats ? this.stmts.highestExact.get(platform, chats.exact) : this.stmts.highestAccount.get(platform)) as { m: number | null };
    return row.m ?? undefined;
  }

  async purge(before: Date): Promise<number> {
    return this.stmts.purge.run(before.getTime()).changes;
  }
}
