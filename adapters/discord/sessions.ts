/**
 * What the store does for each discord.js Client's gateway (BotHandlers.gateway), through the two
 * hooks discord.js 14 passes on to @discordjs/ws (ClientOptions.ws.buildStrategy and
 * .buildIdentifyThrottler; discord.js keeps retrieveSessionInfo/updateSessionInfo for itself):
 *
 * - Every shard's session (id, resume URL, last sequence) is written to the store, so whoever
 *   runs the shard next — another instance after a move, or this one after a restart — can
 *   resume it and have Discord replay what the shard missed (catch-up.ts). Sequence updates,
 *   one per event, become one write a second, trailing by a second (SessionRecorder), and never
 *   past a message or button press whose intake is not written yet (intake-marks.ts). A stored
 *   sequence that lags only makes the replay longer; the engine drops what it already took by
 *   message id. With it go the channel marks a REST catch-up starts from when Discord has dropped
 *   the session.
 * - IDENTIFY takes its slot from the store, so all instances together stay within Discord's
 *   limit of max_concurrency identifies per 5 s (bucket: shard id % max_concurrency).
 * - Handing a shard on closes its connection with 4200, not 1000: Discord ends a session closed
 *   with 1000 or 1001, and the next holder could not resume it.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { SimpleIdentifyThrottler, SimpleShardingStrategy, type IIdentifyThrottler, type SessionInfo, type WebSocketOptions } from 'discord.js';
import type { Logger } from '../../src/logger.js';
import type { GatewayBook, GatewaySession } from '../../src/ports.js';
import { IntakeMarks } from './intake-marks.js';

type WsManager = Parameters<NonNullable<WebSocketOptions['buildStrategy']>>[0];

/** Discord's window is 5 s per bucket; the extra second covers the way from the store to Discord. */
export const IDENTIFY_INTERVAL_MS = 6_000;
/** How often a shard's sequence is written while events flow, and how far it trails. */
const SEQUENCE_WRITE_MS = 1_000;
/** Close code for a connection whose session another connection will resume (@discordjs/ws uses it too). */
const RESUMABLE_CLOSE = 4200;

const covers = (written: GatewaySession | undefined, s: GatewaySession) => written?.sessionId === s.sessionId && written.sequence >= s.sequence;

/**
 * Writes each shard's session through to the store. A new session is written at once (its READY
 * comes before any of its events). The sequence trails on purpose: each tick writes what was
 * received by the tick before, and never past an event still being taken (`marks`): what the
 * store says was seen has reached the engine's intake. After a crash the next holder resumes
 * from there, and Discord replays the last second again: messages already taken are dropped by
 * id, and one that was in flight when the process died comes back instead of being lost. A
 * deliberate hand-over writes the latest (`flushLatest`), still below what is being taken.
 */
export class SessionRecorder {
  private readonly latest = new Map<number, GatewaySession>();
  /** What was handed to the store (or is on its way), per shard. */
  private readonly queued = new Map<number, GatewaySession>();
  /** What the next tick writes: the latest as of the tick before. */
  private staged = new Map<number, GatewaySession>();
  private timer: NodeJS.Timeout | undefined;
  /**
   * After a hand-over: the next holder writes its own session to the row now, so this one writes
   * no session again (another session id would replace the row); channel marks still move.
   */
  private handedOver = false;
  /**
   * Shards catching up on a previous session: their new session is not written until what the
   * catch-up handed on is taken, so the row keeps naming the previous session (still resumable:
   * the catch-up closes it with 4200), and a crash meanwhile makes the next holder replay it all.
   */
  private readonly holding = new Set<number>();
  private chain: Promise<void> = Promise.resolve();

  constructor(
    private readonly book: GatewayBook,
    private readonly log: Logger,
    private readonly tickMs = SEQUENCE_WRITE_MS,
    readonly marks = new IntakeMarks(),
  ) {
    // A sequence held back by a message in flight is written once that message is taken.
    marks.onChange = () => {
      if (this.timer === undefined) this.schedule();
    };
  }

  /**
   * Called when a shard that had a session here gets a new one: Discord dropped the old one while
   * it ran (Invalid Session), so what was sent in between is in no session to replay.
   */
  onSessionReplaced: ((shardId: number) => void) | undefined;

  update(shardId: number, info: SessionInfo | null): void {
    if (this.handedOver) return;
    const previous = this.latest.get(shardId);
    if (info !== null && previous !== undefined && previous.sessionId !== info.sessionId) this.onSessionReplaced?.(shardId);
    if (info !== null && this.holding.has(shardId)) {
      this.latest.set(shardId, { sessionId: info.sessionId, resumeUrl: info.resumeURL, sequence: info.sequence, shardCount: info.shardCount });
      return;
    }
    // null: the session ended here (invalid, or a deliberate close). The row stays: a later
    // catch-up from it is refused with Invalid Session, which costs one connection and no events.
    if (info === null) return;
    const session = { sessionId: info.sessionId, resumeUrl: info.resumeURL, sequence: info.sequence, shardCount: info.shardCount };
    this.latest.set(shardId, session);
    if (this.queued.get(shardId)?.sessionId !== session.sessionId) {
      this.staged.delete(shardId);
      void this.write([[shardId, session]]);
    } else if (this.timer === undefined) {
      this.schedule();
    }
  }

  /** Keeps the stored rows of `shardIds` on their previous session until `release` (a catch-up runs). */
  hold(shardIds: number[]): void {
    for (const id of shardIds) this.holding.add(id);
  }

