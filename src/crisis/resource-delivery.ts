/**
 * Delivery truth for crisis resources (issue 12 item 3). Every resource message goes through
 * the durable queue (src/store/resource-deliveries.ts): queued, claimed, sent, and only counted
 * as sent when the platform confirmed it. A transient failure leaves the row queued; this
 * worker retries it with backoff (the alert outbox's backoff) until it is delivered or
 * superseded, and the person's next message retries their undelivered rows at once.
 * A refusal (DMs closed on send) is final for that row: the caller falls back to the minimal
 * in-place text, which is queued as its own row.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { asBotError, type BotError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { OutboundMessage } from '../messages.js';
import { conversationKey, riskRank, type RiskLevel } from '../messages.js';
import type { Clock } from '../ports.js';
import type { ClaimedDelivery, NewResourceDelivery, ResourceDeliveryStore } from '../store/resource-deliveries.js';
import type { RenderRequest } from './directory.js';
import { backoffMs } from './outbox.js';

export interface ResourceChannel {
  send(message: OutboundMessage): Promise<{ id: string }>;
}

export interface ResourceDeliveryDeps {
  store: ResourceDeliveryStore;
  render(request: RenderRequest): { text: string; privateChatButton?: string };
  /** The adapter of a platform, for retries that no inbound message carries. */
  channelFor(platform: string): ResourceChannel | undefined;
  /** Sink names: a confirmed delivery updates every sink's view of the case. */
  sinks: string[];
  retry: { baseMs: number; maxMs: number; pollMs: number };
  clock: Clock;
  logger: Logger;
  /** Called after an update alert was written (outbox worker.kick). */
  onAlertsWritten?: () => void;
  metrics?: { count(name: string, labels?: Record<string, string>): void };
  random?: () => number;
}

export type SendOutcome =
  | { delivered: true; id: number }
  | { delivered: false; id: number; error: BotError; refused: boolean };

export interface ResourceDelivery {
  /** Queues the message and tries it at once; resolves after that first try. */
  send(delivery: NewResourceDelivery, channel: ResourceChannel): Promise<SendOutcome>;
  /** The person wrote again: everything they never received is tried now. Resolves with rows delivered. */
  retryFor(userKey: string, channel: ResourceChannel): Promise<number>;
  /**
   * Whether a resource message for the person, at `level` or above, was queued at or after
   * `since` (delivered, still queued, or superseded by a newer one). A message resumed after a crash asks this before it
   * sends its resources again: the queue already re-sends what the dead run queued.
   */
  queuedSince(userKey: string, since: Date, level: RiskLevel): Promise<boolean>;
  /**
   * At start, before any adapter: claims a dead process left are released and every queued row
   * is due now. Run after an adapter started, it released the claims of sends already in flight
   * in this process (a message taken at once, a resumed one) and the queue sent them again.
   */
  recover(): Promise<void>;
  /** Starts the retry worker (after recover() and the adapters). */
  start(): Promise<void>;
  drainOnce(): Promise<number>;
  stop(): Promise<void>;
}

/** Failures worth a quick retry inside the first send; after QUICK_TRIES the queue's backoff takes over. */
const QUICK_RETRY = new Set(['PLATFORM_NETWORK', 'PLATFORM_RATE_LIMITED']);
const QUICK_TRIES = 4;
const QUICK_RETRY_MAX_WAIT_MS = 5_000;

/** A refusal (DMs closed on send) is final for that row; every other failure is retried (fail toward safety). */
const REFUSED = new Set(['PLATFORM_PERMISSION']);

