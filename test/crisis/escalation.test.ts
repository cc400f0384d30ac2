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

  it('only updates last_seen when the same or a lower level repeats on an open case', async () => {
    setup();
    const first = await escalation.raise(signal('high'));
    clock.advance(3 * MINUTE);
    const same = await escalation.raise(signal('high', { at: clock.now() }));
    const lower = await escalation.raise(signal('moderate', { at: clock.now() }));

    expect(same).toEqual({ caseId: first.caseId, created: false, escalated: false, alertIds: [] });
    expect(lower).toEqual({ caseId: first.caseId, created: false, escalated: false, alertIds: [] });
    const c = await t.cases.getCase(first.caseId!);
    expect(c?.level).toBe('high');
    expect(c?.lastSeenAt.getTime()).toBe(T0.getTime() + 3 * MINUTE);
    expect(countRows(t.db, 'alerts')).toBe(1);
  });

  it('does nothing below the moderate threshold', async () => {
    setup();
    const result = await escalation.raise(signal('low'));
    expect(result).toEqual({ caseId: undefined, created: false, escalated: false, alertIds: [] });
    expect(countRows(t.db, 'cases')).toBe(0);
  });

  it('keeps separate cases for separate conversations and opens a new case after resolution', async () => {
    setup();
    const group = await escalation.raise(signal('moderate'));
    const dm = await escalation.raise(signal('moderate', { conversation: { platform: 'telegram', channelId: '501' }, isDirect: true }));
    expect(dm.caseId).not.toBe(group.caseId);

    await t.cases.applyAction({ kind: 'resolve', caseId: group.caseId!, actor: 'telegram:9', actorName: 'mod', at: clock.now(), updateSinks: [] });
    const reopened = await escalation.raise(signal('moderate'));
    expect(reopened.created).toBe(true);
    expect(reopened.caseId).not.toBe(group.caseId);
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
