/**
 * What each adapter is handed: the engine's intake for messages, the command handler, and the
 * per-platform state an adapter keeps in the store (whom it may message privately) or shares
 * with other instances (leader leases). Built here so the composition root (main.ts) holds no
 * per-message code.
 */
import type { Engine, ReplyChannel } from './engine.js';
import { platformUserKey } from './messages.js';
import type { BotHandlers, Clock, DirectReachBook, GatewayBook, PlatformAdapter } from './ports.js';
import type { SharedStateStore } from './store/shared-state.js';
import { INSTANCE_LEASE_PREFIX, type LeaseStore } from './store/pg/pg-leases.js';

/** A leader lease (Telegram long polling) lapses this long after its holder stopped renewing it. */
const LEADER_LEASE_MS = 15_000;

export interface HandlersDeps {
  engine: Pick<Engine, 'receive'>;
  onCommand: BotHandlers['onCommand'];
  /** The adapters' own sentences by language (policies/texts/). */
  notes?: BotHandlers['notes'];
  shared: SharedStateStore;
  /** Several instances (PostgreSQL): named leases and this instance's id. */
  leases: Pick<LeaseStore, 'acquire' | 'release' | 'countLive'> | undefined;
  instanceId: string;
  clock: Clock;
}

/** One platform's view of the store's private-reachability rows (keyed by platformUserKey). */
function reachBook(shared: SharedStateStore, platform: string, clock: Clock): DirectReachBook {
  return {
    get: (userId) => shared.directReach(platformUserKey(platform, userId), clock.now()),
    set: (userId, reach) => shared.setDirectReach(platformUserKey(platform, userId), reach, clock.now()),
  };
}

/** One platform's view of the gateway rows: 'discord:<shard>' sessions, 'discord:identify:<bucket>' slots. */
function gatewayBook(shared: SharedStateStore, platform: string, clock: Clock): GatewayBook {
  return {
    session: (shardId) => shared.gatewaySession(`${platform}:${shardId}`),
    saveSession: (shardId, session) => shared.saveGatewaySession(`${platform}:${shardId}`, session, clock.now()),
    channelMarks: (shardId, sinceMs) => shared.gatewayChannelMarks(`${platform}:${shardId}`, new Date(sinceMs)),
    saveChannelMarks: (shardId, marks) => shared.saveGatewayChannelMarks(`${platform}:${shardId}`, marks),
    takeIdentifySlot: (bucket, intervalMs) => shared.takeIdentifySlot(`${platform}:identify:${bucket}`, clock.now(), intervalMs),
  };
}

/** The handlers for one reply channel (an adapter, or a bare channel in tests). */
export function createHandlersFor(deps: HandlersDeps): (channel: ReplyChannel) => BotHandlers {
  const { engine, onCommand, notes, shared, leases, instanceId, clock } = deps;
  return (channel) => ({
    onMessage: async (message) => ({ handled: (await engine.receive(message, channel)).handled.then(() => undefined) }),
    onCommand,
    ...(notes ? { notes } : {}),
    // Whom the platform lets the bot message privately, kept in the store for every instance. Only
    // an adapter names its platform; a bare reply channel (tests) gets none.
    ...(typeof (channel as Partial<PlatformAdapter>).platform === 'string' ? {
      directReach: reachBook(shared, (channel as PlatformAdapter).platform, clock),
      gateway: gatewayBook(shared, (channel as PlatformAdapter).platform, clock),
    } : {}),
    // Several instances: work only one may do at a time goes to the holder of a named lease.
    ...(leases ? {
      leadership: (name: string) => ({
        acquire: () => leases.acquire(name, instanceId, LEADER_LEASE_MS),
        release: () => leases.release(name, instanceId),
      }),
      liveInstances: () => leases.countLive(INSTANCE_LEASE_PREFIX),
    } : {}),
  });
}
