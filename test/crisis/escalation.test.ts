import { afterEach, describe, expect, it } from 'vitest';
import { createEscalation, type Escalation } from '../../src/crisis/escalation.js';
import { conversationKey } from '../../src/messages.js';
import { silentLogger } from '../../src/logger.js';
import { countRows, manualClock, MINUTE, signal, T0, testDb, type ManualClock, type TestDb } from './helpers.js';

describe('escalation: cases and their outbox rows', () => {
  let t: TestDb;
  let clock: ManualClock;
  let escalation: Escalation;
  let kicks = 0;

  const setup = (defaultCountry?: string) => {
    t = testDb();
    clock = manualClock();
    kicks = 0;
    escalation = createEscalation({
      cases: t.cases, messages: t.messages, sinks: ['webhook', 'telegram'], policy: t.policy, clock,
      logger: silentLogger, defaultCountry, onAlertsWritten: () => kicks++,
    });
  };
  afterEach(() => t?.db.close());

  it('opens one case with one outbox row per sink and keeps one open case when the same message is redelivered', async () => {
    setup();
    const input = signal('high');
    const first = await escalation.raise(input);
    const again = await escalation.raise(input);
    const afterRestartStyle = await escalation.raise({ ...input });

    expect(first.created).toBe(true);
    expect(first.alertIds).toHaveLength(1);
    expect(again).toEqual({ caseId: first.caseId, created: false, escalated: false, alertIds: [] });
    expect(afterRestartStyle.alertIds).toEqual([]);
    expect(countRows(t.db, 'cases')).toBe(1);
    expect(countRows(t.db, 'alerts')).toBe(1);
    expect(countRows(t.db, 'alert_outbox')).toBe(2);
    expect(kicks).toBe(1);
  });

  it('escalates an open high case to imminent with a new escalated alert at urgent priority', async () => {
    setup();
    const high = await escalation.raise(signal('high'));
    clock.advance(MINUTE);
    const imminent = await escalation.raise(signal('imminent', { reasons: ['plan+timeframe'], at: clock.now() }));

    expect(imminent).toMatchObject({ caseId: high.caseId, created: false, escalated: true });
    expect(imminent.alertIds).toHaveLength(1);
    const rows = t.db.prepare('SELECT kind, level, priority FROM alerts ORDER BY id').all();
    expect(rows).toEqual([
      { kind: 'new', level: 'high', priority: 'high' },
      { kind: 'escalated', level: 'imminent', priority: 'urgent' },
    ]);
    const c = await t.cases.getCase(high.caseId!);
    expect(c?.level).toBe('imminent');
    expect(c?.reasons).toEqual(['plan+timeframe']);
    // The imminent target is 5 minutes from the escalation.
    expect(c?.nextRealertAt?.getTime()).toBe(T0.getTime() + MINUTE + 5 * MINUTE);
    const audit = await t.cases.auditLog(high.caseId!);
    expect(audit.map((e) => e.action)).toEqual(['opened', 'escalated']);
    expect(audit[1]).toMatchObject({ actor: 'system', policyVersion: 'pv-test-1', detail: { from: 'high', to: 'imminent' } });
  });

  it('only updates last_seen when a level carried from earlier turns, or a lower level, repeats on an open case', async () => {
    setup();
    const first = await escalation.raise(signal('high'));
    clock.advance(3 * MINUTE);
    const carried = await escalation.raise(signal('high', { at: clock.now(), reasons: ['trajectory:carried:high'], excerpt: 'ok' }));
    const lower = await escalation.raise(signal('moderate', { at: clock.now() }));

    expect(carried).toEqual({ caseId: first.caseId, created: false, escalated: false, alertIds: [] });
    expect(lower).toEqual({ caseId: first.caseId, created: false, escalated: false, alertIds: [] });
    const c = await t.cases.getCase(first.caseId!);
    expect(c?.level).toBe('high');
    expect(c?.excerpt).toBe('an excerpt for moderators');
    expect(c?.lastSeenAt.getTime()).toBe(T0.getTime() + 3 * MINUTE);
    expect(countRows(t.db, 'alerts')).toBe(1);
  });

  it('moves the excerpt and sends an update alert when the person discloses again at the same level', async () => {
    setup();
    const first = await escalation.raise(signal('high'));
    clock.advance(3 * MINUTE);
    const again = await escalation.raise(signal('high', { at: clock.now(), excerpt: 'the second disclosure', messageId: 'second' }));

    expect(again).toMatchObject({ caseId: first.caseId, created: false, escalated: false, updated: true });
    expect(again.alertIds).toHaveLength(1);
    expect(await t.cases.getCase(first.caseId!)).toMatchObject({ excerpt: 'the second disclosure', messageId: 'second', status: 'open' });
    expect(t.db.prepare('SELECT kind, level, priority FROM alerts ORDER BY id').all()).toEqual([
      { kind: 'new', level: 'high', priority: 'high' },
      { kind: 'update', level: 'high', priority: 'high' },
    ]);
  });

  it('re-pages at once when an attempt is disclosed on an open imminent case, even one already acknowledged', async () => {
    setup();
    const first = await escalation.raise(signal('imminent'));
    await t.cases.applyAction({ kind: 'acknowledge', caseId: first.caseId!, actor: 'telegram:9', actorName: 'mod', at: clock.now(), updateSinks: [] });
    clock.advance(MINUTE);
    const attempt = await escalation.raise(signal('imminent', { at: clock.now(), reasons: ['en.attempt.ingested'] }));

    expect(attempt).toMatchObject({ caseId: first.caseId, updated: true });
    expect(t.db.prepare('SELECT kind, priority FROM alerts ORDER BY id').all()).toEqual([
      { kind: 'new', priority: 'urgent' },
      { kind: 'realert', priority: 'urgent' },
    ]);
    expect((await t.cases.getCase(first.caseId!))?.status).toBe('acknowledged');
  });

  it('does nothing below the moderate threshold', async () => {
    setup();
    const result = await escalation.raise(signal('low'));
    expect(result).toEqual({ caseId: undefined, created: false, escalated: false, alertIds: [] });
    expect(countRows(t.db, 'cases')).toBe(0);
  });

  it('keeps one case per person per community across the group and the DM, and opens a new case after resolution', async () => {
    setup();
    const group = await escalation.raise(signal('moderate'));
    const dm = await escalation.raise(signal('high', { conversation: { platform: 'telegram', channelId: '501' }, isDirect: true }));
    expect(dm).toMatchObject({ caseId: group.caseId, escalated: true });
    const elsewhere = await escalation.raise(signal('moderate', { conversation: { platform: 'telegram', channelId: '-300', communityId: '-300' } }));
    expect(elsewhere.created).toBe(true);
    expect(countRows(t.db, 'cases')).toBe(2);

    await t.cases.applyAction({ kind: 'resolve', caseId: group.caseId!, actor: 'telegram:9', actorName: 'mod', at: clock.now(), updateSinks: [] });
    const reopened = await escalation.raise(signal('moderate'));
    expect(reopened.created).toBe(true);
    expect(reopened.caseId).not.toBe(group.caseId);
  });

  it('opens a case without paging while a false_positive hold-off runs, and pages normally after it', async () => {
    setup();
    const first = await escalation.raise(signal('imminent'));
    await t.cases.applyAction({ kind: 'resolve', caseId: first.caseId!, outcome: 'false_positive', actor: 'telegram:9', actorName: 'mod', at: clock.now(), updateSinks: [] });
    clock.advance(MINUTE);
    const held = await escalation.raise(signal('imminent', { at: clock.now() }));
    const heldCase = await t.cases.getCase(held.caseId!);
    // No page, and the first re-alert waits for the end of the hold-off (24 h in the test policy).
    expect(heldCase?.nextRealertAt?.getTime()).toBe(T0.getTime() + t.policy.falsePositiveHoldOffMs);
    await t.cases.applyAction({ kind: 'resolve', caseId: held.caseId!, outcome: 'resources_accepted', actor: 'telegram:9', actorName: 'mod', at: clock.now(), updateSinks: [] });
    clock.advance(t.policy.falsePositiveHoldOffMs);
    await escalation.raise(signal('imminent', { at: clock.now() }));
    expect(t.db.prepare('SELECT kind, priority FROM alerts ORDER BY id').all()).toEqual([
      { kind: 'new', priority: 'urgent' },
      { kind: 'new', priority: 'normal' },
      { kind: 'new', priority: 'urgent' },
    ]);
  });

  it('rejects a second active case for the same user and conversation at the database level', async () => {
    setup();
    await escalation.raise(signal('high'));
    expect(() =>
      t.db.prepare(`INSERT INTO cases (user_key, conversation_key, platform, conversation_json, is_direct, user_id,
          user_display_name, status, level, reasons_json, excerpt, resources_sent_json, reached_privately, policy_version,
          opened_at, last_seen_at) SELECT user_key, conversation_key, platform, conversation_json, is_direct, user_id,
          user_display_name, 'acknowledged', level, reasons_json, excerpt, resources_sent_json, reached_privately,
          policy_version, opened_at, last_seen_at FROM cases`).run(),
    ).toThrow(/UNIQUE/);
  });

  it('writes no case when its outbox rows cannot be written, because both share one transaction', async () => {
    setup();
    t.db.exec('DROP TABLE alert_outbox');
    await expect(escalation.raise(signal('imminent'))).rejects.toThrow();
    expect(countRows(t.db, 'cases')).toBe(0);
    expect(countRows(t.db, 'alerts')).toBe(0);
  });

  it('reports the bot as paused only while a moderator has paused the active case', async () => {
    setup();
    const input = signal('high');
    const { caseId } = await escalation.raise(input);
    const key = conversationKey(input.conversation);
    expect(await escalation.isPaused(input.userKey, key)).toBe(false);
    await t.cases.applyAction({ kind: 'pause', caseId: caseId!, actor: 'telegram:9', actorName: 'mod', at: clock.now(), updateSinks: [] });
    expect(await escalation.isPaused(input.userKey, key)).toBe(true);
    expect(await escalation.isPaused('telegram:other', key)).toBe(false);
    await t.cases.applyAction({ kind: 'resolve', caseId: caseId!, actor: 'telegram:9', actorName: 'mod', at: clock.now(), updateSinks: [] });
    expect(await escalation.isPaused(input.userKey, key)).toBe(false);
  });

  it('asks for resources again only after the resend interval or when the level rises', async () => {
    setup();
    const input = signal('high');
    await escalation.raise(input);
    const q = { userKey: input.userKey, conversationKey: conversationKey(input.conversation) };
    expect(await escalation.resourcesDue({ ...q, level: 'high' })).toBe(false);
    expect(await escalation.resourcesDue({ ...q, level: 'imminent' })).toBe(true);
    clock.advance(359 * MINUTE);
    expect(await escalation.resourcesDue({ ...q, level: 'high' })).toBe(false);
    clock.advance(MINUTE);
    expect(await escalation.resourcesDue({ ...q, level: 'high' })).toBe(true);
    expect(await escalation.resourcesDue({ userKey: 'telegram:new', conversationKey: q.conversationKey, level: 'moderate' })).toBe(true);
  });
});

