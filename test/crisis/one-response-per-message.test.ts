/**
 * Issue 13 (the crisis step's seam): one crisis response per message, even when the model judge
 * raises the message's level after the screen already answered it. Through the real bot: the
 * engine, SQLite store, policies and crisis services; the judge is the fake model on 127.0.0.1
 * reached through the real `openai` client.
 *
 * Before: the engine called `respond` a second time for the judge's verdict. The person got a
 * second crisis text seconds after the first, and the case store dropped the second signal as a
 * redelivery of the same message, so the moderators were never paged at the judge's level.
 * Since then (issue 13's decision, test/engine/judge-raise.test.ts) a higher verdict also sends
 * the raised level's lines once, within the same response and the same case.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { ChatRequestBody, ScriptedReply } from '../fakes/fake-model.js';
import { startHarness, type Harness } from '../helpers/bot-harness.js';
import { waitFor } from '../helpers/wait-for.js';
import { assessor } from '../risk/helpers.js';

let h: Harness | undefined;
afterEach(async () => { await h?.close(); h = undefined; });

const isJudgeCall = (body: ChatRequestBody) => body.messages.some((m) => m.role === 'system' && m.content.includes('risk classifier'));
const verdict = (level: string) => JSON.stringify({ level, categories: ['plan', 'means_access'], rationale: 'means at hand with a time' });
/** Passive ideation: the screen's moderate. */
const PASSIVE = 'I wish I could go to sleep and not wake up';

/** The judge answers `level` after `delayMs` (the screen's resources are out by then); the chat answers plainly. */
async function start(level: string, delayMs: number): Promise<Harness> {
  return startHarness({
    env: { CRISIS_DEFAULT_COUNTRY: 'GB', RISK_JUDGE: 'on', RISK_JUDGE_TIMEOUT_MS: '10000' },
    reply: (body: ChatRequestBody): string | ScriptedReply =>
      isJudgeCall(body) ? { content: verdict(level), delayMs } : 'I am here with you.',
  });
}

describe('one crisis response per message', () => {
  it('the screen alone reads the message as moderate', () => {
    expect(assessor.screen({ text: PASSIVE, recent: [], now: new Date() }).level).toBe('moderate');
  });

  it("calls the crisis step once when the judge raises the level after the resources went out: the raised level's lines once, paged at the raised level", async () => {
    h = await start('imminent', 400);
    const handled = h.adapter.receive({ text: PASSIVE });
    // The screen's resources go out before the judge has answered.
    await waitFor(() => h!.adapter.sent.find((m) => m.kind === 'resources'), { timeoutMs: 15_000, what: 'resources' });
    expect(h.model.calls.filter(isJudgeCall).length).toBeLessThanOrEqual(1);
    await handled;
    await h.bot.drainAlerts();

    expect(h.adapter.sent.map((m) => m.kind)).toEqual(['resources', 'resources', 'reply']);
    // The case carries the judge's level: the first alert at the screen's level, then the escalation.
    expect(h.sink.alerts.map((a) => [a.kind, a.level, a.priority])).toContainEqual(['escalated', 'imminent', 'urgent']);
    expect(h.sink.alerts.filter((a) => a.kind === 'new').map((a) => a.level)).toEqual(['moderate']);
    expect(new Set(h.sink.alerts.map((a) => a.caseId)).size).toBe(1);
  });

  it("gives the person the raised level's lines once, and not again with their next message at risk", async () => {
    h = await start('imminent', 400);
    await h.adapter.receive({ text: PASSIVE });
    await h.adapter.receive({ text: 'I really do not want to be here anymore' });
    const resources = h.adapter.sent.filter((m) => m.kind === 'resources');
    expect(resources).toHaveLength(2);
    // Imminent: the emergency number first (United Kingdom: 999).
    expect(resources[1]!.text.indexOf('999')).toBeGreaterThanOrEqual(0);
    expect(resources[1]!.text.indexOf('999')).toBeLessThan(resources[1]!.text.indexOf('116 123'));
    expect(resources[0]!.text).not.toContain('999');
  });

  it('leaves one response and the screen-level case when the judge finds no more', async () => {
    h = await start('moderate', 50);
    await h.adapter.receive({ text: PASSIVE });
    await h.bot.drainAlerts();
    expect(h.adapter.sent.map((m) => m.kind)).toEqual(['resources', 'reply']);
    expect(h.sink.alerts.filter((a) => a.kind !== 'update').map((a) => [a.kind, a.level])).toEqual([['new', 'moderate']]);
  });

  it('responds once, at the judge level, when only the judge finds the risk', async () => {
    h = await start('high', 50);
    await h.adapter.receive({ text: 'jag orkar inte mer, jag vill bara försvinna för alltid' });
    await h.bot.drainAlerts();
    expect(h.adapter.sent.map((m) => m.kind)).toEqual(['resources', 'reply']);
    expect(h.sink.alerts.filter((a) => a.kind !== 'update').map((a) => [a.kind, a.level])).toEqual([['new', 'high']]);
  });
});
