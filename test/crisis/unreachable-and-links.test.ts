import { copyFileSync, mkdirSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createEscalation, type Escalation } from '../../src/crisis/escalation.js';
import { createOutboxWorker } from '../../src/crisis/outbox.js';
import { webhookPayload } from '../../src/crisis/webhook-sink.js';
import { silentLogger } from '../../src/logger.js';
import { openDatabase } from '../../src/store/sqlite/database.js';
import { countRows, manualClock, MINUTE, recordingSink, signal, testDb, type ManualClock, type TestDb } from './helpers.js';

describe('a private message refused after the alert was written', () => {
  let t: TestDb;
  let clock: ManualClock;
  let escalation: Escalation;
  let kicks = 0;
  afterEach(() => t?.db.close());

  const setup = () => {
    t = testDb();
    clock = manualClock();
    kicks = 0;
    escalation = createEscalation({
      cases: t.cases, messages: t.messages, sinks: ['webhook', 'telegram'], policy: t.policy, clock,
      logger: silentLogger, onAlertsWritten: () => kicks++,
    });
  };

  it('marks the case, audits it and writes an update saying "not reached privately" for every sink, in one go', async () => {
    setup();
    const { caseId } = await escalation.raise(signal('high'));
    clock.advance(MINUTE);
    await escalation.markUnreachable(caseId!, clock.now(), 'pv-test-2');

    expect(await t.cases.getCase(caseId!)).toMatchObject({ reachedPrivately: false, status: 'open' });
    const audit = await t.cases.auditLog(caseId!);
    expect(audit.at(-1)).toMatchObject({ action: 'dm_refused', actor: 'bot', policyVersion: 'pv-test-2', at: clock.now() });
    const rows = t.db.prepare("SELECT sink, payload_json FROM alert_outbox WHERE alert_id = (SELECT MAX(id) FROM alerts)").all() as
      Array<{ sink: string; payload_json: string }>;
    expect(rows.map((r) => r.sink).sort()).toEqual(['telegram', 'webhook']);
    for (const row of rows) {
      expect(JSON.parse(row.payload_json)).toMatchObject({ kind: 'update', status: 'open', reachedPrivately: false, priority: 'high', caseId });
      expect(JSON.parse(row.payload_json)).not.toHaveProperty('actedBy');
    }
    expect(kicks).toBe(2);
  });

  it('writes no second update when the refusal is reported again, but still audits it', async () => {
    setup();
    const { caseId } = await escalation.raise(signal('high'));
    expect(await t.cases.markUnreachable(caseId!, clock.now(), ['webhook'])).toMatchObject({ changed: true });
    expect(await t.cases.markUnreachable(caseId!, clock.now(), ['webhook'])).toEqual({ changed: false, alertId: undefined });
    expect(countRows(t.db, 'alerts')).toBe(2);
    expect((await t.cases.auditLog(caseId!)).filter((e) => e.action === 'dm_refused')).toHaveLength(2);
    expect(await t.cases.markUnreachable(9999, clock.now(), ['webhook'])).toEqual({ changed: false, alertId: undefined });
  });

  it('delivers the new alert and then the update to each sink, so the latest word is "not reached"', async () => {
    setup();
    const sinks = [recordingSink('webhook'), recordingSink('telegram')];
    const worker = createOutboxWorker({ cases: t.cases, sinks, policy: t.policy, clock, logger: silentLogger });
    const { caseId } = await escalation.raise(signal('high'));
    await worker.drainOnce();
    await escalation.markUnreachable(caseId!, clock.now(), 'pv-test-1');
    await worker.drainOnce();
    for (const sink of sinks) {
      expect(sink.received.map((a) => [a.kind, a.reachedPrivately])).toEqual([['new', true], ['update', false]]);
    }
  });
});

describe('the link to the triggering message', () => {
  let t: TestDb;
  let clock: ManualClock;
  let escalation: Escalation;
  afterEach(() => t?.db.close());
  const setup = () => {
    t = testDb();
    clock = manualClock();
    escalation = createEscalation({ cases: t.cases, messages: t.messages, sinks: ['webhook'], policy: t.policy, clock, logger: silentLogger });
  };
  const payloads = () => (t.db.prepare('SELECT payload_json FROM alert_outbox ORDER BY id').all() as Array<{ payload_json: string }>)
    .map((r) => JSON.parse(r.payload_json) as Record<string, unknown>);

  it('carries the id of the message whose excerpt the alert shows, and moves it with each new disclosure', async () => {
    setup();
    const { caseId } = await escalation.raise(signal('high', { messageId: '-100200:41' }));
    await escalation.raise(signal('high', { messageId: '-100200:42', excerpt: 'a later message at the same level' }));
    await escalation.raise(signal('imminent', { messageId: '-100200:43', excerpt: 'the message that raised the level' }));
    expect(payloads().map((p) => [p['kind'], p['messageId'], p['excerpt']])).toEqual([
      ['new', '-100200:41', 'an excerpt for moderators'],
      ['update', '-100200:42', 'a later message at the same level'],
      ['escalated', '-100200:43', 'the message that raised the level'],
    ]);
    expect((await t.cases.getCase(caseId!))?.messageId).toBe('-100200:43');
    expect(webhookPayload(payloads()[2] as never, clock.now()).messageId).toBe('-100200:43');
  });

  it('gives no message id for a private chat, which moderators cannot open', async () => {
    setup();
    await escalation.raise(signal('high', { isDirect: true, conversation: { platform: 'telegram', channelId: '501' }, messageId: '501:7' }));
    expect(payloads()[0]).not.toHaveProperty('messageId');
    expect(webhookPayload(payloads()[0] as never, clock.now()).messageId).toBeNull();
  });

  it('erases the message id from the case and every stored alert on forget', async () => {
    setup();
    const input = signal('high', { messageId: '-100200:99' });
    const { caseId } = await escalation.raise(input);
    await t.cases.forgetUser(input.userKey, t.policy.forgetKeepsAuditFields);
    expect((await t.cases.getCase(caseId!))?.messageId).toBeUndefined();
    expect(payloads()[0]).not.toHaveProperty('messageId');
  });

  it('fills the message id of cases opened before the migration from their signals', () => {
    const dir = mkdtempSync(join(tmpdir(), 'oyster-mig-'));
    const all = resolve(import.meta.dirname, '../../migrations');
    const early = join(dir, 'early');
    mkdirSync(early);
    for (const f of readdirSync(all).filter((n) => n < '0003')) copyFileSync(join(all, f), join(early, f));
    const path = join(dir, 'bot.db');
    const db = openDatabase(path, { migrationsDir: early });
    db.exec(`INSERT INTO cases (id, user_key, conversation_key, platform, conversation_json, is_direct, user_id, user_display_name,
               status, level, reasons_json, excerpt, resources_sent_json, reached_privately, policy_version, opened_at, last_seen_at)
             VALUES (1, 'u', 'c', 'discord', '{}', 0, '1', 'n', 'open', 'high', '[]', '', '[]', 1, 'pv', 't', 't');
             INSERT INTO case_signals VALUES ('discord', '111', 1, 'moderate', '2026-01-01T00:00:00.000Z'),
               ('discord', '222', 1, 'high', '2026-01-01T00:01:00.000Z'), ('discord', '333', 1, 'high', '2026-01-01T00:02:00.000Z');`);
    db.close();
    const migrated = openDatabase(path, { migrationsDir: all });
    expect(migrated.prepare('SELECT message_id FROM cases').get()).toEqual({ message_id: '222' });
    migrated.close();
  });
});
