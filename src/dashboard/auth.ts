/**
 * Passwordless sign-in for moderators. A moderator gets a one-time link (from the bot by DM,
 * or printed by the operator's CLI); redeeming it starts a session. Only hashes of both tokens
 * are stored. Every request re-checks that the person is still a moderator under the running
 * configuration, so someone removed from MODERATOR_IDS is out at their next request.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Logger } from '../logger.js';
import type { Clock } from '../ports.js';
import { isModerator, type ModeratorConfig } from '../crisis/moderators.js';
import type { DashboardAuthStore, Grant } from '../store/dashboard-store.js';

export type { Grant } from '../store/dashboard-store.js';

export interface Session extends Grant {
  /** The value every state-changing form must carry back. */
  csrf: string;
}

/** Signed in for at most this long, however active (a lost phone does not stay signed in forever). */
export const SESSION_MAX_MS = 12 * 3_600_000;

export interface DashboardAuth {
  /** A new one-time link token for a moderator; undefined (and logged) for anyone else. */
  issueLink(grant: Grant): Promise<{ token: string; expiresAt: Date } | undefined>;
  /** Redeems a link token: a session token on success, the reason otherwise. */
  redeem(linkToken: string): Promise<{ ok: true; sessionToken: string; grant: Grant } | { ok: false; reason: string }>;
  /**
   * The live session for a cookie value, or undefined (unknown, idle too long, too old, no
   * longer a moderator). `touch` counts the request as activity (pages and actions do; the
   * event stream and its background refreshes do not, so an open tab alone never keeps a session alive).
   */
  check(sessionToken: string | undefined, touch?: boolean): Promise<Session | undefined>;
  csrfValid(session: Session, token: string | undefined): boolean;
  signOut(sessionToken: string): Promise<void>;
  purge(): Promise<number>;
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** The platform and user id of a "platform:userId" key (ids may contain colons; platforms do not). */
export function splitUserKey(userKey: string): { platform: string; userId: string } | undefined {
  const m = /^([a-z]+):(.+)$/.exec(userKey);
  return m ? { platform: m[1]!, userId: m[2]! } : undefined;
}

export function grantAllowed(grant: Grant, moderators: ModeratorConfig): boolean {
  const key = splitUserKey(grant.userKey);
  if (!key) return false;
  return isModerator({ id: key.userId, displayName: grant.displayName, roleIds: grant.roleIds }, key.platform, moderators);
}

export function createDashboardAuth(deps: {
  store: DashboardAuthStore;
  moderators: ModeratorConfig;
  clock: Clock;
  logger: Logger;
  idleMinutes: number;
  linkMinutes: number;
}): DashboardAuth {
  const { store, moderators, clock, logger } = deps;
  const idleMs = deps.idleMinutes * 60_000;
  const newToken = () => randomBytes(32).toString('base64url');
  // Derived from the session token, so it needs no storage and a copy of the database cannot forge it.
  const csrfOf = (sessionToken: string) => createHash('sha256').update(`csrf\0${sessionToken}`).digest('base64url');

  return {
    async issueLink(grant) {
      if (!grantAllowed(grant, moderators)) {
        logger.warn('dashboard link refused: not a moderator', { userKey: grant.userKey });
        return undefined;
      }
      const token = newToken();
      const now = clock.now();
      const expiresAt = new Date(now.getTime() + deps.linkMinutes * 60_000);
      await store.saveLink(hashToken(token), grant, now, expiresAt);
      logger.info('dashboard link issued', { userKey: grant.userKey });
      return { token, expiresAt };
    },

    async redeem(linkToken) {
      if (!/^[A-Za-z0-9_-]{20,100}$/.test(linkToken)) return { ok: false, reason: 'unknown' };
      const result = await store.redeemLink(hashToken(linkToken), clock.now());
      if (result.status !== 'ok') {
        logger.warn('dashboard link refused', { reason: result.status });
        return { ok: false, reason: result.status };
      }
      // Checked again at sign-in: the person may have been removed since the link was made.
      if (!grantAllowed(result.grant, moderators)) {
        logger.warn('dashboard link refused: not a moderator', { userKey: result.grant.userKey });
        return { ok: false, reason: 'not_moderator' };
      }
      const sessionToken = newToken();
      await store.saveSession(hashToken(sessionToken), result.grant, clock.now());
      logger.info('dashboard sign-in', { userKey: result.grant.userKey });
      return { ok: true, sessionToken, grant: result.grant };
    },

    async check(sessionToken, touch = true) {
      if (!sessionToken || !/^[A-Za-z0-9_-]{20,100}$/.test(sessionToken)) return undefined;
      const hash = hashToken(sessionToken);
      const s = await store.session(hash);
      if (!s) return undefined;
      const now = clock.now().getTime();
      const stale = now - s.lastSeenAt.getTime() > idleMs || now - s.createdAt.getTime() > SESSION_MAX_MS;
      if (stale || !grantAllowed(s, moderators)) {
        await store.endSession(hash);
        logger.info('dashboard session ended', { userKey: s.userKey, why: stale ? 'expired' : 'not_moderator' });
        return undefined;
      }
      if (touch) await store.touchSession(hash, clock.now());
      return { userKey: s.userKey, displayName: s.displayName, roleIds: s.roleIds, csrf: csrfOf(sessionToken) };
    },

    csrfValid(session, token) {
      if (typeof token !== 'string') return false;
      const a = Buffer.from(session.csrf);
      const b = Buffer.from(token);
      return a.length === b.length && timingSafeEqual(a, b);
    },

    async signOut(sessionToken) {
      await store.endSession(hashToken(sessionToken));
    },

    async purge() {
      const now = clock.now().getTime();
      return store.purge(new Date(now), new Date(now - idleMs), new Date(now - SESSION_MAX_MS));
    },
  };
}
