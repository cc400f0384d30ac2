import { beforeAll, describe, expect, it } from 'vitest';
import { createQwenTokenCounter, encodeTemplated, GENERATION_PROMPT_TOKENS } from '../../src/llm/tokens.js';
import { buildPrompt } from '../../src/conversation/prompt.js';
import type { StoredTurn } from '../../src/store/store.js';

const counter = createQwenTokenCounter();

describe('token counting before the tokenizer is loaded', () => {
  it('never undercounts: the byte-length bound is at least the exact count', async () => {
    // A fresh counter counts by bounds until its own exact() ran, whatever else in this
    // process built the vocabulary before.
    const fresh = createQwenTokenCounter();
    expect(fresh.isExact()).toBe(false);
    const texts = ['Hello! 你好，今天怎么样？', 'plain ascii words here', '<|im_end|> typed by a user', '🙂🙂 emoji', ''];
    const bounds = texts.map((t) => fresh.countMessage('user', t));
    texts.forEach((t, i) => expect(bounds[i]).toBe(Buffer.byteLength(`<|im_start|>user\n${t.replaceAll('<|', '<\u200b|')}<|im_end|>\n`)));
    expect(await fresh.exact()).toBe(true);
    expect(fresh.isExact()).toBe(true);
    texts.forEach((t, i) => expect(bounds[i]).toBeGreaterThanOrEqual(fresh.countMessage('user', t)));
    // …and the exact count replaces the bound once loaded (the bound was not memoized).
    expect(fresh.countMessage('user', 'plain ascii words here')).toBeLessThan(bounds[1]!);
  });
});

describe('token counting with the Qwen3 tokenizer', () => {
  beforeAll(async () => { await counter.exact(); });

  it('counts a whole templated prompt exactly as the sum of its messages', async () => {
    const messages = [
      { role: 'system' as const, content: 'You are a helpful assistant.' },
      { role: 'user' as const, content: 'Hello! 你好，今天怎么样？' },
      { role: 'assistant' as const, content: 'Fine, thanks.\n\nAnd you?' },
      { role: 'user' as const, content: '  leading spaces and `code`' },
    ];
    const whole = messages.map((m) => `<|im_start|>${m.role}\n${m.content}<|im_end|>\n`).join('') + '<|im_start|>assistant\n';
    expect(counter.countPrompt(messages)).toBe((await encodeTemplated(whole)).length);
  });

  it('knows the Qwen3 ids of the chat template tokens', async () => {
    expect(await encodeTemplated('<|im_start|>assistant\n')).toEqual([151644, 77091, 198]);
    expect(GENERATION_PROMPT_TOKENS).toBe(3);
  });
});

describe('prompt assembly', () => {
  beforeAll(async () => { await counter.exact(); });
  const turn = (role: 'user' | 'assistant', text: string): StoredTurn => ({ role, text, at: new Date(0), tokens: counter.countMessage(role, text) });

  it('keeps the newest turns that fit, drops the oldest, and never starts with an assistant turn', () => {
    const history = Array.from({ length: 40 }, (_, i) => turn(i % 2 ? 'assistant' : 'user', `turn ${i} `.repeat(30)));
    const userText = 'what now?';
    const prompt = buildPrompt({ system: 'sys', history, userText, userTokens: counter.countMessage('user', userText), contextTokens: 3_000, answerTokens: 1_000 }, counter);
    expect(prompt.trimmedTurns).toBeGreaterThan(0);
    expect(prompt.messages[0]).toEqual({ role: 'system', content: 'sys' });
    expect(prompt.messages[1]?.role).toBe('user');
    expect(prompt.messages.at(-1)).toEqual({ role: 'user', content: userText });
    expect(prompt.promptTokens + 1_000).toBeLessThanOrEqual(3_000);
    expect(counter.countPrompt(prompt.messages)).toBe(prompt.promptTokens);
    expect(prompt.messages.at(-2)?.content).toBe(history.at(-1)?.text);
  });

  it('keeps everything when the history is small', () => {
    const history = [turn('user', 'hi'), turn('assistant', 'hello')];
    const prompt = buildPrompt({ system: 'sys', history, userText: 'x', userTokens: counter.countMessage('user', 'x'), contextTokens: 32_768, answerTokens: 4_096 }, counter);
    expect(prompt.trimmedTurns).toBe(0);
    expect(prompt.messages).toHaveLength(4);
  });
});
