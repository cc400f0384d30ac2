/**
 * Catching a shard up on what it missed while nobody ran it: a short gateway connection that
 * RESUMEs the shard's previous session (its id and last sequence from the store), receives the
 * events Discord replays, and disconnects once RESUMED arrives. It closes with 4200, not 1000: the
 * session stays resumable (and Discord lets it lapse after a few minutes), because until what it
 * replayed is taken, the store still names it, and a crash makes the next holder replay it again.
 *
 * Why a separate connection instead of letting the new Client resume: a discord.js 14 Client
 * builds its user, guild and channel caches from READY, which only IDENTIFY brings. A Client whose
 * shard RESUMEs from the start never emits ClientReady and queues every event until it would, so
 * the new Client identifies a session of its own, and the old session is resumed beside it only
 * to collect the gap. Events that reach both (sent between the new READY and RESUMED) are the
 * same messages, which the engine takes once by message id.
 */
import WebSocket from 'ws';
import type { GatewaySession } from '../../src/ports.js';

export interface ReplayedEvent {
  t: string;
  s: number;
  d: unknown;
}

export type CatchUpOutcome =
  /** RESUMED arrived: every event Discord kept for the session was handed over. */
  | 'replayed'
  /** Discord answered Invalid Session: the session ended or expired, nothing can be replayed. */
  | 'invalid'
  /** No answer in time, a close, or a network error. */
  | 'failed';

export interface CatchUpOptions {
  session: GatewaySession;
  token: string;
  timeoutMs: number;
  onEvent(event: ReplayedEvent): void;
}

export function catchUpSession(o: CatchUpOptions): Promise<{ outcome: CatchUpOutcome; events: number; closeCode?: number }> {
  return new Promise((resolve) => {
    let events = 0;
    let last = o.session.sequence;
    let settled = false;
    const ws = new WebSocket(`${o.session.resumeUrl}?v=10&encoding=json`);
    const finish = (outcome: CatchUpOutcome, closeCode?: number) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      // 4200 leaves the old session resumable until it has served its purpose (see above).
      if (ws.readyState === WebSocket.OPEN) ws.close(4200, 'caught up');
      else ws.terminate();
      resolve({ outcome, events, ...(closeCode === undefined ? {} : { closeCode }) });
    };
    const timer = setTimeout(() => finish('failed'), o.timeoutMs);
    timer.unref();
    const send = (payload: object) => ws.send(JSON.stringify(payload));
    ws.on('message', (data) => {
      let frame: { op: number; t?: string; s?: number; d?: unknown };
      try {
        frame = JSON.parse(String(data)) as typeof frame;
      } catch {
        return;
      }
      if (frame.op === 10) {
        send({ op: 6, d: { token: o.token, session_id: o.session.sessionId, seq: o.session.sequence } });
      } else if (frame.op === 1) {
        // Discord may ask for a heartbeat at any time; answer with the last sequence seen.
        send({ op: 1, d: last });
      } else if (frame.op === 9) {
        finish('invalid');
      } else if (frame.op === 7) {
        finish('failed');
      } else if (frame.op === 0 && typeof frame.t === 'string') {
        if (typeof frame.s === 'number') last = frame.s;
        if (frame.t === 'RESUMED') return finish('replayed');
        events++;
        o.onEvent({ t: frame.t, s: last, d: frame.d });
      }
    });
    ws.on('close', (code) => finish('failed', code));
    ws.on('error', () => finish('failed'));
  });
}
