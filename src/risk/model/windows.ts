/**
 * How the learned model reads a long message with bounded work. Reading every character n-gram
 * of 2,000 characters and scoring every window costs over 100 µs (about 2,700 weight look-ups
 * at a cache miss each, then each window summed again); the issue allows 10 µs per message.
 *
 * So a long message is read in two passes:
 * 1. `WindowScan.scan`: one pass over the text that hashes only its words and single CJK
 *    characters (about one feature per six characters instead of 1.4 per character) and keeps
 *    running sums of their weights, so any window's partial score is two subtractions
 *    (`rank`). The candidate windows: about WINDOW units every STRIDE units, edges moved back
 *    to a space, plus each sentence that fits a window.
 * 2. The model (risk-model.ts) scores in full, with every feature, the FULL_READS windows
 *    ranked highest (the risk head's best, the escalate head's best of the rest, the risk head's
 *    next best), and the message scores as the highest of them. A risk sentence anywhere still gets read whole; the work no longer
 *    grows with the number of windows.
 *
 * The pass is the cost (about two thirds of scoring a 2,000-character message), and on this
 * kind of machine it is bound by instructions per character, not by look-ups. Measured on
 * 2026-12-08 with CPU profiles: the pass cost about twice a bare loop of the same work, because
 * every constant and function it used came through a module binding (a load and a check per
 * use) and ranges were tested per character. So the loop reads only locals, literals and one
 * table that maps a code unit to the model's unit and marks sentence ends; sentence starts are
 * found after the pass from where sentences end; and a window's rank reads a per-unit count of
 * the features before it instead of searching for its edges. Same windows, same ranks, same
 * scores as before (test/risk/model/windows.test.ts checks the ranks against a plain reference).
 *
 * Positions are code units of the (clipped) normalized text. No allocation per message.
 */
import { FNV, MAX_CHARS, MAX_WORD, SEED_UNI, SEED_WORD, unit } from './features.js';

// features.ts's constants as this module's own, read into locals before the hot loop.
const FNV_ = FNV;
const SEED_WORD_ = SEED_WORD;
const SEED_UNI_ = SEED_UNI;
const MAX_WORD_ = MAX_WORD;

/** A window's width and the step between window starts, in code units; a span of WINDOW - STRIDE fits one window whole. */
export const WINDOW = 240;
export const STRIDE = 160;
/** How far back a window edge may move to land on a space. */
const SNAP = 40;
/** A sentence of a long message shorter than this (in code units) gets no window of its own. */
const MIN_SENTENCE = 12;
/**
 * Windows read with every feature per long message, chosen by their partial (word-level) rank:
 * the risk head's best, the escalate head's best of the rest, the risk head's next best. With
 * the weights of 2026-12-08 the third read finds 422 instead of 389 of 1,000 hidden risk
 * sentences (`npm run bench:risk-model -- --hidden`) for about one more window's work.
 */
export const FULL_READS = 3;

/** Upper bound on the number of windows of one message (sizes the window buffer). */
const MAX_WINDOWS = Math.ceil((MAX_CHARS + 1) / (STRIDE - SNAP)) + Math.ceil((MAX_CHARS + 1) / MIN_SENTENCE) + 4;

/**
 * The pass's unit table (128 KiB): features.ts `unit` of every code unit, except that a sentence
 * end the model reads as a space (. ! ? ; a line break, the ideographic full stop, full-width !)
 * reads as SENTENCE_END, so one look-up per character says both. Full-width ? and ; are not
 * spaces to the model and end no sentence here, as before.
 */
const SENTENCE_END = 1;
const SCAN_UNIT = Uint16Array.from({ length: 0x10000 }, (_, c) => unit(c));
for (const c of [46, 33, 63, 59, 10, 0x3002, 0xff01]) SCAN_UNIT[c] = SENTENCE_END;
/** 1 / sqrt(n) for every feature count a window can hold, so ranking a window divides nothing. */
const INVERSE_ROOT = Float64Array.from({ length: MAX_CHARS + 3 }, (_, n) => (n > 0 ? 1 / Math.sqrt(n) : 0));

export class WindowScan {
  /** Candidate windows as code-unit ranges `[start, end)`, pairwise; `count` of them. */
  readonly windows = new Int32Array(2 * MAX_WINDOWS);
  count = 0;
  /** Each window's partial score per head, after `rank`. */
  readonly rankRisk = new Float64Array(MAX_WINDOWS);
  readonly rankEscalate = new Float64Array(MAX_WINDOWS);
  /** `upTo[i]`: words and CJK characters that end before code unit `i` (one store per unit beats a search per window edge). */
  private readonly upTo = new Int32Array(MAX_CHARS + 3);
  /** Running sums of those features' int8 weights per head, indexed by feature count. */
  private readonly sumRisk = new Int32Array(MAX_CHARS + 3);
  private readonly sumEscalate = new Int32Array(MAX_CHARS + 3);
  /** Code units that end a sentence, in text order (scan). */
  private readonly sentenceEnds = new Int32Array(MAX_CHARS + 2);
  private units: Uint16Array = new Uint16Array(0);

