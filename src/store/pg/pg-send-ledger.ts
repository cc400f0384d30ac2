/** The send ledger on PostgreSQL (migrations/pg/0005), shared by every instance; see src/store/send-ledger.ts. */
import type { SendLedger, SendMark } from '../../ports.js';
import { markFromRow, type SendMarkRow } from '../send-ledger.js';
import type { PgDb } from './pg-db.js';

export class PgSendLedger implements SendLedger {
  constructor(private readonly db: PgDb) {}

  async mark(m: Omit<SendMark, 'messageId'>): Promise<void> {
    await this.db.sql.run(
      `INSERT INTO send_ledger (send_key, platform, chat_id, floor_id, markup, message_id, created_at)
       VALUES ($1, $2, $3, $4, $5, NULL, $6)
       ON CONFLICT (send_key) DO UPDATE SET platform = excluded.platform, chat_id = excluded.chat_id,
         floor_id = excluded.floor_id, markup = excluded.markup, message_id = NULL, created_at = excluded.created_at`,
      [m.key, m.platform, m.chatId, m.floorId, m.markup ?? null, m.createdAt.getTime()],
    );
  }

  async sent(key: string, messageId: number): Promise<void> {
    await this.db.sql.run('UPDATE send_ledger SET message_id = $1 WHERE send_key = $2', [messageId, key]);
  }

  async drop(key: string): Promise<void> {
    await this.db.sql.run('DELETE FROM send_ledger WHERE send_key = $1', [key]);
  }

  async get(key: string): Promise<SendMark | undefined> {
    const row = await this.db.sql.one<SendMarkRow>('SELECT * FROM send_ledger WHERE send_key = $1', [key]);
    return row ? markFromRow(row) : undefined;
  }

  async inChat(platform: string, chatId: string): Promise<SendMark[]> {
    return (await this.db.sql.rows<SendMarkRow>('SELECT * FROM send_ledger WHERE platform = $1 AND chat_id = $2', [platform, chatId])).map(markFromRow);
  }

  async lowestSentSince(platform: string, chats: { exact: string } | { counter: 'account' }, since: Date): Promise<number | undefined> {
    const row = 'exact' in chats
      ? await this.db.sql.one<{ m: number | null }>(
        `SELECT MIN(message_id) AS m FROM send_ledger
         WHERE platform = $1 AND chat_id = $2 AND created_at >= $3 AND message_id IS NOT NULL`, [platform, chats.exact, since.getTime()])
      : await this.db.sql.one<{ m: number | null }>(
        `SELECT MIN(message_id) AS m FROM send_ledger
         WHERE platform = $1 AND chat_id NOT LIKE '-100%' AND created_at >= $2 AND message_id IS NOT NULL`, [platform, since.getTime()]);
    return row?.m ?? undefined;
  }

  async highestSent(platform: string, chats: { exact: string } | { counter: 'account' }): Promise<number | undefined> {
    const row = 'exact' in chats
      ? await this.db.sql.one<{ m: number | null }>(
        'SELECT MAX(message_id) AS m FROM send_ledger WHERE platform = $1 AND chat_id = $2', [platform, chats.exact])
      : await this.db.sql.one<{ m: number | null }>(
        "SELECT MAX(message_id) AS m FROM send_ledger WHERE platform = $1 AND chat_id NOT LIKE '-100%'", [platform]);
    return row?.m ?? undefined;
  }

  async purge(before: Date): Promise<number> {
    return this.db.sql.run('DELETE FROM send_ledger WHERE created_at < $1', [before.getTime()]);
  }
}
