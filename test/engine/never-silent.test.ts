/**
 * Never silent (issue 12 item 4): in a conversation at risk the bot answers within the policy's
 * reply deadline whatever the model does, with the reviewed safe reply when the model is late.
 */
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadEscalationPolicy } from '../../src/policy/escalation-policy.js';
import { startHarness, type Harness } from '../helpers/bot-harness.js';

let h: Harness | undefined;
afterEach(async () => { await h?.close(); h = undefined; });

const HIGH = 'I keep thinking about killing myself and I do not know how to stop.';
const FOLLOW_UP = 'I already took some of the pills.';
const SUPPORTIVE = 'I am really glad you told me. You matter.';

/** The shipped policies with the reply deadline set to `seconds`. */
function policiesWithDeadline(seconds: number): string {
  const dir = join(mkdtempSync(join(tmpdir(), 'oyster-deadline-policies-')), 'policies');
  cpSync(resolve(import.meta.dirname, '../../policies'), dir, { recursive: true });
  const file = join(dir, 'escalation.yaml');
  const text = readFileSync(file, 'utf8');
  const changed = text.replace(/^reply_deadline_seconds: \d+$/m, `reply_deadline_seconds: ${seconds}`);
  expect(changed).not.toBe(text);
  writeFileSync(file, changed);
  return dir;
}

describe('the reply deadline in a conversation at risk', () => {
  it('ships as 20 seconds', () => {
    expect(loadEscalationPolicy(resolve(import.meta.dirname, '../../policies')).replyDeadlineMs).toBe(20_000);
  });

  it('sends the reviewed safe reply when the model has not answered by the deadline, and the follow-up gets one too', async () => {
    // The model takes 60 s of its 90 s timeout; the deadline is 1 s. The margins are wide so a
    // loaded machine cannot fail it: handling that waited for the model would take 60 s.
    h = await startHarness({
      env: { CRISIS_DEFAULT_COUNTRY: 'US', OYSTER_POLICY_DIR: policiesWithDeadline(1), OYSTER_TIMEOUT_MS: '90000' },
      reply: () => ({ content: SUPPORTIVE, delayMs: 60_000 }),
    });
    const started = performance.now();
    await h.adapter.receive({ text: HIGH });
    const firstMs = performance.now() - started;
    const second = performance.now();
    await h.adapter.receive({ text: FOLLOW_UP });
    const secondMs = performance.now() - second;

    // The follow-up may raise the level and bring resources again; either way each message gets the safe reply.
    expect(h.adapter.sent[0]!.kind).toBe('resources');
    expect(h.adapter.sent.filter((m) => m.kind !== 'resources').map((m) => m.kind)).toEqual(['fallback', 'fallback']);
    expect(h.adapter.sent.some((m) => m.text === SUPPORTIVE)).toBe(false);
    // Bounded by the deadline (1 s) plus handling, far below the model's 60 s.
    expect(firstMs).toBeLessThan(20_000);
    expect(secondMs).toBeLessThan(20_000);
  });

  it('still sends the model answer when it comes before the deadline', async () => {
    h = await startHarness({
      env: { CRISIS_DEFAULT_COUNTRY: 'US', OYSTER_POLICY_DIR: policiesWithDeadline(3) },
      reply: () => ({ content: SUPPORTIVE, delayMs: 50 }),
    });
    await h.adapter.receive({ text: HIGH });
    expect(h.adapter.sent.map((m) => [m.kind, m.kind === 'reply' ? m.text : ''])).toEqual([['resources', ''], ['reply', SUPPORTIVE]]);
  });

  it('leaves a conversation that is not at risk to the model timeout', async () => {
    h = await startHarness({
      env: { OYSTER_POLICY_DIR: policiesWithDeadline(1) },
      reply: () => ({ content: 'Sure, here is a recipe.', delayMs: 1_500 }),
    });
    await h.adapter.receive({ text: 'Can you give me a pancake recipe?' });
    expect(h.adapter.sent.map((m) => m.kind)).toEqual(['reply']);
  });
});
