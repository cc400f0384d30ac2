/**
 * The generic moderator webhook (MODERATOR_WEBHOOK_URL): a signed JSON POST per alert so a
 * team can route alerts to a pager or helpdesk. Fields and verification: README.md, "Moderator webhook".
 *
 * Headers: X-Oyster-Signature "sha256=<hex HMAC-SHA256 of the raw body>" with
 * MODERATOR_WEBHOOK_SECRET; X-Oyster-Alert-Id, the idempotency key (a redelivery after a
 * crash repeats it, so receivers dedupe on it); X-Oyster-Timestamp, unix seconds, also
 * signed inside the body as `sentAt` so receivers can reject replays. A digest (policies/
 * escalation.yaml `digest`) is one POST with its own schema and X-Oyster-Digest-Id instead.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { AlertDigest, AlertView, Clock, ModeratorSink } from '../ports.js';
import { systemClock } from '../ports.js';
import { BotError } from '../errors.js';
import { withDedupe } from './sink-dedupe.js';
import { alertCard, fact } from '../alerts/card.js';

export const WEBHOOK_SCHEMA = 'oyster-bot.alert.v1';
export const WEBHOOK_DIGEST_SCHEMA = 'oyster-bot.digest.v1';

export interface WebhookSinkConfig {
  url: string;
  secret: string;
  /** Per request; the outbox retries after it. Default 10 s. */
  timeoutMs?: number;
  /** Leave out the message excerpt (for receivers outside the moderation team). Default: included. */
  includeExcerpt?: boolean;
  clock?: Clock;
  name?: string;
}

/** The JSON body: fixed keys, absent values as null (README.md, "Moderator webhook"). */
export interface WebhookPayload {
  schema: typeof WEBHOOK_SCHEMA;
  alertId: number;
  caseId: number;
  kind: AlertView['kind'];
  level: AlertView['level'];
  priority: AlertView['priority'];
  status: AlertView['status'];
  reasons: string[];
  platform: string;
  conversation: { platform: string; channelId: string; threadId: string | null; communityId: string | null };
  isDirect: boolean;
  user: { id: string; displayName: string };
  excerpt: string | null;
  country: string | null;
  resourcesSent: string[];
  reachedPrivately: boolean;
  policyVersion: string;
  createdAt: string;
  actedBy: string | null;
  actedAt: string | null;
  /** Platform id of the triggering message (InboundMessage.id); null for private chats and after /forget. */
  messageId: string | null;
  /** The on-call moderator an urgent alert pages ("platform:userId"), as the core alert card says; null when nobody is paged. */
  pagedModerator: string | null;
  /** The case's page in the moderator dashboard, as the core alert card links it; null without DASHBOARD_PUBLIC_URL. */
  caseUrl: string | null;
  sentAt: string;
}

/** A digest: the held alerts, each exactly as its own alert body would be (without `schema`/`sentAt`). */
export interface WebhookDigestPayload {
  schema: typeof WEBHOOK_DIGEST_SCHEMA;
  digestId: string;
  createdAt: string;
  alerts: Array<Omit<WebhookPayload, 'schema' | 'sentAt'>>;
  sentAt: string;
}

export function webhookPayload(alert: AlertView, sentAt: Date, includeExcerpt = true): WebhookPayload {
  const c = alert.conversation;
  // Who is paged and where the case lives are the card's decisions, so the webhook says what every chat sink shows.
  const card = alertCard(alert);
  return {
    schema: WEBHOOK_SCHEMA,
    alertId: alert.alertId,
    caseId: alert.caseId,
    kind: alert.kind,
    level: alert.level,
    priority: alert.priority,
    status: alert.status,
    reasons: alert.reasons,
    platform: alert.platform,
    conversation: { platform: c.platform, channelId: c.channelId, threadId: c.threadId ?? null, communityId: c.communityId ?? null },
    isDirect: alert.isDirect,
    user: alert.user,
    excerpt: includeExcerpt ? alert.excerpt : null,
    country: alert.country ?? null,
    resourcesSent: alert.resourcesSent,
    reachedPrivately: alert.reachedPrivately,
    policyVersion: alert.policyVersion,
    createdAt: alert.createdAt,
    actedBy: alert.actedBy ?? null,
    actedAt: alert.actedAt ?? null,
    messageId: alert.messageId ?? null,
    pagedModerator: card.paged ?? null,
    caseUrl: fact(card, 'case')?.url ?? null,
    sentAt: sentAt.toISOString(),
  };
}

