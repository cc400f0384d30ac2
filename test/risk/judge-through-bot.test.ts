/**
 * Issue 11 item 5 through the real bot: the judge is a scripted fake model on 127.0.0.1 (the
 * same OpenAI-compatible fake the chat uses, reached through the real `openai` client), and the
 * person talks through the FakeAdapter. A risk the offline screen misses (Swedish has no
 * language pack) gets its resources and an alert once the judge answers, well within the
 * judge's timeout; a judge that hangs lets the screen's result stand after the timeout; and the
 * judge never delays resources the screen already called for.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { held, type ChatRequestBody, type ScriptedReply } from '../fakes/fake-model.js';
import { startHarness, type Harness } from '../helpers/bot-harness.js';
import { waitFor } from '../helpers/wait-for.js';
import { assessor } from './helpers.js';

let h: Harness | undefined;
afterEach(async () => { await h?.close(); h = undefined; });

const JUDGE_TIMEOUT_MS = 3_000;
/** Swedish, no language pack: "I have all the pills in front of me, tonight I take them." */
const MISSED = 'jag har alla tabletterna framför mig, i kväll tar jag dem';
const CAUGHT = 'I have the pills in my hand, tonight';

const isJudgeCall = (body: ChatRequestBody) => body.messages.some((m) => m.role === 'system' && m.content.includes('risk classifier'));
const verdict = (level: string) => JSON.stringify({ level, categories: ['plan', 'means_access'], rationale: 'means at hand with a time' });

/** The judge answers `level` after `judgeDelayMs`; the chat answers plainly. */
function script(level: string, judgeDelayMs: number) {
  return (body: ChatRequestBody): string | ScriptedReply =>
    isJudgeCall(body) ? { content: verdict(level), delayMs: judgeDelayMs } : 'I am here with you.';
}

/** A judge that answers "none" only when the test releases it: still reading while the test checks. */
function heldJudge(): { script: (body: ChatRequestBody) => string | ScriptedReply; release: () => void } {
  const gate = held();
  return {
    script: (body) => (isJudgeCall(body) ? { content: verdict('none'), until: gate.released } : 'I am here with you.'),
    release: gate.release,
  };
}

async function start(level: string, judgeDelayMs: number): Promise<Harness> {
  return startHarness({
    env: { CRISIS_DEFAULT_COUNTRY: 'SE', RISK_JUDGE: 'on', RISK_JUDGE_TIMEOUT_MS: String(JUDGE_TIMEOUT_MS) },
    reply: script(level, judgeDelayMs),
  });
}

