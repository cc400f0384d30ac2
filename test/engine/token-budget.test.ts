/**
 * The exact tokenizer (about 80 MB and 1-2 s of CPU to load) is loaded only when a prompt needs
 * it: byte-length upper bounds decide while everything fits, and only when they would drop
 * earlier turns are the counts made exact, so a turn that fits is never dropped (issue 15
 * items 1 and 10). Each bot's counter decides for itself: the first test hands the bot a fresh
 * counter and checks it was never asked to load, whatever else ran in this process before.
 */
import { resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createQwenTokenCounter, GENERATION_PROMPT_TOKENS } from '../../src/llm/tokens.js';
import { loadModelPolicy } from '../../src/policy/model-policy.js';
import { startHarness, tempDbPath, type Harness } from '../helpers/bot-harness.js';

const POLICIES = resolve(import.meta.dirname, '../../policies');
const LONG = (word: string) => `${word} `.repeat(300).trim();
const EARLIER = [LONG('apple'), LONG('river')];
const LAST = 'and what did I say first?';

let h: Harness | undefined;
afterEach(async () => { await h?.close(); h = undefined; });
const dbPath = tempDbPath('oyster-token-budget-');

describe('token counts for the prompt', () => {
  it('answers a conversation that fits by its upper bounds without loading the tokenizer', async () => {
    const tokens = createQwenTokenCounter();
    h = await startHarness({ dbPath, reply: () => 'ok', tokens });
    for (const [i, text] of EARLIER.entries()) await h.adapter.receive({ id: `earlier-${i}`, text });
    expect(h.adapter.textsIn('dm-u1')).toEqual(['ok', 'ok']);
    // The second prompt carried the first exchange: nothing was trimmed, nothing loaded.
    expect(h.model.calls[1]!.messages.map((m) => m.content)).toContain(EARLIER[0]);
    expect(tokens.isExact()).toBe(false);
  });

  it('counts exactly when the bounds would drop turns that fit, and keeps them', async () => {
    // The earlier turns are stored with their byte-length bounds (the bot's counter was not exact).
    const exact = createQwenTokenCounter();
    await exact.exact();
    const policy = loadModelPolicy(POLICIES);
    const turns = [['user', EARLIER[0]!], ['assistant', 'ok'], ['user', EARLIER[1]!], ['assistant', 'ok'], ['user', LAST]] as const;
    const exactPrompt = exact.countMessage('system', policy.systemPrompt) + turns.reduce((s, [role, text]) => s + exact.countMessage(role, text), 0);
    const bytes = (role: string, text: string) => Buffer.byteLength(`<|im_start|>${role}\n${text}<|im_end|>\n`);
    const boundPrompt = bytes('system', policy.systemPrompt) + turns.reduce((s, [role, text]) => s + bytes(role, text), 0);
    // Room for exactly this prompt and its answer, and far less than the bounds ask for.
    const context = exactPrompt + GENERATION_PROMPT_TOKENS + policy.answerMaxTokens + 10;
    expect(boundPrompt + GENERATION_PROMPT_TOKENS + policy.answerMaxTokens).toBeGreaterThan(context + 500);

    h = await startHarness({ dbPath, reply: () => 'ok', env: { OYSTER_CONTEXT_TOKENS: String(context) } });
    await h.adapter.receive({ id: 'last-1', text: LAST });
    expect(h.model.calls[0]!.messages.map((m) => m.content)).toEqual([policy.systemPrompt, EARLIER[0], 'ok', EARLIER[1], 'ok', LAST]);
  });

  it('still drops the oldest turns that do not fit exactly', async () => {
    const exact = createQwenTokenCounter();
    await exact.exact();
    const policy = loadModelPolicy(POLICIES);
    // Room for the system prompt, the last exchange and the new message, not the first exchange.
    const kept = [['user', EARLIER[1]!], ['assistant', 'ok'], ['user', LAST], ['user', LAST], ['assistant', 'ok']] as const;
    const needed = exact.countMessage('system', policy.systemPrompt) + kept.reduce((s, [role, text]) => s + exact.countMessage(role, text), 0);
    h = await startHarness({ dbPath, reply: () => 'ok', env: { OYSTER_CONTEXT_TOKENS: String(needed + GENERATION_PROMPT_TOKENS + policy.answerMaxTokens + 10) } });
    await h.adapter.receive({ id: 'last-2', text: LAST });
    const sent = h.model.calls[0]!.messages.map((m) => m.content);
    expect(sent).not.toContain(EARLIER[0]);
    expect(sent.at(-1)).toBe(LAST);
    expect(sent[0]).toBe(policy.systemPrompt);
  });
});