export function webhookDigestPayload(digest: AlertDigest, sentAt: Date, includeExcerpt = true): WebhookDigestPayload {
  return {
    schema: WEBHOOK_DIGEST_SCHEMA,
    digestId: digest.digestId,
    createdAt: digest.createdAt,
    alerts: digest.alerts.map((alert) => {
      const { schema: _schema, sentAt: _sentAt, ...item } = webhookPayload(alert, sentAt, includeExcerpt);
      return item;
    }),
    sentAt: sentAt.toISOString(),
  };
}

/** "sha256=<hex>" over the exact bytes sent. */
export function signWebhookBody(body: string, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(body, 'utf8').digest('hex')}`;
}

/** Constant-time check a receiver (or a test) runs on the raw body and the header. */
export function verifyWebhookSignature(body: string, header: string | undefined, secret: string): boolean {
  if (header === undefined) return false;
  const expected = Buffer.from(signWebhookBody(body, secret));
  const actual = Buffer.from(header);
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

export function createWebhookSink(config: WebhookSinkConfig): ModeratorSink {
  let url: URL;
  try {
    url = new URL(config.url);
  } catch (error) {
    throw new BotError('MODERATOR_WEBHOOK_URL is not a valid URL', 'CONFIG_INVALID', { cause: error });
  }
  // Alerts carry crisis data: plain HTTP is allowed only to this machine.
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && LOOPBACK.has(url.hostname))) {
    throw new BotError('MODERATOR_WEBHOOK_URL must use https:// (http:// only for localhost)', 'CONFIG_INVALID');
  }
  if (config.secret.length < 16) {
    throw new BotError('MODERATOR_WEBHOOK_SECRET must be set to at least 16 characters', 'CONFIG_INVALID');
  }
  const clock = config.clock ?? systemClock;
  const timeoutMs = config.timeoutMs ?? 10_000;
  const target = url.toString();

  const includeExcerpt = config.includeExcerpt ?? true;

  /** Signs and POSTs one body; resolves with the receiver's id or `fallbackRef`. */
  async function post(body: string, sentAt: Date, idHeader: Record<string, string>, fallbackRef: string): Promise<{ ref?: string }> {
    let response: Response;
    try {
      response = await fetch(target, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'oyster-bot-webhook/1',
          'x-oyster-signature': signWebhookBody(body, config.secret),
          ...idHeader,
          'x-oyster-timestamp': String(Math.floor(sentAt.getTime() / 1000)),
        },
        body,
        // A redirect would replay a signed crisis payload to a host nobody configured.
        redirect: 'error',
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      const name = (error as Error).name;
      const reason = name === 'TimeoutError' || name === 'AbortError' ? 'timeout' : 'network';
      throw new BotError(`webhook ${reason}`, 'ESCALATION_NOTIFY_FAILED', { cause: error, context: { reason } });
    }
    const text = await response.text().catch(() => '');
    if (!response.ok) {
      const retryAfter = Number(response.headers.get('retry-after'));
      throw new BotError(`webhook answered ${response.status}`, 'ESCALATION_NOTIFY_FAILED', {
        context: { reason: `http_${response.status}` },
        ...(Number.isFinite(retryAfter) && retryAfter > 0 ? { retryAfterMs: retryAfter * 1000 } : {}),
      });
    }
    return { ref: refFrom(text) ?? fallbackRef };
  }

  return withDedupe({
    name: config.name ?? 'webhook',
    async deliver(alert) {
      const sentAt = clock.now();
      const body = JSON.stringify(webhookPayload(alert, sentAt, includeExcerpt));
      return post(body, sentAt, { 'x-oyster-alert-id': String(alert.alertId) }, `webhook:${alert.alertId}`);
    },
    async deliverDigest(digest) {
      const sentAt = clock.now();
      const body = JSON.stringify(webhookDigestPayload(digest, sentAt, includeExcerpt));
      return post(body, sentAt, { 'x-oyster-digest-id': digest.digestId }, `webhook-digest:${digest.digestId}`);
    },
  });
}

/** A receiver may answer {"id": "..."} (a ticket or incident id) to be kept as the alert's reference. */
function refFrom(text: string): string | undefined {
  try {
    const id = (JSON.parse(text) as { id?: unknown }).id;
    return typeof id === 'string' || typeof id === 'number' ? String(id).slice(0, 200) : undefined;
  } catch {
    return undefined;
  }
}
