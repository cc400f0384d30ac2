/**
 * The message store on PostgreSQL: the same seam and the same rows as SqliteMessageStore, for
 * several bot instances on one database. Dedupe is the primary key of processed_messages (an
 * INSERT … ON CONFLICT DO NOTHING that only one instance can win), and a delivery left
 * unfinished is resumed only by its own instance restarted or once its owner's heartbeat lapsed.
 */
import type { RiskLevel } from '../../messages.js';
import type { Delivery, MessageStore, NewTurn, ResourceMark, StoredTurn, UnfinishedDelivery, UserExport } from '../store.js';
import type { PgDb, Sql } from './pg-db.js';
import { toUserExport, type ExportPreferenceRow, type ExportRiskRow, type ExportTurnRow } from '../export-rows.js';
import { INSTANCE_LEASE_PREFIX } from './pg-leases.js';

interface TurnRow {
  role: 'user' | 'assistant';
  text: string;
  tokens: number;
  created_at: number;
}

export class PgMessageStore implements MessageStore {
  /**
   * @param instanceId this process's name among the instances (OYSTER_INSTANCE_ID): a restart
   *   under the same name resumes its own unfinished deliveries at once.
   */
  /** Own deliveries received before this moment are a previous run's leftovers; later ones are in flight here. */
  private readonly openedAt = Date.now();
  /**
   * Leftovers this run took (claimUnfinished) and has not finished or released. They were
   * received before openedAt and are owned by this instance, so without this memory every
   * takeover pass would take them again while they are still being handled. Losing it is safe:
   * it dies with the process, and a new run must take them again anyway.
   */
  private readonly resumedHere = new Set<string>();

  constructor(private readonly db: PgDb, private readonly instanceId: string) {}

  async recordInbound(d: Delivery, at: Date): Promise<{ isNew: boolean }> {
    const n = await this.db.sql.run(
      `INSERT INTO processed_messages (platform, message_id, received_at, user_key, payload_json, owner)
       VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (platform, message_id) DO NOTHING`,
      [d.platform, d.messageId, at.getTime(), d.userKey, d.payload, this.instanceId],
    );
    return { isNew: n === 1 };
  }

  async completeInbound(platform: string, messageId: string, at: Date): Promise<void> {
    await complete(this.db.sql, platform, messageId, at.getTime());
    this.resumedHere.delete(handlingKey(platform, messageId));
  }

  async claimUnfinished(platform: string, maxResumes: number, limit: number, minAgeMs = 0): Promise<{ resume: UnfinishedDelivery[]; abandoned: number }> {
    const now = Date.now();
    return this.db.tx(async (sql) => {
      // SKIP LOCKED: two instances starting together split the leftovers instead of both taking them.
      const rows = await sql.rows<{
        platform: string; message_id: string; payload_json: string | null; resumes: number; resources: ResourceMark | null; received_at: string | number;
      }>(
        `SELECT platform, message_id, payload_json, resumes, resources, received_at FROM processed_messages p
         WHERE completed_at IS NULL AND platform = $1
           AND (owner IS NULL OR (owner = $2 AND received_at < $6) OR (owner <> $2 AND NOT EXISTS (
             SELECT 1 FROM leases l WHERE l.name = $3 || p.owner AND l.until > $4)))
           AND NOT (message_id = ANY($7::text[]))
         ORDER BY received_at LIMIT $5 FOR UPDATE SKIP LOCKED`,
        [platform, this.instanceId, INSTANCE_LEASE_PREFIX, now, limit, this.openedAt,
          [...this.resumedHere].filter((k) => k.startsWith(`${platform}\u0000`)).map((k) => k.slice(platform.length + 1))],
      );
      const resume: UnfinishedDelivery[] = [];
      let abandoned = 0;
      for (const r of rows) {
        if (r.payload_json === null || (r.resumes >= maxResumes && now - Number(r.received_at) >= minAgeMs)) {
          await complete(sql, r.platform, r.message_id, now);
          abandoned++;
          continue;
        }
        await sql.run(
          'UPDATE processed_messages SET owner = $1 WHERE platform = $2 AND message_id = $3',
          [this.instanceId, r.platform, r.message_id],
        );
        resume.push({ platform: r.platform, messageId: r.message_id, payload: r.payload_json, resources: r.resources ?? undefined });
      }
      for (const d of resume) this.resumedHere.add(handlingKey(d.platform, d.messageId));
      return { resume, abandoned };
    });
  }

