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
 * A long message is read in windows (windows.ts): the model was trained on chat-length
 * sentences, and one risk sentence late in a 2,000-character message would otherwise be diluted
 * by everything around it. `FeatureBuffer.extract` reads a range of the text as if it were the
 * whole text, so a window's features are those of the same words sent alone.
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

// Each kind of feature hashes from its own seed, so a word and a character n-gram of the same
// letters land in different buckets.
const SEED_2 = 0x9e3779b1;
const SEED_3 = 0x85ebca77;
const SEED_4 = 0xc2b2ae3d;
/** Seed of a single CJK, kana or Hangul character (windows.ts reads these too). */
export const SEED_UNI = 0x27d4eb2f;
/** Seed of a word's hash; each of its code units then mixes in by `Math.imul(h ^ c, FNV)`. */
export const SEED_WORD = 0x165667b1;
const SEED_BIGRAM = 0xd3a2646c;
export const FNV = 0x01000193;
/** Longer runs between spaces are not words (a URL, a key smash) and get no word features. */
export const MAX_WORD = 24;

/**
 * Bucket of a hash: one multiply by the golden ratio and its top `bits` bits (Fibonacci
 * hashing), which spreads FNV-style states well and costs a fraction of a full finaliser.
 */
export const bucketOf = (h: number, shift: number) => Math.imul(h, 0x9e3779b1) >>> shift;

/** ASCII code units as the model reads them: letters and digits as they are, the rest a space. */
export const ASCII = Uint8Array.from({ length: 128 }, (_, c) => ((c >= 97 && c <= 122) || (c >= 48 && c <= 57) || (c >= 65 && c <= 90) ? c : 32));

/** Code unit as the model reads it: ASCII punctuation and CJK/general punctuation become a space (32). */
export function unit(c: number): number {
  if (c < 128) return ASCII[c]!;
  if ((c >= 0x2000 && c <= 0x206f) || (c >= 0x3000 && c <= 0x303f) || (c >= 0xff00 && c <= 0xff0f)) return 32;
  return c;
}

export const isIdeographic = (c: number) => c >= 0x2e80 && (c <= 0x9fff || (c >= 0xac00 && c <= 0xd7af) || (c >= 0xf900 && c <= 0xfaff));

/** Text the features read: the head and tail of a very long message. */
export function clip(text: string): string {
  return text.length <= MAX_CHARS ? text : `${text.slice(0, HEAD)} ${text.slice(text.length - TAIL)}`;
}

/** Upper bound on the number of features of one message (sizes the reused buffers). */
export const MAX_FEATURES = (MAX_CHARS + 3) * 6;

/**
 * A reused buffer of one extraction: the text's code units, and the bucket of each feature in
 * text order (duplicates kept).
 */
export class FeatureBuffer {
  readonly buckets = new Int32Array(MAX_FEATURES);
  /** Code units of the last `load`ed text. Read from a typed array: twice as fast as `charCodeAt`. */
  readonly units = new Uint16Array(MAX_CHARS + 2);
  private readonly bytes = Buffer.from(this.units.buffer, this.units.byteOffset, this.units.byteLength);

  /** Copies the code units of `text` (clipped; at most MAX_CHARS + 1) into `units` natively; returns how many. One unit of room is left after them. */
  load(text: string): number {
    return this.bytes.write(text, 0, 'utf16le') >> 1;
  }

  /**
   * Extracts every feature of `units[from, to)` (the loaded text, already normalized) as if that
   * range were the whole text, padded with a space at each end; returns the feature count. One
   * pass, no allocation: the last two code units and the running hashes live in locals.
   */
  extract(bits: number, from: number, to: number): number {
    const units = this.units;
    const out = this.buckets;
    const shift = 32 - bits;
    let n = 0;
    let wordHash = SEED_WORD;
    let prevWord = 0;
    let wordLen = 0;
    // The last two code units emitted (c1 the latest), and how many have been emitted.
    let c1 = 0;
    let c2 = 0;
    let emitted = 0;
    // Rolling states: the 2-gram state ending at the previous unit extends to this unit's
    // 3-gram, the previous 3-gram state to this unit's 4-gram.
    let prev2 = 0;
    let prev3 = 0;
    for (let i = from - 1; i <= to; i++) {
      // The padding space before the range, then the range, then a closing space unless one ended it.
      let c: number;
      if (i < from) c = 32;
      else if (i < to) {
        c = unit(units[i]!);
        if (c === 32 && c1 === 32) continue;
      } else {
        if (c1 === 32) break;
        c = 32;
      }
      if (isIdeographic(c)) out[n++] = bucketOf(SEED_UNI ^ c, shift);
      let h2 = 0;
      let h3 = 0;
      if (emitted >= 1) {
        h2 = Math.imul(SEED_2 ^ c1, FNV) ^ c;
        if (c >= 128 || c1 >= 128) out[n++] = bucketOf(h2, shift);
        if (emitted >= 2) {
          h3 = Math.imul(prev2 ^ SEED_3, FNV) ^ c;
          if (c >= 128 || c1 >= 128 || c2 >= 128) out[n++] = bucketOf(h3, shift);
          if (emitted >= 3) out[n++] = bucketOf(Math.imul(prev3 ^ SEED_4, FNV) ^ c, shift);
        }
      }
      prev2 = h2;
      prev3 = h3;
      if (c === 32) {
        if (wordLen > 0 && wordLen <= MAX_WORD) {
          out[n++] = bucketOf(wordHash, shift);
          if (prevWord !== 0) out[n++] = bucketOf(Math.imul(SEED_BIGRAM ^ prevWord, FNV) ^ wordHash, shift);
          prevWord = wordHash;
        } else if (wordLen > MAX_WORD) {
          prevWord = 0;
        }
        wordHash = SEED_WORD;
        wordLen = 0;
      } else {
        wordHash = Math.imul(wordHash ^ c, FNV);
        wordLen++;
      }
      c2 = c1;
      c1 = c;
      emitted++;
    }
    return n;
  }
}

const shared = new FeatureBuffer();

/**
 * Writes the bucket of every feature of `text` (clipped) into `out` (duplicates kept: a
 * repeated n-gram counts twice) and returns how many were written.
 */
export function extractBuckets(text: string, bits: number, out: Int32Array): number {
  const n = shared.extract(bits, 0, shared.load(clip(text)));
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
