/**
 * Oyster-1 (a Qwen3 fine-tune) writes its reasoning in a <think>…</think> block. vLLM's
 * qwen3 reasoning parser moves it to a separate field, but only when both tags are present
 * (OYSTER.md), so the answer is always stripped defensively. The reasoning holds the model's
 * risk analysis of the user and may restate harmful details: it never reaches a user, the
 * stored history or an info-level log.
 */

export interface StrippedAnswer {
  answer: string;
  /** An opening tag without its close: the generation was cut off inside the reasoning. */
  truncated: boolean;
}

const OPEN = '<think>';
const CLOSE = '</think>';

export function stripThink(content: string): StrippedAnswer {
  const lastClose = content.lastIndexOf(CLOSE);
  const afterClose = lastClose >= 0 ? content.slice(lastClose + CLOSE.length) : content;
  if (afterClose.includes(OPEN)) return { answer: '', truncated: true };
  return { answer: afterClose.trim(), truncated: false };
}

/**
 * Incremental version for streaming: feed content deltas, get back only the answer text that
 * is safe to show so far. Text is held back while it could still be the start of a think block.
 */
export class ThinkStreamFilter {
  private raw = '';
  private emitted = 0;

  feed(delta: string): string {
    this.raw += delta;
    const trimmed = this.raw.trimStart();
    // Could still become "<think>": wait for more.
    if (trimmed.length < OPEN.length && OPEN.startsWith(trimmed)) return '';
    const { answer, truncated } = stripThinkKeepingWhitespace(this.raw);
    if (truncated) return '';
    const out = answer.slice(this.emitted);
    this.emitted = answer.length;
    return out;
  }

  /** Whether the stream so far ends inside an unclosed think block. */
  get insideThink(): boolean {
    return stripThink(this.raw).truncated;
  }
}

function stripThinkKeepingWhitespace(content: string): StrippedAnswer {
  const lastClose = content.lastIndexOf(CLOSE);
  const afterClose = lastClose >= 0 ? content.slice(lastClose + CLOSE.length) : content;
  if (afterClose.includes(OPEN)) return { answer: '', truncated: true };
  return { answer: afterClose.trimStart(), truncated: false };
}
