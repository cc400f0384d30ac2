/**
 * Issue 13's decision: when the model judge raises a message from the screen's moderate to
 * imminent after the moderate lines went out, the person gets the raised level's lines once, as
 * part of the same case ("when in doubt, fail toward safety"): the emergency number first, which
 * the moderate lines do not give. Through the real bot (engine, SQLite store, policies, crisis
 * services); the judge is the fake model on 127.0.0.1 reached through the real `openai` client.
 *
 * Before: the case was raised and the moderators paged at the judge's level, but the person
 * read only the moderate lines until their next message at risk.
 */
import { resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadDirectory } from '../../src/crisis/directory.js';
import type { OutboundMessage } from '../../src/messages.js';
import type { ChatRequestBody, ScriptedReply } from '../fakes/fake-model.js';
import type { FakeAdapterOptions } from '../fakes/fake-adapter.js';
import { startHarness, type Harness } from '../helpers/bot-harness.js';
import { assessor } from '../risk/helpers.js';

let h: Harness | undefined;
afterEach(async () => { await h?.close(); h = undefined; });

const directory = loadDirectory(resolve('policies'));
const isJudgeCall = (body: ChatRequestBody) => body.messages.some((m) => m.role === 'system' && m.content.includes('risk classifier'));
const verdict = (level: string) => JSON.stringify({ level, categories: ['plan', 'means_access'], rationale: 'means at hand with a time' });
/** Passive ideation: the screen's moderate. */
const PASSIVE = 'I wish I could go to sleep and not wake up';
/** What the directory says privately at a level (the harness has a moderator sink, so moderators are reachable). */
const lines = (level: 'moderate' | 'high' | 'imminent', locale = 'en', place: 'private' | 'private-unreachable' = 'private') =>
  directory.render({ country: 'GB', level, locale, place, about: 'self', moderators: true }).text;

/** The judge answers `level` after 400 ms (the screen's lines are out by then); the chat answers plainly. */
async function start(level: string, adapter?: FakeAdapterOptions): Promise<Harness> {
  return startHarness({
    env: { CRISIS_DEFAULT_COUNTRY: 'GB', RISK_JUDGE: 'on', RISK_JUDGE_TIMEOUT_MS: '10000' },
    reply: (body: ChatRequestBody): string | ScriptedReply =>
      isJudgeCall(body) ? { content: verdict(level), delayMs: 400 } : 'I am here with you.',
    ...(adapter ? { adapter } : {}),
  });
}

const kindsIn = (sent: OutboundMessage[], channelId: string) => sent.filter((m) => m.conversation.channelId === channelId).map((m) => m.kind);

