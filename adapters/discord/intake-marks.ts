/**
 * What a shard has taken, so the store never records more than that (sessions.ts writes these
 * bounds with each session):
 *
 * - Sequence: an event the bot acts on (a message, a button press) holds its shard's recorded
 *   sequence below its own until the adapter has handed it to the core and the core has written
 *   its intake row. A crash while a message is in flight, however long its intake takes, leaves a
 *   sequence from before it, and the next holder's RESUME replays it.
 * - Channels: for each channel the shard saw, the message id up to which every message was
 *   taken. When Discord has dropped the session (nothing left to replay), the next holder reads
 *   the channel's history after that id through REST (rest-catch-up.ts).
 *
 * Events are seen first as raw gateway packets (with their sequence), then as the Message or
 * Interaction discord.js builds from them in the same call. One discord.js drops (a channel it
 * cannot build, its own echo before ready) is released when that call ends.
 */
import type { ChannelMark } from '../../src/ports.js';

interface Taking {
  shard: number;
  seq: number;
  channelId: string | undefined;
  claimed: boolean;
}

interface ChannelState {
  shard: number;
  /** Highest message id taken (or the one before the first seen). */
  taken: bigint;
  seenAt: number;
  dirty: boolean;
}

/** A channel quiet this long is dropped from memory (its mark stays in the store). */
const FORGET_AFTER_MS = 60 * 60 * 1000;

/** Gateway events whose handling the store must wait for. */
const TRACKED = new Set(['MESSAGE_CREATE', 'INTERACTION_CREATE']);

export class IntakeMarks {
  /** By message or interaction id. */
  private readonly taking = new Map<string, Taking>();
  private readonly channels = new Map<string, ChannelState>();
  private waiters: Array<{ ids: Set<string>; resolve: () => void }> = [];

  /** Called when a message is done: a recorder whose timer stopped starts it again. */
  onChange: (() => void) | undefined;

  constructor(private readonly now: () => number = Date.now) {}

  /** A raw gateway packet (discord.js's Events.Raw, before it builds anything from it). */
  arrived(packet: { t?: unknown; s?: unknown; d?: unknown }, shard: number): void {
    if (typeof packet.t !== 'string' || !TRACKED.has(packet.t) || typeof packet.s !== 'number') return;
    const d = packet.d as { id?: unknown; channel_id?: unknown } | null;
    if (typeof d?.id !== 'string') return;
    const channelId = packet.t === 'MESSAGE_CREATE' && typeof d.channel_id === 'string' ? d.channel_id : undefined;
    this.taking.set(d.id, { shard, seq: packet.s, channelId, claimed: false });
    if (channelId !== undefined) {
      const state = this.channels.get(channelId);
      // A channel seen for the first time is taken up to just before this message.
      if (state === undefined) this.channels.set(channelId, { shard, taken: BigInt(d.id) - 1n, seenAt: this.now(), dirty: true });
      else Object.assign(state, { shard, seenAt: this.now(), dirty: true });
    }
    // discord.js builds the Message in this same call; one it did not hand on is not waited for.
    const id = d.id;
    queueMicrotask(() => {
      if (this.taking.get(id)?.claimed === false) this.done(id);
    });
  }

  /**
   * A message or press a catch-up hands on (replayed from a previous session, or read from history):
   * the channel mark stays below it until it is taken. No sequence of the current session is
   * held for it (Infinity). `claimed`: handed straight to the adapter; else like a raw packet.
   */
  replayed(id: string, shard: number, channelId: string | undefined, claimed: boolean): void {
    this.taking.set(id, { shard, seq: Number.POSITIVE_INFINITY, channelId, claimed });
    if (channelId !== undefined && !this.channels.has(channelId)) {
      this.channels.set(channelId, { shard, taken: BigInt(id) - 1n, seenAt: this.now(), dirty: false });
    }
    if (!claimed) {
      queueMicrotask(() => {
        if (this.taking.get(id)?.claimed === false) this.done(id);
      });
    }
  }

  /** Resolves once none of `ids` is still being taken. */
  whenTaken(ids: Iterable<string>): Promise<void> {
    const waiting = new Set([...ids].filter((id) => this.taking.has(id)));
    if (waiting.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ ids: waiting, resolve }));
  }

  /** The adapter got the Message or Interaction: it is waited for until done(). */
  claim(id: string): void {
    const taking = this.taking.get(id);
    if (taking !== undefined) taking.claimed = true;
  }

  /** The core has it (or the adapter decided it is not for the bot). */
  done(id: string): void {
    const taking = this.taking.get(id);
    if (taking === undefined) return;
    this.taking.delete(id);
    if (this.waiters.length > 0) {
      for (const w of this.waiters) w.ids.delete(id);
      for (const w of this.waiters.filter((x) => x.ids.size === 0)) w.resolve();
      this.waiters = this.waiters.filter((w) => w.ids.size > 0);
    }
    if (taking.channelId === undefined) this.onChange?.();
    const state = taking.channelId === undefined ? undefined : this.channels.get(taking.channelId);
    if (state === undefined) return;
    if (BigInt(id) > state.taken) state.taken = BigInt(id);
    // Even when a later message was taken first: the mark held below this one can move up now.
    state.dirty = true;
    this.onChange?.();
  }

  /** The highest sequence of `shard` that may be recorded: below every event still being taken. */
  sequenceCap(shard: number): number {
    let cap = Number.POSITIVE_INFINITY;
    for (const t of this.taking.values()) if (t.shard === shard && t.seq - 1 < cap) cap = t.seq - 1;
    return cap;
  }

  hasChanges(): boolean {
    for (const state of this.channels.values()) if (state.dirty) return true;
    return false;
  }

  /** Channel marks changed since the last call, per shard; each below any of its messages still being taken. */
  takeChanges(): Map<number, ChannelMark[]> {
    const out = new Map<number, ChannelMark[]>();
    const stale = this.now() - FORGET_AFTER_MS;
    for (const [channelId, state] of this.channels) {
      // The store keeps it; this map only needs channels still active.
      if (!state.dirty && state.seenAt < stale) this.channels.delete(channelId);
      if (!state.dirty) continue;
      state.dirty = false;
      const marks = out.get(state.shard) ?? [];
      marks.push({ channelId, lastMessageId: String(this.takenIn(channelId, state)), seenAt: state.seenAt });
      out.set(state.shard, marks);
    }
    return out;
  }

  /** Every channel mark of `shard` as it stands (a session lost while running is read back from these). */
  marksOf(shard: number): ChannelMark[] {
    return [...this.channels].filter(([, s]) => s.shard === shard)
      .map(([channelId, s]) => ({ channelId, lastMessageId: String(this.takenIn(channelId, s)), seenAt: s.seenAt }));
  }

  private takenIn(channelId: string, state: ChannelState): bigint {
    let taken = state.taken;
    for (const [id, t] of this.taking) if (t.channelId === channelId && BigInt(id) - 1n < taken) taken = BigInt(id) - 1n;
    return taken;
  }
}