  async markResumeTry(platform: string, messageId: string): Promise<void> {
    await this.db.sql.run('UPDATE processed_messages SET resumes = resumes + 1 WHERE platform = $1 AND message_id = $2', [platform, messageId]);
  }

  /**
   * True when no earlier delivery of the same person is unfinished: the person's messages are
   * answered one at a time, in the order they were received, whichever instance received them.
   * An earlier delivery whose instance died holds the queue until a survivor takes it over
   * (claimUnfinished, run periodically on PostgreSQL) or its instance restarts.
   */
  async isNextForUser(platform: string, messageId: string): Promise<boolean> {
    return (await this.nextForUser(platform, messageId)).next;
  }

  /**
   * isNextForUser, with the person's key (what completions notify) and the message's place in
   * the person's order as a sortable string (pg-turn-order.ts wakes the earliest waiter first).
   */
  async nextForUser(platform: string, messageId: string): Promise<{ next: boolean; userKey: string | undefined; order: string }> {
    const row = await this.db.sql.one<{ next: boolean; user_key: string | null; received_at: number }>(
      `SELECT me.user_key, me.received_at, NOT EXISTS (
         SELECT 1 FROM processed_messages p
         WHERE p.user_key = me.user_key AND p.completed_at IS NULL
           AND (p.received_at, p.platform, p.message_id) < (me.received_at, me.platform, me.message_id)
       ) AS next
       FROM processed_messages me WHERE me.platform = $1 AND me.message_id = $2`,
      [platform, messageId],
    );
    // received_at is unix ms: 15 digits, zero-padded, sort as text in time order until the year 33658.
    const order = `${String(row?.received_at ?? 0).padStart(15, '0')}\u0000${platform}\u0000${messageId}`;
    return { next: row?.next ?? true, userKey: row?.user_key ?? undefined, order };
  }

  /**
   * Gives an unfinished delivery up after its handling failed here: with no owner, the next
   * claimUnfinished of any instance takes it (counting the resume, so a message that keeps
   * failing is given up after a few tries).
   */
  async releaseInbound(platform: string, messageId: string): Promise<void> {
    await this.db.sql.run(
      'UPDATE processed_messages SET owner = NULL WHERE platform = $1 AND message_id = $2 AND completed_at IS NULL AND owner = $3',
      [platform, messageId, this.instanceId],
    );
    this.resumedHere.delete(handlingKey(platform, messageId));
  }

  async markResources(platform: string, messageId: string, mark: ResourceMark): Promise<void> {
    await this.db.sql.run('UPDATE processed_messages SET resources = $1 WHERE platform = $2 AND message_id = $3', [mark, platform, messageId]);
  }

  async recentTurns(contextKey: string, limit: number): Promise<StoredTurn[]> {
    const rows = await this.db.sql.rows<TurnRow>(
      'SELECT role, text, tokens, created_at FROM turns WHERE context_key = $1 ORDER BY id DESC LIMIT $2',
      [contextKey, limit],
    );
    return rows.reverse().map((r) => ({ role: r.role, text: r.text, tokens: r.tokens, at: new Date(r.created_at) }));
  }

