/**
 * Hashed n-gram features for the learned risk model. The input is the screen's normalized text
 * (normalize.ts: lower case, accents, leetspeak, traditional → simplified Chinese), so the model
 * sees the same spelling the rules do. Features, each hashed into one of `2^bits` buckets:
 *
 * - character 2-, 3- and 4-grams over the text with punctuation read as a space and one space
 *   at each end (they carry inflection, typos, and Chinese/Japanese words without spaces);
 * - single CJK, kana and Hangul characters (死 alone is a feature);
 * - word unigrams and bigrams, a word being a run between spaces.
 *
 * The fast path fills a reused buffer of bucket numbers and never allocates, so scoring a
 * message costs a few microseconds. `describeFeatures` is the slow path (strings, allocations)
 * that names features, used only when explaining a lift and at training time.
 */

/** Longest text read in full; longer messages keep their head and tail (a goodbye often comes last). */
export const MAX_CHARS = 600;
const HEAD = 360;
const TAIL = 240;

const SEED_CHAR = [0, 0, 0x9e3779b1, 0x85ebca77, 0xc2b2ae3d] as const;
const SEED_UNI = 0x27d4eb2f;
const SEED_WORD = 0x165667b1;
const SEED_BIGRAM = 0xd3a2646c;
const FNV = 0x01000193;

/** Murmur3's finaliser: spreads the FNV state over all bits before the mask. */
function finish(h: number, mask: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h & mask;
}

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

/** Text the features read: the head and tail of a long message. */
export function clip(text: string): string {
  return text.length <= MAX_CHARS ? text : `${text.slice(0, HEAD)} ${text.slice(text.length - TAIL)}`;
}

/** Upper bound on the number of features of one message (sizes the reused buffer). */
export const MAX_FEATURES = (MAX_CHARS + 3) * 6;
const CODES = new Int32Array(MAX_CHARS + 3);

/**
 * Writes the bucket of every feature of `text` into `out` (duplicates kept: a repeated n-gram
 * counts twice) and returns how many were written.
 */
export function extractBuckets(text: string, bits: number, out: Int32Array): number {
  const mask = (1 << bits) - 1;
  const t = clip(text);
  // Padded code units, runs of spaces collapsed.
  let len = 0;
  CODES[len++] = 32;
  for (let i = 0; i < t.length; i++) {
    const c = unit(t.charCodeAt(i));
    if (c === 32 && CODES[len - 1] === 32) continue;
    CODES[len++] = c;
  }
  if (CODES[len - 1] !== 32) CODES[len++] = 32;

  let n = 0;
  let wordHash = SEED_WORD;
  let prevWord = 0;
  let wordLen = 0;
  for (let i = 0; i < len; i++) {
    const c = CODES[i]!;
    if (isIdeographic(c)) out[n++] = finish(Math.imul(SEED_UNI ^ c, FNV), mask);
    for (let k = 2; k <= 4 && k <= i + 1; k++) {
      let h: number = SEED_CHAR[k]!;
      for (let j = i - k + 1; j <= i; j++) h = Math.imul(h ^ CODES[j]!, FNV);
      out[n++] = finish(h, mask);
    }
    if (c === 32) {
      if (wordLen > 0 && wordLen <= 24) {
        out[n++] = finish(wordHash, mask);
        if (prevWord !== 0) out[n++] = finish(Math.imul(SEED_BIGRAM ^ prevWord, FNV) ^ wordHash, mask);
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
    for (let k = 2; k <= 4 && k <= i + 1; k++) names.push(`c:${show(i - k + 1, i + 1)}`);
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
