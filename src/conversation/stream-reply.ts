/**
 * A streamed reply: the model's answer shown while it is written, by editing one message.
 *
 * The first few words are sent as a message; later text replaces it by edits no closer
 * together than the platform's pace (`editIntervalMs`: Telegram and Slack 1.5 s, Discord 1 s,
 * the console 0), so flood control never triggers. Every text shown, partial or final, has
 * passed the output check first; a partial that fails it is replaced at once by the safe
 * reply and nothing more of that answer is shown. Partials end at a sentence end: half a
 * sentence ("a rope tied to…") can read harmless to the check until its last words arrive. Only the engine decides when to stream (risk
 * levels none and low, STREAMING=on, a platform that can edit).
 */
import type { OutboundMessage } from '../messages.js';
import type { PlatformAdapter } from '../ports.js';

export type StreamVerdict = { ok: true } | { ok: false; fallback: string | undefined };

export interface ReplyStreamOptions {
  channel: Required<Pick<PlatformAdapter, 'send' | 'edit'>> & Pick<PlatformAdapter, 'editIntervalMs'>;
  /** Where the reply goes; its text is filled in. */
  message: Omit<OutboundMessage, 'text'>;
  check(text: string): StreamVerdict;
  /** Sent when a check fails without a fallback of its own, or the model fails mid-answer. */
  fallback: string;
  /** Called with a failed partial's reasons (logging, metrics); never with the text. */
  onBlocked?(verdict: StreamVerdict): void;
  onError?(error: unknown): void;
  now?: () => number;
}

/** Nothing is shown before this many characters: a lone "I" is not worth a message. */
const FIRST_PART_CHARS = 12;
/**
 * A sentence end: . ! ? … ؟ । followed by a space (so "3.5" or "e.g" mid-write is not an end), or a
 * full-width end (。！？), or a line break. Closing quotes and brackets stay with their sentence.
 */
const SENTENCE_END = /(?:[.!?…؟।]["'”’»)\]]*(?=\s)|[。！？]["'”’」』)\]]*|\n)/g;

/** The text up to its last complete sentence; '' when no sentence is complete yet. */
export function wholeSentences(text: string): string {
  let end = 0;
  for (const m of text.matchAll(SENTENCE_END)) end = m.index + m[0].length;
  return text.slice(0, end).trimEnd();
}

/** Past this, partials stop and the final text (which may need several parts) waits for the end. */
const MAX_PARTIAL_CHARS = 1_800;

export class ReplyStream {
  private text = '';
  private shown = '';
  private id: string | undefined;
  private lastShownAt = Number.NEGATIVE_INFINITY;
  private timer: NodeJS.Timeout | undefined;
  private busy: Promise<void> | undefined;
  private replacement: string | undefined;
  readonly edits = { sent: 0, edited: 0 };

  constructor(private readonly o: ReplyStreamOptions) {}

  private get interval(): number {
    return this.o.channel.editIntervalMs ?? 1_500;
  }

  private now(): number {
    return (this.o.now ?? performance.now.bind(performance))();
  }

  /** Whether anything of this answer has reached the platform. */
  get started(): boolean {
    return this.id !== undefined;
  }

  /** A partial failed the output check: what replaced it. */
  get blocked(): string | undefined {
    return this.replacement;
  }

  push(delta: string): void {
    if (this.replacement !== undefined) return;
    this.text += delta;
    this.schedule();
  }

  private schedule(): void {
    if (this.timer || this.busy || this.replacement !== undefined) return;
    const candidate = wholeSentences(this.text);
    if (candidate.length < FIRST_PART_CHARS || candidate.length > MAX_PARTIAL_CHARS || candidate === this.shown) return;
    const wait = Math.max(0, this.lastShownAt + this.interval - this.now());
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.busy = this.showPartial().finally(() => {
        this.busy = undefined;
        this.schedule();
      });
    }, wait);
  }

  private async showPartial(): Promise<void> {
    const candidate = wholeSentences(this.text);
    const verdict = this.o.check(candidate);
    if (!verdict.ok) {
      this.o.onBlocked?.(verdict);
      await this.replace(verdict.fallback ?? this.o.fallback);
      return;
    }
    await this.show(candidate, false).catch((error: unknown) => this.o.onError?.(error));
  }

  private async show(text: string, final: boolean): Promise<void> {
    const message = { ...this.o.message, text };
    if (this.id === undefined) {
      this.id = (await this.o.channel.send(message)).id;
      this.edits.sent++;
    } else {
      await this.o.channel.edit(message, this.id, final);
      this.edits.edited++;
    }
    this.shown = text;
    this.lastShownAt = this.now();
  }

  /** Shows the safe reply instead of whatever was shown, and stops the stream. */
  private async replace(text: string): Promise<void> {
    this.replacement = text;
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.show(text, true);
  }

  /**
   * The answer is complete: `answer` (already checked by the caller) becomes the final text,
   * after the pace allows one more edit; `fallback` replaces what was shown when the model
   * failed or the final check did. Resolves with what the person ends up seeing, or undefined
   * when nothing was shown yet: then the caller sends the answer (or fallback) as a whole.
   */
  async settle(result: { answer: string } | { fallback: string }): Promise<string | undefined> {
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.busy;
    if (this.replacement !== undefined) return this.replacement;
    // Nothing shown yet (a fast answer): the stream ends unused and the caller sends as usual.
    if (this.id === undefined) {
      this.replacement = '';
      return undefined;
    }
    if ('fallback' in result) {
      await this.replace(result.fallback);
      return result.fallback;
    }
    if (result.answer !== this.shown) {
      const wait = this.lastShownAt + this.interval - this.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      await this.show(result.answer, true);
    }
    return result.answer;
  }
}