  /**
   * One statement, so one round trip: the turns and the completion commit together (a
   * statement is atomic), and the window between a reply reaching the platform and its record
   * committing, where a crash means the reply is sent again on resume, stays as short as it can.
   */
  async recordExchange(turns: NewTurn[], completed: { platform: string; messageId: string; at: Date }): Promise<void> {
    const params: unknown[] = [completed.at.getTime(), completed.platform, completed.messageId];
    const tuples = turns.map((t) => {
      const base = params.length;
      params.push(
        t.contextKey, t.userKey, t.role, t.text, t.tokens, t.at.getTime(), t.assessment?.level ?? null,
        t.assessment ? JSON.stringify(t.assessment.reasons) : null, t.assessment?.policyVersion ?? null, t.crisis ? 1 : 0,
      );
      return `(${Array.from({ length: 10 }, (_, i) => `$${base + i + 1}`).join(', ')})`;
    });
    const insert = tuples.length === 0 ? '' : `inserted AS (
         INSERT INTO turns (context_key, user_key, role, text, tokens, created_at, risk_level, risk_reasons, policy_version, crisis)
         VALUES ${tuples.join(', ')}
       ),`;
    await this.db.sql.run(
      `WITH ${insert} done AS (
         UPDATE processed_messages SET completed_at = $1, payload_json = NULL
         WHERE platform = $2 AND message_id = $3 RETURNING user_key
       )
       SELECT pg_notify('${TURNS_CHANNEL}', user_key) FROM done WHERE user_key IS NOT NULL`,
      params,
    );
    this.resumedHere.delete(handlingKey(completed.platform, completed.messageId));
  }

  async riskState(contextKey: string): Promise<{ level: RiskLevel; at: Date } | undefined> {
    const row = await this.db.sql.one<{ level: RiskLevel; updated_at: number }>(
      'SELECT level, updated_at FROM risk_state WHERE context_key = $1', [contextKey],
    );
    return row ? { level: row.level, at: new Date(row.updated_at) } : undefined;
  }

  async setRiskState(contextKey: string, level: RiskLevel, at: Date): Promise<void> {
    await this.db.sql.run(
      `INSERT INTO risk_state (context_key, level, updated_at) VALUES ($1, $2, $3)
       ON CONFLICT (context_key) DO UPDATE SET level = EXCLUDED.level, updated_at = EXCLUDED.updated_at`,
      [contextKey, level, at.getTime()],
    );
  }

  async preference(ownerKey: string, name: string): Promise<string | undefined> {
    return (await this.db.sql.one<{ value: string }>('SELECT value FROM preferences WHERE owner_key = $1 AND name = $2', [ownerKey, name]))?.value;
  }

  async setPreference(ownerKey: string, name: string, value: string | undefined): Promise<void> {
    if (value === undefined) {
      await this.db.sql.run('DELETE FROM preferences WHERE owner_key = $1 AND name = $2', [ownerKey, name]);
      return;
    }
    await this.db.sql.run(
      `INSERT INTO preferences (owner_key, name, value, updated_at) VALUES ($1, $2, $3, $4)
       ON CONFLICT (owner_key, name) DO UPDATE SET value = EXCLUDED.value, updated_at = EXCLUDED.updated_at`,
      [ownerKey, name, value, Date.now()],
    );
  }

  async forgetUser(userKey: string): Promise<number> {
    const likeKey = contextPattern(userKey);
    return this.db.tx(async (sql) =>
      (await sql.run('DELETE FROM turns WHERE user_key = $1', [userKey]))
      // Per-user settings, and flags kept under one of the user's context keys (hand-off notice).
      + (await sql.run("DELETE FROM preferences WHERE owner_key = $1 OR owner_key LIKE $2 ESCAPE '\\'", [userKey, likeKey]))
      + (await sql.run("DELETE FROM risk_state WHERE context_key LIKE $1 ESCAPE '\\'", [likeKey]))
      // Intake rows carry the message until handled, and ids that embed the user's chat.
      + (await sql.run('DELETE FROM processed_messages WHERE user_key = $1', [userKey]))
      // The person's rate bucket and what is known about messaging them privately.
      + (await sql.run('DELETE FROM rate_buckets WHERE user_key = $1', [userKey]))
      + (await sql.run('DELETE FROM direct_reach WHERE user_key = $1', [userKey]))
      // Send marks in the person's private chat (its id is theirs): ids only, but keyed by them.
      + (await sql.run('DELETE FROM send_ledger WHERE platform = $1 AND chat_id = $2', userChat(userKey))));
  }