describe('country resolution', () => {
  let t: TestDb;
  afterEach(() => t?.db.close());
  const make = (defaultCountry?: string) => {
    t = testDb();
    return createEscalation({
      cases: t.cases, messages: t.messages, sinks: ['log'], policy: t.policy, clock: manualClock(), logger: silentLogger, defaultCountry,
    });
  };
  const keys = { userKey: 'discord:42', communityKey: 'community:discord:guild-1' };

  it("prefers the user's own choice, then the community default, then CRISIS_DEFAULT_COUNTRY", async () => {
    const e = make('US');
    expect(await e.resolveCountry(keys)).toEqual({ country: 'US', source: 'default', shouldAsk: false });
    await t.messages.setPreference(keys.communityKey, 'country', 'IE');
    expect(await e.resolveCountry(keys)).toEqual({ country: 'IE', source: 'community', shouldAsk: false });
    await t.messages.setPreference(keys.userKey, 'country', 'de');
    expect(await e.resolveCountry(keys)).toEqual({ country: 'DE', source: 'user', shouldAsk: false });
    // Another guild's default never applies here.
    expect(await e.resolveCountry({ userKey: 'discord:43', communityKey: 'community:discord:guild-2' }))
      .toEqual({ country: 'US', source: 'default', shouldAsk: false });
  });

  it('asks once when nothing is known, and remembers that it asked', async () => {
    const e = make();
    expect(await e.resolveCountry(keys)).toEqual({ source: 'unknown', shouldAsk: true });
    expect(await e.resolveCountry(keys)).toEqual({ source: 'unknown', shouldAsk: false });
    expect(await e.resolveCountry({ userKey: 'discord:99' })).toEqual({ source: 'unknown', shouldAsk: true });
    await t.messages.setPreference(keys.userKey, 'country', 'GB');
    expect(await e.resolveCountry(keys)).toEqual({ country: 'GB', source: 'user', shouldAsk: false });
  });
});