describe('the judge raises a message after its moderate lines went out', () => {
  it('the screen alone reads the message as moderate, and the imminent lines put 999 before the crisis line', () => {
    expect(assessor.screen({ text: PASSIVE, recent: [], now: new Date() }).level).toBe('moderate');
    expect(lines('moderate')).not.toContain('999');
    expect(lines('imminent').indexOf('999')).toBeGreaterThanOrEqual(0);
    expect(lines('imminent').indexOf('999')).toBeLessThan(lines('imminent').indexOf('116 123'));
  });

  it("sends the raised level's lines once, before the answer, in the same case", async () => {
    h = await start('imminent');
    await h.adapter.receive({ text: PASSIVE });
    await h.bot.drainAlerts();

    expect(h.adapter.sent.map((m) => m.kind)).toEqual(['resources', 'resources', 'reply']);
    expect(h.adapter.sent[0]!.text).toBe(lines('moderate'));
    expect(h.adapter.sent[1]!.text).toBe(lines('imminent'));
    // One case: the first alert at the screen's level, then the escalation at the judge's.
    expect(new Set(h.sink.alerts.map((a) => a.caseId)).size).toBe(1);
    expect(h.sink.alerts.filter((a) => a.kind === 'new').map((a) => a.level)).toEqual(['moderate']);
    expect(h.sink.alerts.map((a) => [a.kind, a.level, a.priority])).toContainEqual(['escalated', 'imminent', 'urgent']);
  });

  it("sends the high lines once when the judge raises moderate to high", async () => {
    h = await start('high');
    await h.adapter.receive({ text: PASSIVE });
    expect(lines('high')).not.toBe(lines('moderate'));
    expect(h.adapter.sent.map((m) => m.kind)).toEqual(['resources', 'resources', 'reply']);
    expect(h.adapter.sent.filter((m) => m.kind === 'resources').map((m) => m.text)).toEqual([lines('moderate'), lines('high')]);
  });

  it('does not repeat the raised lines with the next message at risk', async () => {
    h = await start('imminent');
    await h.adapter.receive({ text: PASSIVE });
    await h.adapter.receive({ text: 'I really do not want to be here anymore' });
    expect(h.adapter.sent.filter((m) => m.kind === 'resources').map((m) => m.text)).toEqual([lines('moderate'), lines('imminent')]);
  });

  it('does not send the raised lines twice when the judge also raises the next message, written before the first was answered', async () => {
    h = await start('imminent');
    // Both messages are screened before either verdict (the second moderate, carried by the
    // first), and the judge raises both: the two raises meet.
    await Promise.all([h.adapter.receive({ text: PASSIVE }), h.adapter.receive({ text: 'everything feels pointless lately' })]);
    expect(h.adapter.sent.filter((m) => m.kind === 'resources').map((m) => m.text)).toEqual([lines('moderate'), lines('imminent')]);
    expect(h.adapter.sent.filter((m) => m.kind === 'reply')).toHaveLength(2);
  });

  it('sends nothing more when the judge agrees with the screen', async () => {
    h = await start('moderate');
    await h.adapter.receive({ text: PASSIVE });
    expect(h.adapter.sent.map((m) => m.kind)).toEqual(['resources', 'reply']);
  });

  it('in a public channel: the raised lines go privately, and the channel keeps its one short note', async () => {
    h = await start('imminent');
    await h.adapter.receive({ text: PASSIVE, isDirect: false, mentionsBot: true });
    expect(kindsIn(h.adapter.sent, 'general')).toEqual(['public-note']);
    expect(h.adapter.sent.filter((m) => m.conversation.channelId === 'dm-u1' && m.kind === 'resources').map((m) => m.text))
      .toEqual([lines('moderate'), lines('imminent')]);
  });

  it('in a public channel with DMs closed: the minimal raised lines go in place, emergency number first', async () => {
    h = await start('imminent', { closedDms: ['u1'] });
    await h.adapter.receive({ text: PASSIVE, isDirect: false, mentionsBot: true });
    const inPlace = h.adapter.sent.filter((m) => m.conversation.channelId === 'general' && m.kind === 'resources').map((m) => m.text);
    expect(inPlace).toEqual([lines('moderate', 'en', 'private-unreachable'), lines('imminent', 'en', 'private-unreachable')]);
    expect(inPlace[1]).toContain('999');
  });

  it("sends the raised lines in each of the bot's languages, as the directory words them", async () => {
    h = await start('imminent');
    const locales = directory.locales();
    expect(locales.length).toBeGreaterThanOrEqual(18);
    await Promise.all(locales.map(async (locale) => {
      const userId = `u-${locale}`;
      await h!.adapter.command('language', [locale], { id: userId, displayName: `user ${userId}`, roleIds: [] });
      await h!.adapter.receive({ text: PASSIVE, userId });
    }));
    for (const locale of locales) {
      const resources = h.adapter.sent.filter((m) => m.conversation.channelId === `dm-u-${locale}` && m.kind === 'resources').map((m) => m.text);
      expect(resources, locale).toEqual([lines('moderate', locale), lines('imminent', locale)]);
    }
  });
});
