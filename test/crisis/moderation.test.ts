import { afterEach, describe, expect, it } from 'vitest';
import { createEscalation, type Escalation } from '../../src/crisis/escalation.js';
import { createModeration, type Moderation } from '../../src/crisis/moderation.js';
import { createCountryCommand } from '../../src/crisis/country.js';
import { conversationKey } from '../../src/messages.js';
import type { CommandRequest } from '../../src/ports.js';
import { silentLogger } from '../../src/logger.js';
import { countRows, manualClock, MINUTE, recordingLogger, signal, testDb, type ManualClock, type TestDb } from './helpers.js';

const staff = { platform: 'discord', channelId: 'mod-room', communityId: 'guild-1' };
const command = (args: string[], actor: { id: string; roleIds?: string[]; name?: string }, name = 'case'): CommandRequest => ({
  name, args, isDirect: false, conversation: staff,
  actor: { id: actor.id, displayName: actor.name ?? `user${actor.id}`, roleIds: actor.roleIds ?? [] },
});

describe('moderator actions', () => {
  let t: TestDb;
  let clock: ManualClock;
  let escalation: Escalation;
  let moderation: Moderation;
  let logger: ReturnType<typeof recordingLogger>;
  let kicks: number;
  afterEach(() => t?.db.close());

  const setup = () => {
    t = testDb();
    clock = manualClock();
    logger = recordingLogger();
    kicks = 0;
    escalation = createEscalation({ cases: t.cases, messages: t.messages, sinks: ['discord', 'webhook'], policy: t.policy, clock, logger: silentLogger });
    moderation = createModeration({
      cases: t.cases, moderators: { ids: ['discord:100'], roleIds: ['role-mods'] }, clock, logger,
      updateSinks: ['webhook'], policyVersion: 'pv-running', onAlertsWritten: () => kicks++,
    });
  };

  it('refuses a non-moderator privately, changes nothing, and logs and audits the attempt', async () => {
    setup();
    const { caseId } = await escalation.raise(signal('high', { conversation: { platform: 'discord', channelId: 'general', communityId: 'guild-1' } }));
    const reply = await moderation.handle(command(['ack', String(caseId)], { id: '555', roleIds: ['role-members'] }));

    expect(reply).toEqual({ ok: false, private: true, text: 'Only moderators can act on cases. This attempt has been logged.' });
    expect((await t.cases.getCase(caseId!))?.status).toBe('open');
    const audit = await t.cases.auditLog(caseId!);
    expect(audit.at(-1)).toMatchObject({ action: 'refused', actor: 'discord:555', at: clock.now(), policyVersion: 'pv-test-1', detail: { attempted: 'ack' } });
    expect(logger.entries).toContainEqual(expect.objectContaining({ level: 'warn', fields: expect.objectContaining({ actor: 'discord:555', caseId }) }));
  });

  it('audits a refused attempt on a case id that does not exist', async () => {
    setup();
    await moderation.handle(command(['resolve', '#999'], { id: '556' }));
    const row = t.db.prepare('SELECT case_id, action, actor, policy_version, detail_json FROM case_events').get();
    expect(row).toEqual({ case_id: null, action: 'refused', actor: 'discord:556', policy_version: 'pv-running', detail_json: JSON.stringify({ attempted: 'resolve', requestedCaseId: 999 }) });
  });

  it('lets a moderator acknowledge, returning the alert as it should now read, with who and when in the audit log', async () => {
    setup();
    const { caseId } = await escalation.raise(signal('imminent'));
    clock.advance(2 * MINUTE);
    const reply = await moderation.handle(command(['ack', String(caseId)], { id: '100', name: 'Mo' }));

    expect(reply).toMatchObject({ ok: true, private: true });
    expect(reply.updatedAlert).toMatchObject({
      caseId, kind: 'update', status: 'acknowledged', level: 'imminent', priority: 'normal', actedBy: 'Mo', actedAt: clock.now().toISOString(),
    });
    const c = await t.cases.getCase(caseId!);
    expect(c).toMatchObject({ status: 'acknowledged', acknowledgedBy: 'discord:100', acknowledgedAt: clock.now(), nextRealertAt: undefined });
    expect((await t.cases.auditLog(caseId!)).at(-1)).toMatchObject({
      action: 'acknowledge', actor: 'discord:100', at: clock.now(), policyVersion: 'pv-test-1', detail: { fromStatus: 'open' },
    });
    // The webhook hears about the status change; the platform channel edits its alert in place instead.
    expect(t.db.prepare("SELECT sink FROM alert_outbox o JOIN alerts a ON a.id = o.alert_id WHERE a.kind = 'update'").all()).toEqual([{ sink: 'webhook' }]);
    expect(kicks).toBe(1);

    const again = await moderation.handle(command(['ack', String(caseId)], { id: 'x', roleIds: ['role-mods'] }));
    expect(again).toMatchObject({ ok: false, text: `Case #${caseId} is already acknowledged by discord:100.` });
  });

  it('resolves with an outcome code from the moderator flow and rejects unknown outcomes', async () => {
    setup();
    const { caseId } = await escalation.raise(signal('high'));
    const bad = await moderation.handle(command(['resolve', String(caseId), 'fine'], { id: '100' }));
    expect(bad.ok).toBe(false);
    expect(bad.text).toContain('false_positive, resources_accepted, reached_service, emergency, unknown');

    const ok = await moderation.handle(command(['resolve', String(caseId), 'reached-service'], { id: '100' }));
    expect(ok.ok).toBe(true);
    expect(ok.updatedAlert?.status).toBe('resolved');
    expect(await t.cases.getCase(caseId!)).toMatchObject({ status: 'resolved', outcome: 'reached_service', resolvedBy: 'discord:100' });
    expect((await moderation.handle(command(['resolve', String(caseId)], { id: '100' }))).text).toBe(`Case #${caseId} is already resolved.`);
  });

  it('adds notes to the audit log, pauses and resumes the bot for the user, and lists open cases', async () => {
    setup();
    const input = signal('moderate');
    const { caseId } = await escalation.raise(input);
    const key = conversationKey(input.conversation);

    expect((await moderation.handle(command(['note', String(caseId), 'reached', 'out', 'by', 'DM'], { id: '7', roleIds: ['role-mods'] }))).ok).toBe(true);
    expect((await t.cases.auditLog(caseId!)).at(-1)).toMatchObject({ action: 'note', note: 'reached out by DM', actor: 'discord:7' });
    expect((await moderation.handle(command(['note', String(caseId)], { id: '100' }))).ok).toBe(false);

    expect((await moderation.handle(command(['pause', String(caseId)], { id: '100' }))).ok).toBe(true);
    expect(await escalation.isPaused(input.userKey, key)).toBe(true);
    const list = await moderation.handle(command(['list'], { id: '100' }));
    expect(list.text).toContain(`#${caseId} · moderate · open (bot paused) · telegram`);
    expect(list.text).not.toContain('excerpt');
    expect((await moderation.handle(command(['resume', String(caseId)], { id: '100' }))).ok).toBe(true);
    expect(await escalation.isPaused(input.userKey, key)).toBe(false);
    expect((await moderation.handle(command(['resume', String(caseId)], { id: '100' }))).ok).toBe(false);
  });

  it('answers usage errors and unknown cases without changing anything', async () => {
    setup();
    expect((await moderation.handle(command([], { id: '100' }))).ok).toBe(false);
    expect((await moderation.handle(command(['ack'], { id: '100' }))).ok).toBe(false);
    expect(await moderation.handle(command(['ack', '41'], { id: '100' }))).toEqual({ ok: false, private: true, text: 'There is no case #41.' });
    expect(countRows(t.db, 'case_events')).toBe(0);
  });
});