  async exportUser(userKey: string): Promise<UserExport> {
    const likeKey = contextPattern(userKey);
    return this.db.tx(async (sql) => {
      const risk = await sql.rows<ExportRiskRow>(
        "SELECT context_key, level, updated_at FROM risk_state WHERE context_key LIKE $1 ESCAPE '\\' ORDER BY context_key", [likeKey],
      );
      const prefs = await sql.rows<ExportPreferenceRow>('SELECT name, value FROM preferences WHERE owner_key = $1', [userKey]);
      const turns = await sql.rows<ExportTurnRow>(
        'SELECT role, text, created_at, risk_level, risk_reasons FROM turns WHERE user_key = $1 ORDER BY id', [userKey],
      );
      return toUserExport(userKey, turns, prefs, risk);
    });
  }

  async purgeMessages(before: Date): Promise<number> {
    return this.db.sql.run('DELETE FROM turns WHERE created_at < $1', [before.getTime()]);
  }

  /** Drops dedupe records older than `before` (past every platform's redelivery window). */
  async purgeProcessed(before: Date): Promise<number> {
    return this.db.sql.run('DELETE FROM processed_messages WHERE received_at < $1', [before.getTime()]);
  }

  async ping(): Promise<void> {
    await this.db.sql.run(
      `INSERT INTO preferences (owner_key, name, value, updated_at) VALUES ('system', 'ping', '1', $1)
       ON CONFLICT (owner_key, name) DO UPDATE SET updated_at = EXCLUDED.updated_at`,
      [Date.now()],
    );
  }

  async close(): Promise<void> {
    await this.db.close();
  }

  /**
   * After a /forget: VACUUM the tables it deleted from, so the removed rows' dead tuples are
   * reclaimed now rather than at autovacuum's leisure (the SQLite store truncates its WAL).
   * Resolves false when the server refused (VACUUM needs table ownership).
   */
  async compact(): Promise<boolean> {
    try {
      for (const table of ['turns', 'preferences', 'risk_state', 'processed_messages', 'cases', 'case_events', 'alert_outbox', 'resource_deliveries']) {
        await this.db.sql.run(`VACUUM ${table}`);
      }
      return true;
    } catch {
      return false;
    }
  }
}

function handlingKey(platform: string, messageId: string): string {
  return `${platform}\u0000${messageId}`;
}

/** Where completions are announced (pg-turn-order.ts waits on it); the payload is the person's key. */
export const TURNS_CHANNEL = 'oyster_turns';

/**
 * Marks a delivery complete and, in the same statement, notifies the person's key, so an
 * instance holding that person's next message checks at once instead of polling. PostgreSQL
 * sends the notification when the surrounding transaction commits, never before.
 */
async function complete(sql: Sql, platform: string, messageId: string, at: number): Promise<void> {
  await sql.run(
    `WITH done AS (
       UPDATE processed_messages SET completed_at = $1, payload_json = NULL
       WHERE platform = $2 AND message_id = $3 RETURNING user_key
     )
     SELECT pg_notify('${TURNS_CHANNEL}', user_key) FROM done WHERE user_key IS NOT NULL`,
    [at, platform, messageId],
  );
}

/** Context keys are platform:channel:userId; the user id is the last segment (as in the SQLite store). */
function contextPattern(userKey: string): string {
  const [platform, ...rest] = userKey.split(':');
  return `${escapeLike(platform ?? '')}:%:${escapeLike(rest.join(':'))}`;
}

function escapeLike(s: string): string {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** platform:userId → [platform, the private chat's id] (Telegram: the user's id). */
function userChat(userKey: string): [string, string] {
  const [platform, ...rest] = userKey.split(':');
  return [platform ?? '', rest.join(':')];
}
