/**
 * How the learned model reads a long message with bounded work. Reading every character n-gram
 * of 2,000 characters and scoring every window costs over 100 µs (about 2,700 weight look-ups
 * at a cache miss each, then each window summed again); the issue allows 10 µs per message.
 *
 * So a long message is read in two passes:
 * 1. `WindowScan.scan`: one pass over the text that hashes only its words and single CJK
 *    characters (about one feature per six characters instead of 1.4 per character) and keeps
 *    running sums of their weights, so any window's partial score is two subtractions. The
 *    candidate windows are the same as ever: about WINDOW units every STRIDE units, edges moved
 *    back to a space, plus each sentence that fits a window.
 * 2. The model (risk-model.ts) scores in full, with every feature, only the FULL_PER_HEAD
 *    windows per head whose partial score is highest, and the message scores as the highest of
 *    those. A risk sentence anywhere still gets read whole; the work no longer grows with the
 *    number of windows.
 *
 * Positions are code units of the (clipped) normalized text. No allocation per message.
 */
import { ASCII, bucketOf, FNV, isIdeographic, MAX_CHARS, MAX_WORD, SEED_UNI, SEED_WORD, unit } from './features.js';

/** A window's width and the step between window starts, in code units; a span of WINDOW - STRIDE fits one window whole. */
export const WINDOW = 240;
export const STRIDE = 160;
/** How far back a window edge may move to land on a space. */
const SNAP = 40;
/** A sentence of a long message shorter than this (in code units) gets no window of its own. */
const MIN_SENTENCE = 12;
/** Windows per head scored with every feature, chosen by their partial (word-level) score. */
export const FULL_PER_HEAD = 1;

/** Upper bound on the number of windows of one message (sizes the window buffer). */
const MAX_WINDOWS = Math.ceil((MAX_CHARS + 1) / (STRIDE - SNAP)) + Math.ceil((MAX_CHARS + 1) / MIN_SENTENCE) + 4;

/** Sentence ends: . ! ? ; a line break, and their CJK full-width forms. */
const isSentenceEnd = (c: number) =>
  c === 46 || c === 33 || c === 63 || c === 59 || c === 10 || c === 0x3002 || c === 0xff01 || c === 0xff1f || c === 0xff1b;

export class WindowScan {
  /** Candidate windows as code-unit ranges `[start, end)`, pairwise; `count` of them. */
  readonly windows = new Int32Array(2 * MAX_WINDOWS);
  count = 0;
  /** `upTo[i]`: words and CJK characters that end before code unit `i`. */
  private readonly upTo = new Int32Array(MAX_CHARS + 2);
  /** Running sums of the partial features' int8 weights per head, indexed by feature count. */
  private readonly sumRisk = new Int32Array(MAX_CHARS + 2);
  private readonly sumEscalate = new Int32Array(MAX_CHARS + 2);
  /** Code units where a sentence starts (the first one after a sentence end). */
  private readonly starts = new Int32Array(MAX_CHARS + 2);
  private units: Uint16Array = new Uint16Array(0);

  /**
   * Reads `units[0, len)` (a loaded text, FeatureBuffer.load; `units[len]` is overwritten with a space) once: partial sums from `table`
   * (both heads' int8 weights packed per bucket, risk in the low byte) and the candidate
   * windows. Call only for text longer than WINDOW.
   */
  scan(units: Uint16Array, len: number, bits: number, table: Int16Array): number {
    this.units = units;
    const shift = 32 - bits;
    const upTo = this.upTo;
    const sumRisk = this.sumRisk;
    const sumEscalate = this.sumEscalate;
    let k = 0;
    let wordHash = SEED_WORD;
    let wordLen = 0;
    let sentences = 0;
    let ended = false;
    const starts = this.starts;
    // A space after the text ends its last word (the buffer has room for it).
    units[len] = 32;
    for (let i = 0; i <= len; i++) {
      upTo[i] = k;
      const raw = units[i]!;
      const c = raw < 128 ? ASCII[raw]! : unit(raw);
      let bucket = -1;
      if (c === 32) {
        if (wordLen > 0 && wordLen <= MAX_WORD) bucket = bucketOf(wordHash, shift);
        wordHash = SEED_WORD;
        wordLen = 0;
        if (isSentenceEnd(raw)) ended = true;
      } else {
        if (ended) {
          starts[sentences++] = i;
          ended = false;
        }
        wordHash = Math.imul(wordHash ^ c, FNV);
        wordLen++;
        if (isIdeographic(c)) bucket = bucketOf(SEED_UNI ^ c, shift);
      }
      if (bucket >= 0) {
        const packed = table[bucket]!;
        sumRisk[k + 1] = sumRisk[k]! + ((packed << 24) >> 24);
        sumEscalate[k + 1] = sumEscalate[k]! + (packed >> 8);
        k++;
      }
    }
    upTo[len + 1] = k;
    this.count = this.candidates(len, sentences);
    return this.count;
  }

  /** Partial logit sum (int8 units, before the head's scale) of window `w` for a head, over the square root of its feature count. */
  partial(w: number, escalate: boolean): number {
    const from = this.upTo[this.windows[2 * w]!]!;
    const to = this.upTo[this.windows[2 * w + 1]! + 1]!;
    if (to <= from) return -Infinity;
    const sums = escalate ? this.sumEscalate : this.sumRisk;
    return (sums[to]! - sums[from]!) / Math.sqrt(to - from);
  }

  private candidates(len: number, sentences: number): number {
    const out = this.windows;
    let w = 0;
    let start = 0;
    for (;;) {
      let end = Math.min(len, start + WINDOW);
      if (end < len) end = this.snap(end, start);
      out[2 * w] = start;
      out[2 * w + 1] = end;
      w++;
      if (end >= len) break;
      start = this.snap(start + STRIDE, start);
    }
    // Each sentence that fits a window is also read on its own, as the model's training
    // sentences were: a risk sentence among harmless ones is not diluted by its neighbours.
    let from = 0;
    for (let s = 0; s <= sentences; s++) {
      const to = s < sentences ? this.starts[s]! : len;
      if (to - from >= MIN_SENTENCE && to - from <= WINDOW) {
        out[2 * w] = from;
        out[2 * w + 1] = to;
        w++;
      }
      from = to;
    }
    return w;
  }

  /** `at` moved back to the nearest space within SNAP units (never to or before `floor`). */
  private snap(at: number, floor: number): number {
    for (let i = at; i > at - SNAP && i > floor + 1; i--) if (unit(this.units[i]!) === 32) return i;
    return at;
  }
}
