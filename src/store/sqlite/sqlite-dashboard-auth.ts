/**
 * The dashboard's sign-in storage on better-sqlite3 (migrations/0005_dashboard_auth.sql):
 * hashes of one-time links and of session tokens, never the tokens themselves.
 */
import type BetterSqlite3 from 'better-sqlite3';
import type { DashboardAuthStore, Grant, RedeemResult, StoredSession } from '../dashboard-store.js';

interface LinkRow {
  user_key: string;
  display_name: string;
  role_ids_json: string;
  expires_at: string;
  used_at: string | null;
}

interface SessionRow {
  user_key: string;
  display_name: string;
  role_ids_json: string;
  created_at: string;
  last_seen_at: string;
}

export class SqliteDashboardAuth implements DashboardAuthStore {
  constructor(private readonly db: BetterSqlite3.Database) {}

  async saveLink(tokenHash: string, g: Grant, createdAt: Date, expiresAt: Date): Promise<void> {
    this.db.prepare(
      `INSERT INTO dashboard_links (token_hash, user_key, display_name, role_ids_json, created_at, expires_at)
       VALUES (?, ?, ?, ?, ?, ?)`,
    ).run(tokenHash, g.userKey, g.displayName, JSON.stringify(g.roleIds), createdAt.toISOString(), expiresAt.toISOString());
  }

  async redeemLink(tokenHash: string, now: Date): Promise<RedeemResult> {
    // One transaction: two requests racing with the same link cannot both get a session.
    return this.db.transaction((): RedeemResult => {
      const row = this.db.prepare('SELECT * FROM dashboard_links WHERE token_hash = ?').get(tokenHash) as LinkRow | undefined;
      if (!row) return { status: 'unknown' };
      if (row.used_at !== null) return { status: 'used' };
      if (new Date(row.expires_at).getTime() <= now.getTime()) return { status: 'expired' };
      this.db.prepare('UPDATE dashboard_links SET used_at = ? WHERE token_hash = ?').run(now.toISOString(), tokenHash);
      return { status: 'ok', grant: toGrant(row) };
    }).immediate();
  }

  async saveSession(tokenHash: string, g: Grant, at: Date): Promise<void> {
    this.db.prepare(
      `INSERT INTO dashboard_sessions (token_hash, user_key, display_name, role_ids_json, created_at, last_seen_at)
       VALUES (?, ?, ?, ?, ?, ?)`,
    ).run(tokenHash, g.userKey, g.displayName, JSON.stringify(g.roleIds), at.toISOString(), at.toISOString());
  }

  async session(tokenHash: string): Promise<StoredSession | undefined> {
    const row = this.db.prepare('SELECT * FROM dashboard_sessions WHERE token_hash = ?').get(tokenHash) as SessionRow | undefined;
    if (!row) return undefined;
    return { ...toGrant(row), createdAt: new Date(row.created_at), lastSeenAt: new Date(row.last_seen_at) };
  }

  async touchSession(tokenHash: string, at: Date): Promise<void> {
    this.db.prepare('UPDATE dashboard_sessions SET last_seen_at = MAX(last_seen_at, ?) WHERE token_hash = ?').run(at.toISOString(), tokenHash);
  }

  async endSession(tokenHash: string): Promise<void> {
    this.db.prepare('DELETE FROM dashboard_sessions WHERE token_hash = ?').run(tokenHash);
  }

  async purge(linksBefore: Date, idleBefore: Date, startedBefore: Date): Promise<number> {
    return this.db.transaction(() => {
      const links = this.db.prepare('DELETE FROM dashboard_links WHERE expires_at <= ?').run(linksBefore.toISOString()).changes;
      const sessions = this.db.prepare('DELETE FROM dashboard_sessions WHERE last_seen_at < ? OR created_at < ?')
        .run(idleBefore.toISOString(), startedBefore.toISOString()).changes;
      return links + sessions;
    })();
  }
}

function toGrant(row: { user_key: string; display_name: string; role_ids_json: string }): Grant {
  return { userKey: row.user_key, displayName: row.display_name, roleIds: JSON.parse(row.role_ids_json) as string[] };
}
