import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createEscalation } from '../../src/crisis/escalation.js';
import { createOutboxWorker } from '../../src/crisis/outbox.js';
import {
  createWebhookSink, signWebhookBody, verifyWebhookSignature, WEBHOOK_DIGEST_SCHEMA, WEBHOOK_SCHEMA,
  type WebhookDigestPayload, type WebhookPayload,
} from '../../src/crisis/webhook-sink.js';
import { createLogSink } from '../../src/crisis/log-sink.js';
import { silentLogger } from '../../src/logger.js';
import { alertCard, fact } from '../../src/alerts/card.js';
import type { AlertView } from '../../src/ports.js';
import { manualClock, recordingLogger, signal, T0, testDb, type TestDb } from './helpers.js';

const SECRET = 'test-secret-0123456789abcdef';

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
}

/** A receiver on 127.0.0.1 that answers from a script of statuses (then 200) and dedupes on the alert id like a good receiver. */
async function receiver(statuses: number[] = [], options: { hang?: boolean } = {}) {
  const requests: Received[] = [];
  const processed = new Set<string>();
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      requests.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      if (options.hang) return;
      const status = statuses.shift() ?? 200;
      const key = String(req.headers['x-oyster-alert-id'] ?? req.headers['x-oyster-digest-id']);
      if (status === 200) processed.add(key);
      res.writeHead(status, { 'content-type': 'application/json', ...(status === 429 ? { 'retry-after': '20' } : {}) });
      res.end(status === 200 ? JSON.stringify({ id: `TICKET-${key}` }) : '{"error":"busy"}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/oyster`;
  return {
    url, requests, processed,
    close: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }),
  };
}

const alert = (over: Partial<AlertView> = {}): AlertView => ({
  caseId: 7, alertId: 70, kind: 'new', level: 'high', priority: 'high', status: 'open', reasons: ['rule:x'],
  platform: 'console', conversation: { platform: 'console', channelId: 'local' }, isDirect: true,
  user: { id: 'u1', displayName: 'you' }, excerpt: 'short excerpt', country: undefined, resourcesSent: ['us-988'],
  reachedPrivately: true, policyVersion: 'pv1', createdAt: T0.toISOString(), ...over,
});

