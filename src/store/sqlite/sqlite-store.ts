/**
 * The message store on better-sqlite3. Methods are async to keep the seam ready for a
 * PostgreSQL store; here each is one synchronous statement or one transaction.
 */
import type Database from 'better-sqlite3';
import { BotError } from '../../errors.js';
import { truncateWal } from './database.js';
import { toUserExport, type ExportPreferenceRow, type ExportRiskRow, type ExportTurnRow } from '../export-rows.js';
import { healthOf, type StoreHealth } from './store-health.js';
import { RecentTurnsCache } from './recent-turns-cache.js';
import type { RiskLevel } from '../../messages.js';
import type { Delivery, MessageStore, NewTurn, ResourceMark, StoredTurn, UnfinishedDelivery, UserExport } from '../store.js';

/** role, text, tokens, created_at, as the raw recent-turns statement gives them. */
type TurnRow = [role: 'user' | 'assistant', text: string, tokens: number, createdAt: number];

export class SqliteMessageStore implements MessageStore {
  private readonly db: Database.Database;
  private readonly stmts;

  private readonly health: StoreHealth;
  private readonly turnCache: RecentTurnsCache;
  /** The turns and the intake row's completion in one commit; built once, as db.transaction() builds four functions per call. */
  private readonly exchangeTx: (turns: NewTurn[], completed: { platform: string; messageId: string; at: Date }) => void;

  constructor(db: Database.Database) {
    this.db = db;
    this.health = healthOf(db);
    this.turnCache = new RecentTurnsCache(db);
    this.stmts = {
      recordInbound: db.prepare(`INSERT OR IGNORE INTO processed_messages
        (platform, message_id, received_at, user_key, payload_json) VALUES (?, ?, ?, ?, ?)`),
      complete: db.prepare(
        'UPDATE processed_messages SET completed_at = ?, payload_json = NULL WHERE platform = ? AND message_id = ?',
      ),
      unfinished: db.prepare(`SELECT platform, message_id, payload_json, resumes, resources, received_at FROM processed_messages
        WHERE completed_at IS NULL AND platform = ? ORDER BY received_at LIMIT ?`),
      resumed: db.prepare('UPDATE processed_messages SET resumes = resumes + 1 WHERE platform = ? AND message_id = ?'),
      markResources: db.prepare('UPDATE processed_messages SET resources = ? WHERE platform = ? AND message_id = ?'),
      // Rows as arrays: this read runs on every message for up to max_turns rows, and building
      // an object per row was most of its cost.
      recent: db.prepare(
        'SELECT role, text, tokens, created_at FROM turns WHERE context_key = ? ORDER BY id DESC LIMIT ?',
      ).raw(true),
      append: db.prepare(`INSERT INTO turns
        (context_key, user_key, role, text, tokens, created_at, risk_level, risk_reasons, policy_version, crisis)
        VALUES (@contextKey, @userKey, @role, @text, @tokens, @at, @level, @reasons, @policyVersion, @crisis)`),
      riskState: db.prepare('SELECT level, updated_at FROM risk_state WHERE context_key = ?'),
      setRiskState: db.prepare(`INSERT INTO risk_state (context_key, level, updated_at) VALUES (?, ?, ?)
        ON CONFLICT (context_key) DO UPDATE SET level = excluded.level, updated_at = excluded.updated_at`),
      preference: db.prepare('SELECT value FROM preferences WHERE owner_key = ? AND name = ?'),
      setPreference: db.prepare(`INSERT INTO preferences (owner_key, name, value, updated_at) VALUES (?, ?, ?, ?)
        ON CONFLICT (owner_key, name) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`),
      deletePreference: db.prepare('DELETE FROM preferences WHERE owner_key = ? AND name = ?'),
      forgetTurns: db.prepare('DELETE FROM turns WHERE user_key = ?'),
      // Per-user settings, and flags kept under one of the user's context keys (hand-off notice).
      forgetPreferences: db.prepare("DELETE FROM preferences WHERE owner_key = ? OR owner_key LIKE ? ESCAPE '\\'"),
      // Intake rows carry the message (until handled) and ids that embed the user's chat: they go,
      // at the cost that a platform redelivery of an old message after /forget is handled again.
      forgetDeliveries: db.prepare('DELETE FROM processed_messages WHERE user_key = ?'),
      forgetRiskState: db.prepare("DELETE FROM risk_state WHERE context_key LIKE ? ESCAPE '\\'"),
      // The person's rate bucket and what is known about messaging them privately.
      forgetBucket: db.prepare('DELETE FROM rate_buckets WHERE user_key = ?'),
      forgetReach: db.prepare('DELETE FROM direct_reach WHERE user_key = ?'),
      // Send marks in the person's private chat (its id is theirs): ids only, but keyed by them.
      forgetSendMarks: db.prepare('DELETE FROM send_ledger WHERE platform = ? AND chat_id = ?'),
      exportTurns: db.prepare(
        'SELECT role, text, created_at, risk_level, risk_reasons FROM turns WHERE user_key = ? ORDER BY id',
      ),
      exportPreferences: db.prepare('SELECT name, value FROM preferences WHERE owner_key = ?'),
      exportRiskState: db.prepare("SELECT context_key, level, updated_at FROM risk_state WHERE context_key LIKE ? ESCAPE '\\' ORDER BY context_key"),
      purgeTurns: db.prepare('DELETE FROM turns WHERE created_at < ?'),
      purgeProcessed: db.prepare('DELETE FROM processed_messages WHERE received_at < ?'),
      ping: db.prepare(`INSERT INTO preferences (owner_key, name, value, updated_at) VALUES ('system', 'ping', '1', ?)
        ON CONFLICT (owner_key, name) DO UPDATE SET updated_at = excluded.updated_at`),
    };
    this.exchangeTx = db.transaction((turns: NewTurn[], completed: { platform: string; messageId: string; at: Date }) => {
      for (const turn of turns) this.insertTurn(turn);
      this.stmts.complete.run(completed.at.getTime(), completed.platform, completed.messageId);
    });
  }

