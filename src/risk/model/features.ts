/**
 * Hashed n-gram features for the learned risk model. The input is the screen's normalized text
 * (normalize.ts: lower case, accents, leetspeak, traditional → simplified Chinese), so the model
 * sees the same spelling the rules do. Features, each hashed into one of `2^bits` buckets:
 *
 * - character 4-grams over the text with punctuation read as a space and one space at each end
 *   (they carry inflection and typos), plus 2- and 3-grams that hold a non-ASCII character
 *   (Chinese and Japanese words without spaces, short Cyrillic, Arabic or Hangul stems). ASCII
 *   2- and 3-grams were dropped: 5-fold AUC was the same without them (corpus 0.918 vs 0.916,
 *   dev 0.957 both) and they were over half of the features, so of the cost;
 * - single CJK, kana and Hangul characters (死 alone is a feature);
 * - word unigrams and bigrams, a word being a run between spaces.
 *
 * A long message is read in overlapping windows and sentence by sentence (`windows`): the model
 * was trained on chat-length sentences, and one risk sentence late in a 2,000-character message
 * would otherwise be diluted by everything around it. Features are extracted once for the whole text; each window is a
 * range of them (`FeatureBuffer.offsets`).
 *
 * The fast path fills reused buffers and never allocates. `describeFeatures` is the slow path
 * (strings, allocations) that names features, used only when explaining a lift and at training.
 */

/** Names this feature scheme in the weights file: weights trained on another scheme are refused at load. */
export const FEATURE_SCHEME = 'char4+nonascii2-3+cjk1+word1-2';

/** Longest text read in full; longer messages keep their head and tail (a goodbye often comes last). */
export const MAX_CHARS = 4000;
const HEAD = 2000;
const TAIL = 2000;
/** A window's width and the step between window starts, in code units; a span of WINDOW - STRIDE fits one window whole. */
export const WINDOW = 240;
export const STRIDE = 160;
/** How far back a window edge may move to land on a space. */
const SNAP = 40;
/** A sentence of a long message shorter than this (in code units) gets no window of its own. */
const MIN_SENTENCE = 12;

/** Sentence ends: . ! ? ; a line break, and their CJK full-width forms. */
const isSentenceEnd = (c: number) =>
  c === 46 || c === 33 || c === 63 || c === 59 || c === 10 || c === 0x3002 || c === 0xff01 || c === 0xff1f || c === 0xff1b;

// Each kind of feature hashes from its own seed, so a word and a character n-gram of the same
// letters land in different buckets.
const SEED_2 = 0x9e3779b1;
const SEED_3 = 0x85ebca77;
const SEED_4 = 0xc2b2ae3d;
const SEED_UNI = 0x27d4eb2f;
const SEED_WORD = 0x165667b1;
const SEED_BIGRAM = 0xd3a2646c;
const FNV = 0x01000193;

/**
 * Bucket of a hash: one multiply by the golden ratio and its top `bits` bits (Fibonacci
 * hashing), which spreads FNV-style states well and costs a fraction of a full finaliser.
 */
const bucketOf = (h: number, shift: number) => Math.imul(h, 0x9e3779b1) >>> shift;