describe('webhook sink', () => {
  let r: Awaited<ReturnType<typeof receiver>> | undefined;
  let t: TestDb | undefined;
  afterEach(async () => {
    await r?.close();
    t?.db.close();
    r = undefined;
    t = undefined;
  });

  it('posts the alert as JSON with an HMAC-SHA256 signature over the raw body that the receiver can verify', async () => {
    r = await receiver();
    const sink = createWebhookSink({ url: r.url, secret: SECRET, clock: manualClock() });
    const result = await sink.deliver(alert());

    expect(result).toEqual({ ref: 'TICKET-70' });
    const [req] = r.requests;
    expect(req?.headers['content-type']).toBe('application/json');
    expect(req?.headers['x-oyster-alert-id']).toBe('70');
    expect(req?.headers['x-oyster-timestamp']).toBe(String(T0.getTime() / 1000));
    expect(req?.headers['x-oyster-signature']).toMatch(/^sha256=[0-9a-f]{64}$/);
    expect(verifyWebhookSignature(req!.body, req!.headers['x-oyster-signature'] as string, SECRET)).toBe(true);
    expect(verifyWebhookSignature(req!.body, req!.headers['x-oyster-signature'] as string, 'another-secret-0123456')).toBe(false);
    expect(verifyWebhookSignature(`${req!.body} `, req!.headers['x-oyster-signature'] as string, SECRET)).toBe(false);
    const payload = JSON.parse(req!.body) as WebhookPayload;
    expect(payload).toMatchObject({
      schema: WEBHOOK_SCHEMA, alertId: 70, caseId: 7, level: 'high', country: null, actedBy: null,
      conversation: { platform: 'console', channelId: 'local', threadId: null, communityId: null },
      excerpt: 'short excerpt', sentAt: T0.toISOString(),
    });
  });

  it('sends the id of the triggering message, and null when there is none', async () => {
    r = await receiver();
    const sink = createWebhookSink({ url: r.url, secret: SECRET });
    await sink.deliver(alert({ alertId: 71, isDirect: false, messageId: '1203456789012345678' }));
    await sink.deliver(alert({ alertId: 72 }));
    expect(r.requests.map((q) => (JSON.parse(q.body) as WebhookPayload).messageId)).toEqual(['1203456789012345678', null]);
  });

  it('posts a digest as one signed request that carries every alert and the digest id as its key', async () => {
    r = await receiver();
    const sink = createWebhookSink({ url: r.url, secret: SECRET, clock: manualClock(), includeExcerpt: false });
    const digest = {
      digestId: 'abc123', createdAt: T0.toISOString(),
      alerts: [alert({ alertId: 80, caseId: 8, level: 'moderate', priority: 'normal' }), alert({ alertId: 81, caseId: 9, level: 'moderate', priority: 'normal' })],
    };
    expect(await sink.deliverDigest!(digest)).toEqual({ ref: 'TICKET-abc123' });
    await sink.deliverDigest!(digest);
    expect(r.requests).toHaveLength(1);
    const [req] = r.requests;
    expect(req?.headers['x-oyster-digest-id']).toBe('abc123');
    expect(req?.headers['x-oyster-alert-id']).toBeUndefined();
    expect(verifyWebhookSignature(req!.body, req!.headers['x-oyster-signature'] as string, SECRET)).toBe(true);
    const body = JSON.parse(req!.body) as WebhookDigestPayload;
    expect(body).toMatchObject({ schema: WEBHOOK_DIGEST_SCHEMA, digestId: 'abc123', sentAt: T0.toISOString() });
    expect(body.alerts.map((a) => [a.alertId, a.caseId, a.excerpt])).toEqual([[80, 8, null], [81, 9, null]]);
    expect(body.alerts[0]).not.toHaveProperty('schema');
    expect(body.alerts[0]).not.toHaveProperty('sentAt');
  });

  it('signs exactly what a known HMAC-SHA256 implementation computes', () => {
    // RFC 4231 test case 2: key "Jefe", data "what do ya want for nothing?".
    expect(signWebhookBody('what do ya want for nothing?', 'Jefe')).toBe(
      'sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843',
    );
  });

  it('leaves the excerpt out when the operator turns excerpts off', async () => {
    r = await receiver();
    await createWebhookSink({ url: r.url, secret: SECRET, includeExcerpt: false }).deliver(alert());
    expect((JSON.parse(r.requests[0]!.body) as WebhookPayload).excerpt).toBeNull();
  });

  it('rejects a non-2xx answer and a receiver that does not answer in time with ESCALATION_NOTIFY_FAILED', async () => {
    r = await receiver([503]);
    const sink = createWebhookSink({ url: r.url, secret: SECRET });
    await expect(sink.deliver(alert())).rejects.toMatchObject({ code: 'ESCALATION_NOTIFY_FAILED', context: { reason: 'http_503' } });
    await r.close();

    r = await receiver([], { hang: true });
    const slow = createWebhookSink({ url: r.url, secret: SECRET, timeoutMs: 200 });
    await expect(slow.deliver(alert())).rejects.toMatchObject({ code: 'ESCALATION_NOTIFY_FAILED', context: { reason: 'timeout' } });
  });

  it('refuses plain http to another host and a short secret', () => {
    expect(() => createWebhookSink({ url: 'http://alerts.example.org/x', secret: SECRET })).toThrow(/https/);
    expect(() => createWebhookSink({ url: 'https://alerts.example.org/x', secret: 'short' })).toThrow(/16 characters/);
  });

  it('sends an alert id once per process even when asked twice', async () => {
    r = await receiver();
    const sink = createWebhookSink({ url: r.url, secret: SECRET });
    const first = await sink.deliver(alert());
    const second = await sink.deliver(alert());
    expect(second).toEqual(first);
    expect(r.requests).toHaveLength(1);
  });

  it('delivers through the outbox after 503 and 429 answers, once, with the same alert id on every attempt', async () => {
    r = await receiver([503, 429]);
    t = testDb();
    const clock = manualClock();
    const sink = createWebhookSink({ url: r.url, secret: SECRET, clock });
    const escalation = createEscalation({ cases: t.cases, messages: t.messages, sinks: ['webhook'], policy: t.policy, clock, logger: silentLogger });
    const worker = createOutboxWorker({ cases: t.cases, sinks: [sink], policy: t.policy, clock, logger: silentLogger, random: () => 0 });
    const { alertIds } = await escalation.raise(signal('imminent'));

    await worker.drainOnce(); // 503
    clock.advance(2_500);
    await worker.drainOnce(); // 429 with Retry-After: 20 s, longer than the backoff
    clock.advance(19_000);
    await worker.drainOnce();
    expect(r.requests).toHaveLength(2);
    clock.advance(1_000);
    await worker.drainOnce(); // 200
    clock.advance(60_000);
    await worker.drainOnce();

    expect(r.requests.map((q) => q.headers['x-oyster-alert-id'])).toEqual([String(alertIds[0]), String(alertIds[0]), String(alertIds[0])]);
    expect(r.requests.every((q) => verifyWebhookSignature(q.body, q.headers['x-oyster-signature'] as string, SECRET))).toBe(true);
    expect([...r.processed]).toEqual([String(alertIds[0])]);
    expect(t.db.prepare('SELECT ref, attempts FROM alert_outbox').get()).toEqual({ ref: `TICKET-${alertIds[0]}`, attempts: 3 });
  });

  it('carries the paged on-call moderator and the dashboard case link, as the core alert card states them', async () => {
    r = await receiver();
    t = testDb();
    const clock = manualClock();
    const policy = { ...t.policy, paging: { ...t.policy.paging, onCall: ['discord:11', 'slack:U22'] } };
    const escalation = createEscalation({ cases: t.cases, messages: t.messages, sinks: ['webhook'], policy, clock, logger: silentLogger });
    const worker = createOutboxWorker({
      cases: t.cases, sinks: [createWebhookSink({ url: r.url, secret: SECRET, clock })], policy, clock, logger: silentLogger,
      caseLink: (caseId) => `https://mods.example.org/cases/${caseId}`,
    });
    const urgent = await escalation.raise(signal('imminent'));
    await worker.drainOnce();
    expect(r.requests).toHaveLength(1);
    const sent = JSON.parse(r.requests[0]!.body) as WebhookPayload;
    expect(sent.pagedModerator).toBe('discord:11');
    expect(sent.caseUrl).toBe(`https://mods.example.org/cases/${urgent.caseId}`);
    // The same facts a chat sink shows on its card.
    const card = alertCard({ ...alert({ caseId: urgent.caseId!, priority: 'urgent' }), page: 'discord:11', caseUrl: sent.caseUrl! });
    expect(card.paged).toBe(sent.pagedModerator);
    expect(fact(card, 'case')?.url).toBe(sent.caseUrl);
  });

  it('sends null for the paged moderator and the case link when nobody is paged and the dashboard has no address', async () => {
    r = await receiver();
    const sink = createWebhookSink({ url: r.url, secret: SECRET, clock: manualClock() });
    await sink.deliver(alert({ priority: 'high' }));
    const sent = JSON.parse(r.requests[0]!.body) as WebhookPayload;
    expect(sent).toMatchObject({ pagedModerator: null, caseUrl: null });
    expect(Object.keys(sent)).toEqual(expect.arrayContaining(['pagedModerator', 'caseUrl']));
  });

  it('is handled exactly once by a deduping receiver when a crash lands between the send and the mark', async () => {
    r = await receiver();
    t = testDb();
    const clock = manualClock();
    const escalation = createEscalation({ cases: t.cases, messages: t.messages, sinks: ['webhook'], policy: t.policy, clock, logger: silentLogger });
    await escalation.raise(signal('high'));
    // The first process claims the row and sends it, then dies before marking it delivered.
    const [row] = await t.cases.claimDue(clock.now(), 60_000, 10);
    await createWebhookSink({ url: r.url, secret: SECRET, clock }).deliver(row!.alert);

    const restarted = createOutboxWorker({
      cases: t.cases, sinks: [createWebhookSink({ url: r.url, secret: SECRET, clock })], policy: t.policy, clock, logger: silentLogger,
    });
    await restarted.start();
    await restarted.stop();
    expect(r.requests).toHaveLength(2);
    expect(new Set(r.requests.map((q) => q.headers['x-oyster-alert-id'])).size).toBe(1);
    expect(r.processed.size).toBe(1);
    expect(await restarted.stats()).toEqual({ depth: 0, failing: 0 });
  });
});

describe('log sink', () => {
  it('logs ids, level and reason codes but never the excerpt or the user name', async () => {
    const logger = recordingLogger();
    const sink = createLogSink(logger);
    expect(await sink.deliver(alert({ priority: 'urgent', level: 'imminent' }))).toEqual({ ref: 'log:70' });
    await sink.deliver(alert({ priority: 'urgent', level: 'imminent' }));
    expect(logger.entries).toHaveLength(1);
    const [entry] = logger.entries;
    expect(entry).toMatchObject({ level: 'warn', fields: { alertId: 70, caseId: 7, level: 'imminent', reasons: ['rule:x'] } });
    const serialized = JSON.stringify(entry);
    expect(serialized).not.toContain('short excerpt');
    expect(serialized).not.toContain('"you"');
  });
});