  async recordInbound(d: Delivery, at: Date): Promise<{ isNew: boolean }> {
    // A row that exists is a duplicate even when unfinished: either this process is handling
    // it now, or the last one died and claimUnfinished() hands it out at start.
    return this.guard(() => ({
      isNew: this.stmts.recordInbound.run(d.platform, d.messageId, at.getTime(), d.userKey, d.payload).changes === 1,
    }));
  }

  async completeInbound(platform: string, messageId: string, at: Date): Promise<void> {
    await this.guard(() => this.stmts.complete.run(at.getTime(), platform, messageId));
  }

  async claimUnfinished(platform: string, maxResumes: number, limit: number, minAgeMs = 0): Promise<{ resume: UnfinishedDelivery[]; abandoned: number }> {
    return this.guard(() =>
      this.db.transaction(() => {
        const rows = this.stmts.unfinished.all(platform, limit) as Array<{
          platform: string; message_id: string; payload_json: string | null; resumes: number; resources: ResourceMark | null; received_at: number;
        }>;
        const resume: UnfinishedDelivery[] = [];
        let abandoned = 0;
        const now = Date.now();
        for (const r of rows) {
          if (r.payload_json === null || (r.resumes >= maxResumes && now - r.received_at >= minAgeMs)) {
            // Rows from before durable intake carry no message; a message that failed every
            // resume would fail again: both are closed so they cannot block every start.
            this.stmts.complete.run(now, r.platform, r.message_id);
            abandoned++;
            continue;
          }
          resume.push({ platform: r.platform, messageId: r.message_id, payload: r.payload_json, resources: r.resources ?? undefined });
        }
        return { resume, abandoned };
      })(),
    );
  }

  async markResumeTry(platform: string, messageId: string): Promise<void> {
    await this.guard(() => this.stmts.resumed.run(platform, messageId));
  }

  async markResources(platform: string, messageId: string, mark: ResourceMark): Promise<void> {
    await this.guard(() => this.stmts.markResources.run(mark, platform, messageId));
  }

  async recentTurns(contextKey: string, limit: number): Promise<StoredTurn[]> {
    // One synchronous step: no other message's turns can be committed between the read and
    // the cache keeping it.
    return this.guard(() => {
      const cached = this.turnCache.get(contextKey, limit);
      if (cached) return cached;
      const rows = this.stmts.recent.all(contextKey, limit) as TurnRow[];
      const turns: StoredTurn[] = new Array<StoredTurn>(rows.length);
      // Newest first from the query; oldest first for the prompt.
      for (let i = 0; i < rows.length; i++) {
        const [role, text, tokens, at] = rows[rows.length - 1 - i]!;
        turns[i] = { role, text, tokens, at: new Date(at) };
      }
      this.turnCache.put(contextKey, limit, turns);
      return turns;
    });
  }

  async recordExchange(turns: NewTurn[], completed: { platform: string; messageId: string; at: Date }): Promise<void> {
    await this.guard(() => {
      this.exchangeTx(turns, completed);
      // Committed: the cached conversations take the new turns as the database has them.
      this.turnCache.appended(turns.map((t) => ({ contextKey: t.contextKey, role: t.role, text: t.text, tokens: t.tokens, at: new Date(t.at.getTime()) })));
    });
  }