describe('the judge as the second line, through the bot', () => {
  it('the screen alone misses the message', () => {
    expect(assessor.screen({ text: MISSED, recent: [], now: new Date() }).level).toBe('none');
  });

  it('sends resources and an urgent alert for a risk only the judge saw, within the judge timeout', async () => {
    h = await start('imminent', 50);
    const started = performance.now();
    const handled = h.adapter.receive({ text: MISSED });
    const resources = await waitFor(() => h!.adapter.sent.find((m) => m.kind === 'resources'), { timeoutMs: 15_000, what: 'resources' });
    const elapsed = performance.now() - started;
    await handled;
    await h.bot.drainAlerts();

    expect(elapsed).toBeLessThan(JUDGE_TIMEOUT_MS);
    // Imminent: the emergency number first (Sweden: 112).
    expect(resources.text).toContain('112');
    expect(h.sink.alerts.map((a) => [a.kind, a.level, a.priority])).toEqual([['new', 'imminent', 'urgent']]);
    expect(h.sink.alerts[0]!.reasons.some((r) => r.startsWith('judge'))).toBe(true);
    // The judge was asked once, with the judge's own prompt, before the chat answer.
    const judgeCalls = h.model.calls.filter(isJudgeCall);
    expect(judgeCalls).toHaveLength(1);
    expect(h.model.calls.indexOf(judgeCalls[0]!)).toBe(0);
  });

  it('lets the screen result stand when the judge does not answer within its timeout', async () => {
    h = await start('imminent', JUDGE_TIMEOUT_MS * 3);
    await h.adapter.receive({ text: MISSED });
    await h.bot.drainAlerts();
    expect(h.adapter.sent.map((m) => m.kind)).toEqual(['reply']);
    expect(h.sink.alerts).toEqual([]);
  });

  it('never delays resources the screen already called for, even with the judge hanging', async () => {
    h = await start('none', JUDGE_TIMEOUT_MS * 3);
    const started = performance.now();
    const handled = h.adapter.receive({ text: CAUGHT });
    await waitFor(() => h!.adapter.sent.find((m) => m.kind === 'resources'), { timeoutMs: 15_000, what: 'resources' });
    // Sent before the judge could have answered or timed out.
    expect(performance.now() - started).toBeLessThan(JUDGE_TIMEOUT_MS);
    await handled;
    await h.bot.drainAlerts();
    // The judge's "none" never lowers imminent.
    expect(h.sink.alerts.map((a) => a.level)).toEqual(['imminent']);
  });

  it("never holds a person's next crisis message behind the judge reading their previous one", async () => {
    // A judge still reading when the bound below is checked (it answers only when released, and
    // its timeout is past the bound): before the fix, triage waited for it and the crisis message
    // queued behind that wait.
    const judge = heldJudge();
    h = await startHarness({
      env: { CRISIS_DEFAULT_COUNTRY: 'SE', RISK_JUDGE: 'on', RISK_JUDGE_TIMEOUT_MS: '20000', OYSTER_TIMEOUT_MS: '20000' },
      reply: judge.script,
    });
    const first = h.adapter.receive({ text: 'I feel so tired of everything lately' });
    await waitFor(() => h!.model.calls.some(isJudgeCall), { timeoutMs: 15_000, what: 'the judge reading the first message' });
    const started = performance.now();
    const second = h.adapter.receive({ text: CAUGHT });
    await waitFor(() => h!.adapter.sent.find((m) => m.kind === 'resources'), { timeoutMs: 15_000, what: 'resources for the crisis message' });
    expect(performance.now() - started).toBeLessThan(10_000);
    // Only now does the judge answer, so the first message finishes without waiting out its timeout.
    judge.release();
    await Promise.all([first, second]);
  });

  it("never holds a person's crisis message behind the judge reading their unaddressed group message", async () => {
    // The same as above for a group message nobody addressed to the bot: in the judge's uncertain
    // band (low) the judge reads it too. Before the fix triage awaited that judge, so the person's
    // next message in the group, a crisis one, waited for the judge's whole timeout.
    const judge = heldJudge();
    h = await startHarness({
      env: { CRISIS_DEFAULT_COUNTRY: 'SE', RISK_JUDGE: 'on', RISK_JUDGE_TIMEOUT_MS: '20000', OYSTER_TIMEOUT_MS: '20000' },
      reply: judge.script,
    });
    const first = h.adapter.receive({ text: 'I feel so tired of everything lately', isDirect: false, mentionsBot: false });
    await waitFor(() => h!.model.calls.some(isJudgeCall), { timeoutMs: 15_000, what: 'the judge reading the group message' });
    const started = performance.now();
    const second = h.adapter.receive({ text: CAUGHT, isDirect: false, mentionsBot: true });
    await waitFor(() => h!.adapter.sent.find((m) => m.kind === 'resources'), { timeoutMs: 15_000, what: 'resources for the crisis message' });
    expect(performance.now() - started).toBeLessThan(10_000);
    // Only now does the judge answer, so the first message finishes without waiting out its timeout.
    judge.release();
    await Promise.all([first, second]);
  });

  it('still alerts quietly when the judge finds a risk in an unaddressed group message', async () => {
    h = await start('high', 50);
    await h.adapter.receive({ text: 'I feel so tired of everything lately', isDirect: false, mentionsBot: false });
    await h.bot.drainAlerts();
    // No public reply in the group, and a normal-priority alert (CRISIS.md section 3).
    expect(h.adapter.sent.filter((m) => m.conversation.channelId === 'general' && m.kind !== 'resources')).toEqual([]);
    expect(h.sink.alerts.map((a) => [a.kind, a.level])).toEqual([['new', 'high']]);
  });
});