/** Code unit as the model reads it: ASCII punctuation and CJK/general punctuation become a space (32). */
function unit(c: number): number {
  if (c < 128) {
    const letterOrDigit = (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || (c >= 65 && c <= 90);
    return letterOrDigit ? c : 32;
  }
  if ((c >= 0x2000 && c <= 0x206f) || (c >= 0x3000 && c <= 0x303f) || (c >= 0xff00 && c <= 0xff0f)) return 32;
  return c;
}

const isIdeographic = (c: number) => (c >= 0x2e80 && c <= 0x9fff) || (c >= 0xac00 && c <= 0xd7af) || (c >= 0xf900 && c <= 0xfaff);

/** Text the features read: the head and tail of a very long message. */
export function clip(text: string): string {
  return text.length <= MAX_CHARS ? text : `${text.slice(0, HEAD)} ${text.slice(text.length - TAIL)}`;
}

/** Upper bound on the number of features of one message (sizes the reused buffers). */
export const MAX_FEATURES = (MAX_CHARS + 3) * 6;

/** Reused buffers of one extraction: bucket per feature, and per code unit where its features start. */
export class FeatureBuffer {
  /** Bucket of each feature, in text order (duplicates kept). */
  readonly buckets = new Int32Array(MAX_FEATURES);
  /** `offsets[i]`: number of features emitted before code unit `i` (so a code range maps to a feature range). */
  readonly offsets = new Int32Array(MAX_CHARS + 4);
  /** Padded code units as read (punctuation → space, runs of spaces collapsed). */
  readonly codes = new Int32Array(MAX_CHARS + 3);
  /** `source[i]`: index in the clipped text of code unit `i` (for naming a window's text). */
  readonly source = new Int32Array(MAX_CHARS + 3);
  /** Code units where a sentence starts (the space after a sentence end), in order; `sentences` of them. */
  readonly starts = new Int32Array(MAX_CHARS + 3);
  sentences = 0;
  /** Code units in `codes`, and features in `buckets`, after the last `extract`. */
  length = 0;
  count = 0;

  /** Extracts every feature of `text` (already normalized); returns the feature count. */
  extract(text: string, bits: number): number {
    const t = clip(text);
    const codes = this.codes;
    const source = this.source;
    const out = this.buckets;
    const offsets = this.offsets;
    const starts = this.starts;
    let sentences = 0;
    let ended = false;
    let len = 0;
    source[len] = 0;
    codes[len++] = 32;
    for (let i = 0; i < t.length; i++) {
      const raw = t.charCodeAt(i);
      const c = unit(raw);
      if (c === 32) {
        if (isSentenceEnd(raw)) ended = true;
        if (codes[len - 1] === 32) continue;
      } else if (ended) {
        // The space before this unit opens a new sentence.
        starts[sentences++] = len - 1;
        ended = false;
      }
      source[len] = i;
      codes[len++] = c;
    }
    this.sentences = sentences;
    if (codes[len - 1] !== 32) {
      source[len] = t.length;
      codes[len++] = 32;
    }

    const shift = 32 - bits;
    let n = 0;
    let wordHash = SEED_WORD;
    let prevWord = 0;
    let wordLen = 0;
    // Rolling states: the 2-gram state ending at the previous unit extends to this unit's
    // 3-gram, the previous 3-gram state to this unit's 4-gram.
    let prev2 = 0;
    let prev3 = 0;
    for (let i = 0; i < len; i++) {
      offsets[i] = n;
      const c = codes[i]!;
      if (isIdeographic(c)) out[n++] = bucketOf(SEED_UNI ^ c, shift);
      let h2 = 0;
      let h3 = 0;
      if (i >= 1) {
        h2 = Math.imul(SEED_2 ^ codes[i - 1]!, FNV) ^ c;
        if (c >= 128 || codes[i - 1]! >= 128) out[n++] = bucketOf(h2, shift);
        if (i >= 2) {
          h3 = Math.imul(prev2 ^ SEED_3, FNV) ^ c;
          if (c >= 128 || codes[i - 1]! >= 128 || codes[i - 2]! >= 128) out[n++] = bucketOf(h3, shift);
          if (i >= 3) out[n++] = bucketOf(Math.imul(prev3 ^ SEED_4, FNV) ^ c, shift);
        }
      }
      prev2 = h2;
      prev3 = h3;
      if (c === 32) {
        if (wordLen > 0 && wordLen <= 24) {
          out[n++] = bucketOf(wordHash, shift);
          if (prevWord !== 0) out[n++] = bucketOf(Math.imul(SEED_BIGRAM ^ prevWord, FNV) ^ wordHash, shift);
          prevWord = wordHash;
        } else if (wordLen > 24) {
          prevWord = 0;
        }
        wordHash = SEED_WORD;
        wordLen = 0;
      } else {
        wordHash = Math.imul(wordHash ^ c, FNV);
        wordLen++;
      }
    }
    offsets[len] = n;
    this.length = len;
    this.count = n;
    return n;
  }

  /**
   * The windows of the last extraction as code-unit ranges `[start, end)`, written pairwise into
   * `out`; returns how many. One window when the text fits; otherwise windows of about WINDOW
   * units every STRIDE units, edges moved back to a space so a word is not cut.
   */
  windows(out: Int32Array): number {
    const len = this.length;
    if (len <= WINDOW + 2) {
      out[0] = 0;
      out[1] = len;
      return 1;
    }
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
    for (let k = 0; k <= this.sentences; k++) {
      const to = k < this.sentences ? this.starts[k]! + 1 : len;
      if (to - from >= MIN_SENTENCE && to - from <= WINDOW) {
        out[2 * w] = from;
        out[2 * w + 1] = to;
        w++;
      }
      from = to - 1;
    }
    return w;
  }

  /** `at` moved back to the nearest space within SNAP units (never to or before `floor`). */
  private snap(at: number, floor: number): number {
    for (let i = at; i > at - SNAP && i > floor + 1; i--) if (this.codes[i] === 32) return i;
    return at;
  }
}

/** Upper bound on the number of windows of one message (sizes buffers for `FeatureBuffer.windows`). */
export const MAX_WINDOWS = Math.ceil((MAX_CHARS + 3) / (STRIDE - SNAP)) + Math.ceil((MAX_CHARS + 3) / (MIN_SENTENCE - 1)) + 4;

const shared = new FeatureBuffer();

/**
 * Writes the bucket of every feature of `text` into `out` (duplicates kept: a repeated n-gram
 * counts twice) and returns how many were written.
 */
export function extractBuckets(text: string, bits: number, out: Int32Array): number {
  const n = shared.extract(text, bits);
  out.set(shared.buckets.subarray(0, n));
  return n;
}

let stamps = new Uint32Array(0);
let generation = 0;

/**
 * Keeps the first occurrence of each bucket in `out[0..n)` and returns the new count. Features
 * are present or absent, not counted: a run like "0000000000" or a repeated word would otherwise
 * outweigh everything else in the message. A generation stamp per bucket makes this one pass.
 */
export function uniqueBuckets(out: Int32Array, n: number, bits: number): number {
  if (stamps.length !== 1 << bits) {
    stamps = new Uint32Array(1 << bits);
    generation = 0;
  }
  if (++generation === 0xffffffff) {
    stamps.fill(0);
    generation = 1;
  }
  let k = 0;
  for (let i = 0; i < n; i++) {
    const b = out[i]!;
    if (stamps[b] === generation) continue;
    stamps[b] = generation;
    out[k++] = b;
  }
  return k;
}

export interface NamedFeature {
  bucket: number;
  /** `c:` character n-gram (spaces shown as `_`), `u:` single character, `w:` word, `b:` word pair. */
  name: string;
}

/**
 * The same features as `extractBuckets`, in the same order, with names. Slow; for explanations
 * and for the training vocabulary.
 */
export function describeFeatures(text: string, bits: number): NamedFeature[] {
  const buckets = new Int32Array(MAX_FEATURES);
  const count = extractBuckets(text, bits, buckets);
  const t = clip(text);
  const codes: number[] = [32];
  for (let i = 0; i < t.length; i++) {
    const c = unit(t.charCodeAt(i));
    if (c === 32 && codes[codes.length - 1] === 32) continue;
    codes.push(c);
  }
  if (codes[codes.length - 1] !== 32) codes.push(32);
  const show = (from: number, to: number) => String.fromCharCode(...codes.slice(from, to)).replace(/ /g, '_');

  const names: string[] = [];
  let wordStart = 1;
  let prevWord: string | undefined;
  for (let i = 0; i < codes.length; i++) {
    const c = codes[i]!;
    if (isIdeographic(c)) names.push(`u:${String.fromCharCode(c)}`);
    for (let k = 2; k <= 4 && k <= i + 1; k++) if (k === 4 || codes.slice(i - k + 1, i + 1).some((x) => x >= 128)) names.push(`c:${show(i - k + 1, i + 1)}`);
    if (c === 32) {
      const wordLen = i - wordStart;
      if (wordLen > 0 && wordLen <= 24) {
        const word = show(wordStart, i);
        names.push(`w:${word}`);
        if (prevWord !== undefined) names.push(`b:${prevWord}_${word}`);
        prevWord = word;
      } else if (wordLen > 24) {
        prevWord = undefined;
      }
      wordStart = i + 1;
    }
  }
  if (names.length !== count) throw new Error(`feature naming out of step: ${names.length} names for ${count} buckets`);
  return names.map((name, i) => ({ bucket: buckets[i]!, name }));
}