  private insertTurn(turn: NewTurn): void {
    this.stmts.append.run({
        contextKey: turn.contextKey,
        userKey: turn.userKey,
        role: turn.role,
        text: turn.text,
        tokens: turn.tokens,
        at: turn.at.getTime(),
        level: turn.assessment?.level ?? null,
        reasons: turn.assessment ? JSON.stringify(turn.assessment.reasons) : null,
        policyVersion: turn.assessment?.policyVersion ?? null,
        crisis: turn.crisis ? 1 : 0,
      });
  }

  async riskState(contextKey: string): Promise<{ level: RiskLevel; at: Date } | undefined> {
    const row = await this.guard(() => this.stmts.riskState.get(contextKey) as { level: RiskLevel; updated_at: number } | undefined);
    return row ? { level: row.level, at: new Date(row.updated_at) } : undefined;
  }

  async setRiskState(contextKey: string, level: RiskLevel, at: Date): Promise<void> {
    await this.guard(() => this.stmts.setRiskState.run(contextKey, level, at.getTime()));
  }

  async preference(ownerKey: string, name: string): Promise<string | undefined> {
    const row = await this.guard(() => this.stmts.preference.get(ownerKey, name) as { value: string } | undefined);
    return row?.value;
  }

  async setPreference(ownerKey: string, name: string, value: string | undefined): Promise<void> {
    await this.guard(() =>
      value === undefined
        ? this.stmts.deletePreference.run(ownerKey, name)
        : this.stmts.setPreference.run(ownerKey, name, value, Date.now()),
    );
  }

  async forgetUser(userKey: string): Promise<number> {
    // Context keys are platform:channel:userId; the user id is the last segment.
    const [platform, ...rest] = userKey.split(':');
    const userId = rest.join(':');
    const likeKey = `${escapeLike(platform ?? '')}:%:${escapeLike(userId)}`;
    return this.guard(() =>
      this.db.transaction(() => {
        let removed = this.stmts.forgetTurns.run(userKey).changes;
        removed += this.stmts.forgetPreferences.run(userKey, likeKey).changes;
        removed += this.stmts.forgetRiskState.run(likeKey).changes;
        removed += this.stmts.forgetDeliveries.run(userKey).changes;
        removed += this.stmts.forgetBucket.run(userKey).changes + this.stmts.forgetReach.run(userKey).changes;
        removed += this.stmts.forgetSendMarks.run(platform, userId).changes;
        this.turnCache.clear();
        return removed;
      })(),
    );
  }

  async exportUser(userKey: string): Promise<UserExport> {
    const [platform, ...rest] = userKey.split(':');
    const likeKey = `${escapeLike(platform ?? '')}:%:${escapeLike(rest.join(':'))}`;
    return this.guard(() => {
      const risk = this.stmts.exportRiskState.all(likeKey) as ExportRiskRow[];
      const prefs = this.stmts.exportPreferences.all(userKey) as ExportPreferenceRow[];
      const turns = this.stmts.exportTurns.all(userKey) as ExportTurnRow[];
      return toUserExport(userKey, turns, prefs, risk);
    });
  }

  async purgeMessages(before: Date): Promise<number> {
    return this.guard(() => {
      const removed = this.stmts.purgeTurns.run(before.getTime()).changes;
      if (removed > 0) this.turnCache.clear();
      return removed;
    });
  }

  /** Drops dedupe records older than `before` (past every platform's redelivery window). */
  async purgeProcessed(before: Date): Promise<number> {
    return this.guard(() => this.stmts.purgeProcessed.run(before.getTime()).changes);
  }

  async ping(): Promise<void> {
    await this.guard(() => this.stmts.ping.run(Date.now()));
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }

  /** Empties the WAL after a /forget (truncateWal); false when it could not be done now. */
  async compact(): Promise<boolean> {
    return truncateWal(this.db);
  }

  /**
   * Runs one statement or transaction through the connection's StoreHealth (short lock waits
   * off the event loop, fail fast while the store is faulty) and maps every SQLite failure to
   * one coded error.
   */
  private async guard<T>(work: () => T): Promise<T> {
    try {
      return await this.health.run(work);
    } catch (error) {
      if (error instanceof BotError) throw error;
      const code = (error as { code?: string }).code ?? '';
      throw new BotError(`database error ${code}`.trim(), 'STORE_UNAVAILABLE', { cause: error, context: { sqlite: code } });
    }
  }
}

function escapeLike(s: string): string {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`);
}