  /** The catch-up's messages are taken: the held shards' current sessions are written now. */
  release(): Promise<void> {
    const ids = [...this.holding];
    this.holding.clear();
    if (this.handedOver) return this.chain;
    return this.write(ids.flatMap((id) => {
      const s = this.latest.get(id);
      return s === undefined ? [] : [[id, s] as [number, GatewaySession]];
    }));
  }

  /** Writes the latest of every shard now (a hand-over); resolves once the store has it. Never rejects. */
  flushLatest(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.staged.clear();
    // A shard still catching up keeps its previous session in the row: the next holder replays that.
    const written = this.write([...this.latest].filter(([id, s]) => !this.holding.has(id) && !covers(this.queued.get(id), s)));
    this.handedOver = true;
    return written;
  }

  private schedule(): void {
    this.timer = setTimeout(() => this.tick(), this.tickMs);
    this.timer.unref();
  }

  private tick(): void {
    this.timer = undefined;
    if (this.handedOver) {
      void this.write([]);
      return;
    }
    void this.write([...this.staged].filter(([id]) => !this.holding.has(id)));
    this.staged = new Map([...this.latest].filter(([id, s]) => !this.holding.has(id) && !covers(this.queued.get(id), s)));
    if (this.staged.size > 0 || this.marks.hasChanges()) this.schedule();
  }

  /**
   * Queues `batch` (each sequence held below what is still being taken) and the changed channel
   * marks after any write under way; a failed write is logged, never thrown.
   */
  private write(sessions: Array<[number, GatewaySession]>): Promise<void> {
    const batch = sessions.map(([id, s]): [number, GatewaySession] => [id, { ...s, sequence: Math.min(s.sequence, this.marks.sequenceCap(id)) }]);
    for (const [id, session] of batch) this.queued.set(id, session);
    const marks = this.marks.takeChanges();
    this.chain = this.chain.then(async () => {
      for (const [shardId, session] of batch) {
        try {
          await this.book.saveSession(shardId, session);
        } catch (error) {
          // Lost only resumability: the next holder identifies afresh, as without a store.
          this.log.warn('discord session not recorded in the store', { shard: shardId, error: String(error) });
        }
      }
      for (const [shardId, list] of marks) {
        try {
          await this.book.saveChannelMarks(shardId, list);
        } catch (error) {
          // Lost only a REST catch-up's starting point; the next change writes the mark again.
          this.log.warn('discord channel marks not recorded in the store', { shard: shardId, error: String(error) });
        }
      }
    });
    return this.chain;
  }
}

/** IDENTIFY slots from the store, shared by every instance; this process's own spacing if the store fails. */
export class StoreIdentifyThrottler implements IIdentifyThrottler {
  private readonly local: SimpleIdentifyThrottler;

  constructor(private readonly book: GatewayBook, private readonly maxConcurrency: number, private readonly log: Logger) {
    this.local = new SimpleIdentifyThrottler(maxConcurrency);
  }

  async waitForIdentify(shardId: number, signal: AbortSignal): Promise<void> {
    const bucket = shardId % this.maxConcurrency;
    for (;;) {
      signal.throwIfAborted();
      let wait: number;
      try {
        wait = await this.book.takeIdentifySlot(bucket, IDENTIFY_INTERVAL_MS);
      } catch (error) {
        this.log.warn('discord identify slot not reachable in the store; spacing identifies on this instance only', { shard: shardId, error: String(error) });
        return this.local.waitForIdentify(shardId, signal);
      }
      if (wait === 0) return;
      this.log.debug('discord identify waits for its slot', { shard: shardId, bucket, waitMs: wait });
      // A little jitter so instances that waited for the same slot do not all ask at once.
      await sleep(wait + Math.floor(Math.random() * 250), undefined, { signal });
    }
  }
}

/** The store's part in one Client's gateway: ws options to build it with, and a resumable close. */
export interface GatewayHooks {
  ws: WebSocketOptions;
  /** What the shards have taken: the recorded sequences and channel marks stay below it. */
  marks: IntakeMarks;
  /** Set by the owner: a shard's session was replaced while this Client ran it. */
  onSessionReplaced(listener: (shardId: number) => void): void;
  /** While shards catch up, their rows keep naming the previous session (SessionRecorder.hold). */
  holdSessions(shardIds: number[]): void;
  /** Writes the held shards' new sessions. */
  releaseSessions(): Promise<void>;
  /** Closes every shard connection resumably (4200) and writes the final sequences. */
  closeResumably(): Promise<void>;
}

export function gatewayHooks(book: GatewayBook, log: Logger): GatewayHooks {
  const recorder = new SessionRecorder(book, log);
  let manager: WsManager | undefined;
  return {
    marks: recorder.marks,
    onSessionReplaced: (listener) => {
      recorder.onSessionReplaced = listener;
    },
    holdSessions: (ids) => recorder.hold(ids),
    releaseSessions: () => recorder.release(),
    ws: {
      buildStrategy: (built) => {
        manager = built;
        // discord.js keeps sessions in its own shard objects; the store gets a copy of each update.
        const own = built.options.updateSessionInfo;
        built.options.updateSessionInfo = (shardId, info) => {
          recorder.update(shardId, info);
          return own(shardId, info);
        };
        return new SimpleShardingStrategy(built);
      },
      buildIdentifyThrottler: async (built) => {
        const info = await built.fetchGatewayInformation();
        return new StoreIdentifyThrottler(book, Math.max(1, info.session_start_limit.max_concurrency), log);
      },
    },
    async closeResumably() {
      // A client that never logged in has no manager, and nothing to close.
      try {
        await manager?.destroy({ code: RESUMABLE_CLOSE, reason: 'shard handed on' });
      } catch {
        // Already closed or never connected: nothing is left open either way.
      }
      await recorder.flushLatest();
    },
  };
}
