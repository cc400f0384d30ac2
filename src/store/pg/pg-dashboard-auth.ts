/**
 * The dashboard's sign-in storage on PostgreSQL (hashes only, as on SQLite). Redeeming a link
 * is one conditional UPDATE, so two requests racing with the same link on two instances
 * cannot both get a session.
 */
import type { DashboardAuthStore, Grant, RedeemResult, StoredSession } from '../dashboard-store.js';
import type { PgDb } from './pg-db.js';

interface GrantRow {
  user_key: string;
  display_name: string;
  role_ids_json: string;
}

export class PgDashboardAuth implements DashboardAuthStore {
  constructor(private readonly db: PgDb) {}

  async saveLink(tokenHash: string, g: Grant, createdAt: Date, expiresAt: Date): Promise<void> {
    await this.db.sql.run(
      `INSERT INTO dashboard_links (token_hash, user_key, display_name, role_ids_json, created_at, expires_at)
       VALUES ($1, $2, $3, $4, $5, $6)`,
      [tokenHash, g.userKey, g.displayName, JSON.stringify(g.roleIds), createdAt.toISOString(), expiresAt.toISOString()],
    );
  }

  async redeemLink(tokenHash: string, now: Date): Promise<RedeemResult> {
    return this.db.tx(async (sql): Promise<RedeemResult> => {
      const row = await sql.one<GrantRow & { expires_at: string; used_at: string | null }>(
        'SELECT * FROM dashboard_links WHERE token_hash = $1 FOR UPDATE', [tokenHash],
      );
      if (!row) return { status: 'unknown' };
      if (row.used_at !== null) return { status: 'used' };
      if (new Date(row.expires_at).getTime() <= now.getTime()) return { status: 'expired' };
      await sql.run('UPDATE dashboard_links SET used_at = $1 WHERE token_hash = $2', [now.toISOString(), tokenHash]);
      return { status: 'ok', grant: toGrant(row) };
    });
  }

  async saveSession(tokenHash: string, g: Grant, at: Date): Promise<void> {
    await this.db.sql.run(
      `INSERT INTO dashboard_sessions (token_hash, user_key, display_name, role_ids_json, created_at, last_seen_at)
       VALUES ($1, $2, $3, $4, $5, $5)`,
      [tokenHash, g.userKey, g.displayName, JSON.stringify(g.roleIds), at.toISOString()],
    );
  }

  async session(tokenHash: string): Promise<StoredSession | undefined> {
    const row = await this.db.sql.one<GrantRow & { created_at: string; last_seen_at: string }>(
      'SELECT * FROM dashboard_sessions WHERE token_hash = $1', [tokenHash],
    );
    return row ? { ...toGrant(row), createdAt: new Date(row.created_at), lastSeenAt: new Date(row.last_seen_at) } : undefined;
  }

  async touchSession(tokenHash: string, at: Date): Promise<void> {
    await this.db.sql.run(
      'UPDATE dashboard_sessions SET last_seen_at = GREATEST(last_seen_at, $1) WHERE token_hash = $2', [at.toISOString(), tokenHash],
    );
  }

  async endSession(tokenHash: string): Promise<void> {
    await this.db.sql.run('DELETE FROM dashboard_sessions WHERE token_hash = $1', [tokenHash]);
  }

  async purge(linksBefore: Date, idleBefore: Date, startedBefore: Date): Promise<number> {
    return this.db.tx(async (sql) =>
      (await sql.run('DELETE FROM dashboard_links WHERE expires_at <= $1', [linksBefore.toISOString()]))
      + (await sql.run('DELETE FROM dashboard_sessions WHERE last_seen_at < $1 OR created_at < $2', [idleBefore.toISOString(), startedBefore.toISOString()])));
  }
}

function toGrant(row: GrantRow): Grant {
  return { userKey: row.user_key, displayName: row.display_name, roleIds: JSON.parse(row.role_ids_json) as string[] };
}
