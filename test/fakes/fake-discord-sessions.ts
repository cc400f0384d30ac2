/**
 * The fake Discord's gateway sessions, kept as Discord documents them (gateway docs,
 * "Resuming", "Disconnections", "Invalid Session"; PLATFORMS.md §3.2):
 *
 * - IDENTIFY starts a session with its own sequence numbers (READY is 1). A bucket of shards
 *   (shard id % max_concurrency) may identify once per 5 s; past that the gateway answers
 *   Invalid Session (op 9, d: false). The limit is enforced only when a test asks for it, so
 *   tests that restart clients quickly are not slowed by discord.js's own retry.
 * - Every event of a shard is logged on each of that shard's sessions, connected or not. A
 *   session whose connection dropped keeps collecting them for `resumableMs` ("a few minutes" at
 *   Discord), and a RESUME with its id and last sequence replays what came after, then RESUMED.
 * - A client that closes with 1000 or 1001 ends its session ("your session will be invalidated").
 *   RESUME of an ended, expired or unknown session, or from before the kept events, gets op 9 with
 *   d: false; a sequence the session never reached closes with 4007 Invalid seq.
 */
import type { WebSocket } from 'ws';
import { routesTo, type ShardPair } from './fake-discord-shards.js';

export type Dispatch = { s: number; t: string; d: unknown };

interface Session {
  id: string;
  shard: ShardPair;
  seq: number;
  events: Dispatch[];
  socket: WebSocket | undefined;
  detachedAt: number | undefined;
  ended: boolean;
}

export interface SessionRules {
  /** How long a session without a connection stays resumable. */
  resumableMs: number;
  /** Events kept per session; a RESUME from before the oldest kept is refused. */
  keptEvents: number;
  maxConcurrency: number;
  enforceIdentifyLimit: boolean;
}

/** What the fake records of each IDENTIFY, accepted or refused. */
export interface IdentifyRecord {
  intents: number;
  shard: ShardPair;
  at: number;
  /** Refused for the identify rate limit (op 9). */
  refused: boolean;
}

/** Discord's identify window: max_concurrency identifies per bucket per 5 s. */
const IDENTIFY_WINDOW_MS = 5_000;

export class FakeGatewaySessions {
  private readonly sessions = new Map<string, Session>();
  private readonly lastIdentify = new Map<number, number>();
  private started = 0;

  constructor(private readonly rules: SessionRules, private readonly send: (ws: WebSocket, payload: object) => void) {}

  /** A new session on `ws` for `shard`, or undefined when its bucket identified less than 5 s ago. */
  identify(ws: WebSocket, shard: ShardPair, now: number): { id: string; readySeq: number } | undefined {
    const bucket = shard[0] % this.rules.maxConcurrency;
    const last = this.lastIdentify.get(bucket);
    if (this.rules.enforceIdentifyLimit && last !== undefined && now - last < IDENTIFY_WINDOW_MS) return undefined;
    this.lastIdentify.set(bucket, now);
    const session: Session = { id: `session-${++this.started}`, shard, seq: 1, events: [], socket: ws, detachedAt: undefined, ended: false };
    this.sessions.set(session.id, session);
    return { id: session.id, readySeq: 1 };
  }

  /**
   * Attaches `ws` to the session and replays the events after `seq` (and `overlap` before it, an
   * at-least-once replay). 'invalid': answer op 9; 'bad-seq': close 4007.
   */
  resume(ws: WebSocket, sessionId: string, seq: number, overlap: number, now: number): 'resumed' | 'invalid' | 'bad-seq' {
    const session = this.live(this.sessions.get(sessionId), now);
    if (session === undefined) return 'invalid';
    if (!Number.isInteger(seq) || seq > session.seq) return 'bad-seq';
    const oldest = session.events[0]?.s ?? session.seq + 1;
    if (seq < oldest - 1) return 'invalid';
    // One connection per session: the newest one takes it over.
    session.socket = ws;
    session.detachedAt = undefined;
    for (const e of session.events) if (e.s > seq - overlap) this.send(ws, { op: 0, ...e });
    this.sendTo(session, 'RESUMED', {});
    return 'resumed';
  }

  /** The connection of `ws` closed with `code`; `byServer` when the fake closed it itself. */
  closed(ws: WebSocket, code: number, byServer: boolean, now: number): void {
    for (const session of this.sessions.values()) {
      if (session.socket !== ws) continue;
      session.socket = undefined;
      session.detachedAt = now;
      if (!byServer && (code === 1000 || code === 1001)) session.ended = true;
    }
  }

  /** Logs the event on every live session of its shard and sends it to those connected. */
  dispatch(t: string, d: unknown, now: number): void {
    for (const session of this.sessions.values()) {
      if (this.live(session, now) && routesTo(session.shard, t, d)) this.sendTo(session, t, d);
    }
  }

  /** Logs and sends one event on one session (READY's guilds go only to the session that identified). */
  dispatchOn(ws: WebSocket, t: string, d: unknown): void {
    for (const session of this.sessions.values()) if (session.socket === ws) this.sendTo(session, t, d);
  }

  /** Ends every connected session with Invalid Session (op 9, not resumable), as Discord may at any time. */
  invalidateConnected(): void {
    for (const session of this.sessions.values()) {
      if (session.socket === undefined || session.ended) continue;
      session.ended = true;
      this.send(session.socket, { op: 9, d: false });
    }
  }

  /** Ends every session without a connection (Discord stopped keeping them). */
  endDetached(): void {
    for (const session of this.sessions.values()) if (session.socket === undefined) session.ended = true;
  }

  /** The shard of each connected session. */
  connectedShards(): ShardPair[] {
    return [...this.sessions.values()].filter((s) => s.socket !== undefined && !s.ended).map((s) => s.shard);
  }

  private sendTo(session: Session, t: string, d: unknown): void {
    const event = { s: ++session.seq, t, d };
    session.events.push(event);
    if (session.events.length > this.rules.keptEvents) session.events.shift();
    if (session.socket !== undefined) this.send(session.socket, { op: 0, ...event });
  }

  /** The session if it can still be resumed or is connected: not ended, not detached for too long. */
  private live(session: Session | undefined, now: number): Session | undefined {
    if (session === undefined || session.ended) return undefined;
    if (session.detachedAt !== undefined && now - session.detachedAt > this.rules.resumableMs) {
      session.ended = true;
      return undefined;
    }
    return session;
  }
}
