/**
 * The recent turns of the conversations being talked in, kept in memory between messages. Every
 * message reads its conversation's last turns (up to the model policy's history, 40 by default)
 * and builds a turn object per row; kept here, the next message appends its two turns instead.
 *
 * Another process can change the file under us: the `forget` and `export` CLI, a second
 * instance on the same file, a repair. SQLite counts commits made by other connections in
 * `PRAGMA data_version` (sqlite.org/pragma.html#pragma_data_version): one cheap read, made before
 * every use of the cache, and the whole cache is dropped when it moved. Changes made through
 * this connection never move it, so the store drops or extends entries itself on each of its
 * own writes to turns (appends, /forget, retention).
 */
import type Database from 'better-sqlite3';
import type { StoredTurn } from '../store.js';

/**
 * Conversations kept; the least recently used goes first. A conversation written in again
 * within minutes is the one that gains; at 40 turns of a few hundred bytes each this bounds
 * the cache to a few MB (resident memory counts against the bot: issue 15 item 10).
 */
const MAX_CONVERSATIONS = 500;

interface Entry {
  /** The `limit` these turns were read with; a read with another limit goes to the database. */
  limit: number;
  /** Oldest first, at most `limit`. */
  turns: StoredTurn[];
}

export class RecentTurnsCache {
  private readonly entries = new Map<string, Entry>();
  private readonly version: Database.Statement<[], number>;
  private seen: number | undefined;

  constructor(db: Database.Database) {
    this.version = db.prepare<[], number>('PRAGMA data_version').pluck();
  }

  /** Forgets everything when another connection has committed since the last look. */
  private sync(): void {
    const now = this.version.get()!;
    if (now !== this.seen) {
      this.entries.clear();
      this.seen = now;
    }
  }

  /** The cached turns (a fresh array the caller may keep), or undefined. Must run inside the store's guard. */
  get(contextKey: string, limit: number): StoredTurn[] | undefined {
    this.sync();
    const entry = this.entries.get(contextKey);
    if (!entry || entry.limit !== limit) return undefined;
    // Most recently used last, so the oldest entry is the first to go.
    this.entries.delete(contextKey);
    this.entries.set(contextKey, entry);
    return entry.turns.slice();
  }

  /** Keeps what was just read from the database, in the same synchronous step as the `get` that missed. */
  put(contextKey: string, limit: number, turns: StoredTurn[]): void {
    this.sync();
    this.entries.delete(contextKey);
    if (this.entries.size >= MAX_CONVERSATIONS) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(contextKey, { limit, turns: turns.slice() });
  }

  /** After this connection committed new turns: they join their conversations' cached turns. */
  appended(turns: Array<{ contextKey: string } & StoredTurn>): void {
    for (const t of turns) {
      const entry = this.entries.get(t.contextKey);
      if (!entry) continue;
      entry.turns.push({ role: t.role, text: t.text, tokens: t.tokens, at: t.at });
      if (entry.turns.length > entry.limit) entry.turns.splice(0, entry.turns.length - entry.limit);
    }
  }

  /** After this connection deleted turns (/forget, retention). */
  clear(): void {
    this.entries.clear();
  }
}
