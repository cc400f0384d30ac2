/**
 * Discord shards split across instances through the lease table (several instances on one
 * PostgreSQL, no DISCORD_SHARD_IDS). Each shard is a lease, "discord-shard:<id>"; an instance runs
 * on the gateway exactly the shards whose leases it holds, so no shard is connected twice while
 * the leases are honoured. Shares are even: with N shards and L live instances (their heartbeat
 * leases), each holds at least floor(N/L) and at most ceil(N/L). A newcomer below its share waits
 * for the others to give up their extra shards, which they do on their next pass; a shard whose
 * holder died is free once its lease lapses, and the survivors' shares grow to take it.
 *
 * Order matters at a handover: a shard is taken (lease first, then connected) and given up
 * (disconnected first, then the lease released), so two instances never hold one shard's
 * connection at once. Events sent while nobody runs a shard wait in its last session, which the
 * next holder resumes to catch up (shard-clients.ts), as long as Discord still keeps it.
 */
import type { Logger } from '../../src/logger.js';
import type { Leadership } from '../../src/ports.js';
import { sleep } from '../shared/retry.js';

export const SHARD_LEASE_PREFIX = 'discord-shard:';

export interface ShardLeaseOptions {
  /** Shards in all (every instance must use the same number). */
  count: number;
  leadership(name: string): Leadership;
  liveInstances(): Promise<number>;
  /** Renewal and rebalancing period; the lease lapses after about three of these without renewal. */
  renewMs: number;
  /** Period while below the fair share, so a handed-over shard is picked up quickly. */
  claimMs: number;
  /** Makes the gateway run exactly these shards (none: disconnect); resolves once they are ready. */
  apply(shards: number[]): Promise<void>;
  logger: Logger;
}

/** Every instance holds at least `min` and at most `max` of `count` shards. */
export function shareOf(count: number, live: number): { min: number; max: number } {
  const n = Math.max(1, live);
  return { min: Math.floor(count / n), max: Math.ceil(count / n) };
}

const sameShards = (a: number[], b: number[]) => a.length === b.length && a.every((v, i) => v === b[i]);

export class ShardLeases {
  private held = new Set<number>();
  private applied: number[] = [];
  private readonly stopped = new AbortController();
  private wake = new AbortController();
  private renewal: NodeJS.Timeout | undefined;
  private loop: Promise<void> | undefined;

  constructor(private readonly o: ShardLeaseOptions) {}

  /** The shards this instance runs now. */
  get shards(): readonly number[] {
    return this.applied;
  }

  /** Takes this instance's first share (resolves once those shards are connected), then keeps it fair in the background. */
  async start(): Promise<void> {
    // Renewal runs apart from the passes, so a slow login cannot let held leases lapse.
    this.renewal = setInterval(() => void this.renew(), this.o.renewMs);
    this.renewal.unref();
    const delay = await this.pass();
    this.loop = this.run(delay);
  }

  /** Disconnects (through `disconnect`) before releasing the leases, so the next holder never overlaps. */
  async stop(disconnect: () => Promise<void>): Promise<void> {
    this.stopped.abort();
    clearInterval(this.renewal);
    await this.loop;
    await disconnect();
    await Promise.all([...this.held].map((id) => this.lease(id).release().catch(() => undefined)));
    this.held.clear();
  }

  private lease(id: number): Leadership {
    return this.o.leadership(`${SHARD_LEASE_PREFIX}${id}`);
  }

  private async renew(): Promise<void> {
    for (const id of this.held) {
      const still = await this.lease(id).acquire().catch(() => false);
      // Lost (the store unreachable past the lease, or taken): the next pass disconnects it now.
      if (!still && this.held.delete(id)) this.wake.abort();
    }
  }

  private async run(delay: number): Promise<void> {
    while (!this.stopped.signal.aborted) {
      const signal = AbortSignal.any([this.stopped.signal, this.wake.signal]);
      await sleep(delay, signal);
      if (this.stopped.signal.aborted) return;
      if (this.wake.signal.aborted) this.wake = new AbortController();
      delay = await this.pass();
    }
  }

  /** One pass: renew, give up shards above the share, take free ones up to it. Resolves with the delay to the next. */
  private async pass(): Promise<number> {
    const o = this.o;
    const kept: number[] = [];
    for (const id of [...this.held].sort((a, b) => a - b)) if (await this.lease(id).acquire().catch(() => false)) kept.push(id);
    const live = await o.liveInstances().catch(() => undefined);
    // The store unreachable: keep what is still ours, take nothing new.
    const { min, max } = live === undefined ? { min: 0, max: kept.length } : shareOf(o.count, live);
    const release = kept.splice(max);
    const next = new Set(kept);
    for (let id = 0; id < o.count && next.size < max; id++) {
      if (!next.has(id) && await this.lease(id).acquire().catch(() => false)) next.add(id);
    }
    const shards = [...next].sort((a, b) => a - b);
    this.held = next;
    if (!sameShards(shards, this.applied)) {
      try {
        await o.apply(shards);
        this.applied = shards;
        o.logger.info('discord shards', { shards, count: o.count, liveInstances: live });
      } catch (error) {
        // Not connected as planned: give every lease back so other instances can run them.
        o.logger.error('discord shards could not be connected; leases released', { shards, error: String(error) });
        await o.apply([]).catch(() => undefined);
        this.applied = [];
        await Promise.all(shards.concat(release).map((id) => this.lease(id).release().catch(() => undefined)));
        this.held.clear();
        return o.renewMs;
      }
    }
    // Only now that the gateway no longer runs them: another instance may take them.
    await Promise.all(release.map((id) => this.lease(id).release().catch(() => undefined)));
    return this.held.size < min ? o.claimMs : o.renewMs;
  }
}
