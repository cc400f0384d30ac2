/**
 * Issue 12 items 4 and 7 through the real bot: one case per person per community, a false
 * positive that stops colouring the next messages, a quiet alert for an unaddressed group
 * message, and new disclosures that reach the moderators.
 */
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger.js';
import { createLogSink } from '../../src/crisis/log-sink.js';
import { startHarness, type Harness } from '../helpers/bot-harness.js';

let h: Harness | undefined;
afterEach(async () => { await h?.close(); h = undefined; });

const US = { CRISIS_DEFAULT_COUNTRY: 'US' };
const MODS = { ...US, MODERATOR_IDS: 'fake:m1' };
const mod = { id: 'm1', displayName: 'Mod', roleIds: [] as string[] };
const HIGH = 'I keep thinking about killing myself and I do not know how to stop.';
const HIGH_AGAIN = 'I keep thinking about killing myself, every night it gets worse.';
const MODERATE = 'Lately I wish I could fall asleep and just never wake up again.';
const IMMINENT = "I've taken the pills, this is goodbye.";
const ATTEMPT = 'I have taken all the pills now.';
const SUPPORTIVE = 'I am really glad you told me. You matter.';

describe('one open case per person per community', () => {
  it('joins the DM the bot invited to the case the group post opened: one case, one page', async () => {
    h = await startHarness({ env: US, reply: () => SUPPORTIVE });
    await h.adapter.receive({ text: HIGH, isDirect: false, mentionsBot: true });
    await h.adapter.receive({ text: IMMINENT });
    await h.bot.drainAlerts();

    expect(h.sink.alerts.map((a) => [a.caseId, a.kind, a.level])).toEqual([[1, 'new', 'high'], [1, 'escalated', 'imminent']]);
    expect((await h.bot.cases.listCases({ activeOnly: true, failingAfterAttempts: 5 })).length).toBe(1);
  });
});

describe('a false_positive resolve', () => {
  it('resets the carried level, so "those were song lyrics" opens no case and sends no emergency text', async () => {
    h = await startHarness({ env: MODS, reply: () => SUPPORTIVE });
    await h.adapter.receive({ text: IMMINENT });
    await h.bot.drainAlerts();
    const resolved = await h.adapter.command('case', ['resolve', '1', 'false_positive'], mod);
    expect(resolved.ok).toBe(true);
    await h.bot.drainAlerts();
    // The resolve is news, not an alarm: normal priority (issue 12 item 9).
    expect(h.sink.alerts.map((a) => [a.kind, a.status, a.priority])).toEqual([['new', 'open', 'urgent'], ['update', 'resolved', 'normal']]);
    const sentBefore = h.adapter.sent.length;
    const alertsBefore = h.sink.alerts.length;

    await h.adapter.receive({ text: 'sorry, those were song lyrics' });
    await h.bot.drainAlerts();

    expect(h.adapter.sent.slice(sentBefore).map((m) => m.kind)).toEqual(['reply']);
    expect(h.sink.alerts.slice(alertsBefore)).toEqual([]);
    expect((await h.bot.cases.listCases({ activeOnly: true, failingAfterAttempts: 5 }))).toEqual([]);
  });

  it('holds off paging for the person: a new imminent signal opens a case at normal priority, with resources at once', async () => {
    h = await startHarness({ env: MODS, reply: () => SUPPORTIVE });
    await h.adapter.receive({ text: IMMINENT });
    await h.adapter.command('case', ['resolve', '1', 'false_positive'], mod);
    await h.bot.drainAlerts();
    const alertsBefore = h.sink.alerts.length;
    h.clock.advance(60_000);
    await h.adapter.receive({ text: ATTEMPT });
    await h.bot.drainAlerts();

    expect(h.sink.alerts.slice(alertsBefore).map((a) => [a.caseId, a.kind, a.level, a.priority])).toEqual([[2, 'new', 'imminent', 'normal']]);
    expect(h.adapter.sent.at(-2)?.kind).toBe('resources');
  });
});

describe('an unaddressed moderate message in a group', () => {
  it('raises a normal-priority alert and says nothing in public', async () => {
    h = await startHarness({ env: US, reply: () => SUPPORTIVE });
    await h.adapter.receive({ text: MODERATE, isDirect: false, mentionsBot: false });
    await h.bot.drainAlerts();

    expect(h.sink.alerts.map((a) => [a.kind, a.level, a.priority, a.isDirect])).toEqual([['new', 'moderate', 'normal', false]]);
    expect(h.adapter.sent).toEqual([]);
  });

  it('stays silent for an unaddressed message with no risk', async () => {
    h = await startHarness({ env: US, reply: () => SUPPORTIVE });
    await h.adapter.receive({ text: 'this boss fight is killing me lol', isDirect: false, mentionsBot: false });
    await h.bot.drainAlerts();
    expect(h.sink.alerts).toEqual([]);
  });
});

describe('new disclosures while a case is open', () => {
  it('moves the excerpt and sends an update alert at the same level', async () => {
    h = await startHarness({ env: US, reply: () => SUPPORTIVE });
    await h.adapter.receive({ text: HIGH });
    await h.adapter.receive({ text: HIGH_AGAIN });
    await h.bot.drainAlerts();

    expect(h.sink.alerts.map((a) => [a.kind, a.level])).toEqual([['new', 'high'], ['update', 'high']]);
    expect(h.sink.alerts[1]!.excerpt).toContain('every night it gets worse');
  });

  it('re-pages at once when an attempt is disclosed on an open imminent case, but not for a reply that only carries the level', async () => {
    h = await startHarness({ env: US, reply: () => SUPPORTIVE });
    await h.adapter.receive({ text: IMMINENT });
    await h.adapter.receive({ text: 'ok' });
    await h.adapter.receive({ text: ATTEMPT });
    await h.bot.drainAlerts();

    expect(h.sink.alerts.map((a) => [a.kind, a.priority])).toEqual([['new', 'urgent'], ['realert', 'urgent']]);
  });
});

describe('alert log lines', () => {
  it('keep the logger level as a number and the risk level in its own field', async () => {
    const lines: string[] = [];
    const destination = new Writable({ write(chunk, _enc, done) { lines.push(String(chunk)); done(); } });
    const sink = createLogSink(createLogger({ destination, level: 'info' }));
    await sink.deliver({
      caseId: 1, alertId: 7, kind: 'new', level: 'imminent', priority: 'urgent', status: 'open', reasons: ['r'], platform: 'fake',
      conversation: { platform: 'fake', channelId: 'dm-u1' }, isDirect: true, user: { id: 'u1', displayName: 'u' }, excerpt: 'x',
      country: 'US', resourcesSent: [], reachedPrivately: true, policyVersion: 'pv', createdAt: new Date(0).toISOString(),
    });
    expect(lines).toHaveLength(1);
    expect(lines[0]!.match(/"level":/g)).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({ level: 40, risk: 'imminent', priority: 'urgent' });
  });
});