describe('country command', () => {
  let t: TestDb;
  afterEach(() => t?.db.close());

  it("stores a user's country, lets only moderators set the community default, and rejects unknown codes", async () => {
    t = testDb();
    const country = createCountryCommand({
      messages: t.messages, moderators: { ids: ['discord:100'], roleIds: [] }, isKnownCountry: (c) => ['DE', 'IE', 'US'].includes(c), logger: silentLogger,
    });
    expect((await country.handle(command(['de'], { id: '5' }, 'country'))).ok).toBe(true);
    expect(await t.messages.preference('discord:5', 'country')).toBe('DE');
    expect((await country.handle(command(['XX'], { id: '5' }, 'country'))).ok).toBe(false);
    expect((await country.handle(command(['community', 'IE'], { id: '5' }, 'country'))).ok).toBe(false);
    expect(await t.messages.preference('community:discord:guild-1', 'country')).toBeUndefined();
    expect((await country.handle(command(['community', 'IE'], { id: '100' }, 'country'))).ok).toBe(true);
    expect(await t.messages.preference('community:discord:guild-1', 'country')).toBe('IE');
    expect((await country.handle(command([], { id: '5' }, 'country'))).text).toContain('**DE** (your choice)');
    expect((await country.handle(command(['clear'], { id: '5' }, 'country'))).ok).toBe(true);
    expect((await country.handle(command([], { id: '5' }, 'country'))).text).toContain("**IE** (this community's default)");
  });
});