  /**
   * Reads `units[0, len)` (a loaded text, FeatureBuffer.load; `units[len]` is overwritten with a space) once: partial sums from `table`
   * (both heads' int8 weights packed per bucket, risk in the low byte) and the candidate
   * windows. Call only for text longer than WINDOW.
   */
  scan(units: Uint16Array, len: number, bits: number, table: Int16Array): number {
    this.units = units;
    // Every table and constant of the loop is a local or a literal: read from a module binding,
    // each use costs a load and a check, which measured as a third of a plain pass over a text.
    const unitOf = SCAN_UNIT;
    const shift = 32 - bits;
    const sumRisk = this.sumRisk;
    const sumEscalate = this.sumEscalate;
    const sentenceEnds = this.sentenceEnds;
    const upTo = this.upTo;
    const seedWord = SEED_WORD_;
    const seedUni = SEED_UNI_;
    const fnv = FNV_;
    const maxWord = MAX_WORD_;
    let k = 0;
    let risk = 0;
    let escalate = 0;
    let wordHash = seedWord;
    let wordLen = 0;
    let ends = 0;
    // A space after the text ends its last word (the buffer has room for it).
    units[len] = 32;
    for (let i = 0; i <= len; i++) {
      upTo[i] = k;
      const c = unitOf[units[i]!]!;
      let bucket: number;
      if (c <= 32) {
        // A space (32) or a sentence end (SENTENCE_END): the unit where each sentence end
        // stands is kept, and candidates() finds where the next sentence starts, so the far
        // more frequent letters take no extra test here.
        if (c !== 32) sentenceEnds[ends++] = i;
        if (wordLen === 0) continue;
        bucket = wordLen <= maxWord ? Math.imul(wordHash, 0x9e3779b1) >>> shift : -1;
        wordHash = seedWord;
        wordLen = 0;
        if (bucket < 0) continue;
      } else {
        wordHash = Math.imul(wordHash ^ c, fnv);
        wordLen++;
        // A single CJK, kana or Hangul character is a feature of its own (features.ts isIdeographic).
        if (c < 0x2e80 || (c > 0x9fff && (c < 0xac00 || c > 0xd7af) && (c < 0xf900 || c > 0xfaff))) continue;
        bucket = Math.imul(seedUni ^ c, 0x9e3779b1) >>> shift;
      }
      const packed = table[bucket]!;
      risk += (packed << 24) >> 24;
      escalate += packed >> 8;
      k++;
      sumRisk[k] = risk;
      sumEscalate[k] = escalate;
    }
    upTo[len + 1] = k;
    this.count = this.candidates(len, ends);
    return this.count;
  }

  /**
   * Partial logit sums (int8 units, before the head's scale) of every candidate window, over the
   * square root of its feature count, into `rankRisk` and `rankEscalate` (-Infinity for a window
   * with no word or CJK character): two reads of `upTo` per window.
   */
  rank(): void {
    const windows = this.windows;
    const upTo = this.upTo;
    const sumRisk = this.sumRisk;
    const sumEscalate = this.sumEscalate;
    const inverseRoot = INVERSE_ROOT;
    for (let w = 0; w < this.count; w++) {
      // Features that end inside the window (a word ends at the space after it, a CJK character at itself).
      const from = upTo[windows[2 * w]!]!;
      const to = upTo[windows[2 * w + 1]! + 1]!;
      if (to <= from) {
        this.rankRisk[w] = -Infinity;
        this.rankEscalate[w] = -Infinity;
        continue;
      }
      const norm = inverseRoot[to - from]!;
      this.rankRisk[w] = (sumRisk[to]! - sumRisk[from]!) * norm;
      this.rankEscalate[w] = (sumEscalate[to]! - sumEscalate[from]!) * norm;
    }
  }

  private candidates(len: number, ends: number): number {
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
    // A sentence starts at the first letter after a sentence end (several ends in a row, "?!",
    // start one sentence); the last one runs to the end of the text.
    let from = 0;
    let e = 0;
    for (;;) {
      let to = len;
      while (e < ends) {
        let next = this.sentenceEnds[e++]! + 1;
        while (next < len && SCAN_UNIT[this.units[next]!]! <= 32) next++;
        if (next < len && next > from) {
          to = next;
          break;
        }
      }
      if (to - from >= MIN_SENTENCE && to - from <= WINDOW) {
        out[2 * w] = from;
        out[2 * w + 1] = to;
        w++;
      }
      if (to >= len) break;
      from = to;
    }
    return w;
  }

  /** `at` moved back to the nearest space within SNAP units (never to or before `floor`). */
  private snap(at: number, floor: number): number {
    for (let i = at; i > at - SNAP && i > floor + 1; i--) if (SCAN_UNIT[this.units[i]!]! <= 32) return i;
    return at;
  }
}