export function createResourceDelivery(deps: ResourceDeliveryDeps): ResourceDelivery {
  const { store, clock, logger } = deps;
  const random = deps.random ?? Math.random;
  const leaseMs = 60_000;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<number> | undefined;

  async function attempt(row: ClaimedDelivery, channel: ResourceChannel): Promise<SendOutcome> {
    const rendered = deps.render({ country: row.country, level: row.level, locale: row.locale, place: row.place, about: row.about });
    const message: OutboundMessage = {
      conversation: row.conversation, text: rendered.text, kind: 'resources',
      ...(rendered.privateChatButton !== undefined ? { privateChatLabel: rendered.privateChatButton } : {}),
      // One row is one message to the person, whichever run sends it (Telegram's read-back).
      sendKey: `resources:${row.id}`,
      ...(row.replyToId !== undefined && row.attempts === 1 ? { replyToId: row.replyToId } : {}),
    };
    let sent: { id: string };
    try {
      sent = await channel.send(message);
    } catch (error) {
      const e = asBotError(error);
      const refused = REFUSED.has(e.code);
      const fields = { code: e.code, deliveryId: row.id, caseId: row.caseId, attempts: row.attempts, conversation: conversationKey(row.conversation) };
      if (refused) {
        await store.markRefused(row.id, row.claimToken, e.code, clock.now());
        logger.warn('crisis resources refused by the platform', fields);
      } else {
        const delay = Math.max(
          backoffMs(row.attempts, deps.retry.baseMs, deps.retry.maxMs, random()),
          Math.min(e.retryAfterMs ?? 0, deps.retry.maxMs),
        );
        await store.markFailed(row.id, row.claimToken, e.code, new Date(clock.now().getTime() + delay));
        logger.error('crisis resources not delivered: queued for retry', { ...fields, retryInMs: delay });
      }
      deps.metrics?.count('resources_failed_total', { level: row.level, code: e.code });
      return { delivered: false, id: row.id, error: e, refused };
    }
    // Outside the try: the person has the message, so a store failure here must not resend it.
    const { alertId } = await store.markDelivered(row.id, row.claimToken, sent.id, clock.now(), deps.sinks);
    if (alertId !== undefined) deps.onAlertsWritten?.();
    deps.metrics?.count('resources_sent_total', { level: row.level });
    if (row.attempts > 1) logger.info('crisis resources delivered after retrying', { deliveryId: row.id, caseId: row.caseId, attempts: row.attempts });
    return { delivered: true, id: row.id };
  }

  async function pass(): Promise<number> {
    let delivered = 0;
    const rows = await store.claimDue(clock.now(), leaseMs, 50);
    for (const row of rows) {
      const channel = deps.channelFor(row.conversation.platform);
      if (!channel) {
        await store.markFailed(row.id, row.claimToken, 'PLATFORM_NETWORK:no_adapter', new Date(clock.now().getTime() + deps.retry.maxMs));
        continue;
      }
      if ((await attempt(row, channel)).delivered) delivered++;
    }
    return delivered;
  }

  function drainOnce(): Promise<number> {
    running ??= pass().finally(() => { running = undefined; });
    return running;
  }

  return {
    async send(delivery, channel) {
      const { id } = await store.enqueue(delivery);
      for (let tries = 1; ; tries++) {
        const row = await store.claim(id, clock.now(), leaseMs);
        // Claimed by a retry pass in the instant since it was queued: that pass sends it.
        if (!row) return { delivered: false, id, error: asBotError(new Error('claimed elsewhere')), refused: false };
        const outcome = await attempt(row, channel);
        // A short blip (rate limit, network) is worth a few quick tries before the backoff queue:
        // the person gets the text sooner, and the first alert can already say it arrived.
        if (outcome.delivered || outcome.refused || !QUICK_RETRY.has(outcome.error.code) || tries >= QUICK_TRIES) return outcome;
        await sleep(Math.min(outcome.error.retryAfterMs ?? 250 * 4 ** (tries - 1), QUICK_RETRY_MAX_WAIT_MS));
      }
    },
    async retryFor(userKey, channel) {
      const rows = await store.claimForUser(userKey, clock.now(), leaseMs);
      let delivered = 0;
      for (const row of rows) if ((await attempt(row, channel)).delivered) delivered++;
      if (rows.length > 0) logger.info('re-sent undelivered crisis resources on the next message', { rows: rows.length, delivered });
      return delivered;
    },
    async queuedSince(userKey, since, level) {
      return (await store.forUser(userKey)).some((row) => row.createdAt.getTime() >= since.getTime() && riskRank(row.level) >= riskRank(level));
    },
    async recover() {
      // With the store unavailable at start the worker still starts: claims expire on their own.
      const released = await store.releaseClaims(clock.now()).catch((error: unknown) => {
        logger.error('resource deliveries could not release old claims', { code: asBotError(error).code });
        return 0;
      });
      if (released > 0) logger.warn('resource deliveries resumed after a restart', { rows: released });
    },
    async start() {
      timer = setInterval(() => {
        drainOnce().catch((error: unknown) => logger.error('resource delivery pass failed', { code: asBotError(error).code }));
      }, deps.retry.pollMs);
      timer.unref();
    },
    drainOnce,
    async stop() {
      if (timer) clearInterval(timer);
      timer = undefined;
      if (running) await running.catch(() => undefined);
    },
  };
}

