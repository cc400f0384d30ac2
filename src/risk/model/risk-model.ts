/**
 * The learned risk model at inference: two logistic heads over hashed n-gram features
 * (features.ts). `risk` estimates "needs resources" (gold moderate or above), `escalate`
 * "needs moderators" (gold high or above). Weights are int8 with one scale per head, so a model
 * of 2^17 buckets is 128 KiB per head and decodes from the committed file in about a millisecond.
 */
import { clip, describeFeatures, FeatureBuffer, MAX_FEATURES, MAX_WINDOWS } from './features.js';

export const HEADS = ['risk', 'escalate'] as const;
export type Head = (typeof HEADS)[number];

export interface HeadWeights {
  bias: number;
  /** Real weight = int8 weight × scale. */
  scale: number;
  weights: Int8Array;
  /** Training-vocabulary names of the buckets that push this head up most (bucket → name). */
  names: Map<number, string>;
}

export type ModelScores = Record<Head, number>;

export interface Contribution {
  name: string;
  /** Logit contribution of this feature in the message (after the length normalization). */
  weight: number;
}

// One set of buffers for every message: scoring is synchronous, so one message at a time uses them.
const FEATURES = new FeatureBuffer();
const RISK = new Int32Array(MAX_FEATURES);
const ESCALATE = new Int32Array(MAX_FEATURES);
const PREVIOUS = new Int32Array(MAX_FEATURES);
const WINDOWS = new Int32Array(2 * MAX_WINDOWS);
/** Stamps restart before they could overflow an int32 (after about 2^30 features). */
const STAMP_LIMIT = 1 << 30;

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

export class RiskModel {
  /**
   * Both heads' int8 weights and a per-bucket stamp in one array, so a feature costs one memory
   * access: `[2b]` holds risk (low byte) and escalate (next byte), `[2b + 1]` the stamp, which
   * is `base + i` when feature `i` of the current message last hit bucket `b`.
   */
  private readonly table: Int32Array;
  private base = 1;
  /** Code-unit range of the window that scored highest per head, in the last `score`. */
  private best: Record<Head, [number, number]> = { risk: [0, 0], escalate: [0, 0] };

  constructor(
    readonly bits: number,
    readonly heads: Record<Head, HeadWeights>,
  ) {
    for (const head of HEADS) {
      if (heads[head].weights.length !== 1 << bits) throw new Error(`${head}: ${heads[head].weights.length} weights for ${bits} bits`);
    }
    this.table = new Int32Array(2 << bits);
    const r = heads.risk.weights;
    const e = heads.escalate.weights;
    for (let b = 0; b < 1 << bits; b++) this.table[2 * b] = (r[b]! & 0xff) | ((e[b]! & 0xff) << 8);
  }

  /**
   * Probabilities of both heads for an already normalized text. Each distinct feature of a
   * window counts once, scaled by 1/sqrt(count) so a long text does not score high by length
   * alone; a long message scores as its highest window, per head. A text with no features
   * scores the biases alone.
   */
  score(normalized: string): ModelScores {
    const n = FEATURES.extract(normalized, this.bits);
    const table = this.table;
    if (this.base + n + 1 >= STAMP_LIMIT) {
      for (let b = 1; b < table.length; b += 2) table[b] = 0;
      this.base = 1;
    }
    const base = this.base;
    const buckets = FEATURES.buckets;
    // One pass: weights and the previous occurrence of each feature (-1 for a first one).
    let sr = 0;
    let se = 0;
    let unique = 0;
    for (let i = 0; i < n; i++) {
      const slot = buckets[i]! << 1;
      const packed = table[slot]!;
      const stamp = table[slot + 1]!;
      table[slot + 1] = base + i;
      const r = (packed << 24) >> 24;
      const e = (packed << 16) >> 24;
      RISK[i] = r;
      ESCALATE[i] = e;
      if (stamp >= base) {
        PREVIOUS[i] = stamp - base;
      } else {
        PREVIOUS[i] = -1;
        sr += r;
        se += e;
        unique++;
      }
    }
    this.base = base + n + 1;
    const heads = this.heads;
    const count = FEATURES.windows(WINDOWS);
    if (count === 1) {
      this.best = { risk: [0, FEATURES.length], escalate: [0, FEATURES.length] };
      const norm = unique > 0 ? 1 / Math.sqrt(unique) : 0;
      return { risk: sigmoid(heads.risk.bias + sr * heads.risk.scale * norm), escalate: sigmoid(heads.escalate.bias + se * heads.escalate.scale * norm) };
    }
    // Windows: a feature counts in a window when its previous occurrence lies before the window.
    let bestRisk = -Infinity;
    let bestEscalate = -Infinity;
    const offsets = FEATURES.offsets;
    for (let w = 0; w < count; w++) {
      const from = offsets[WINDOWS[2 * w]!]!;
      const to = offsets[WINDOWS[2 * w + 1]!]!;
      let wr = 0;
      let we = 0;
      let k = 0;
      for (let i = from; i < to; i++) {
        if (PREVIOUS[i]! >= from) continue;
        wr += RISK[i]!;
        we += ESCALATE[i]!;
        k++;
      }
      const norm = k > 0 ? 1 / Math.sqrt(k) : 0;
      const zr = heads.risk.bias + wr * heads.risk.scale * norm;
      const ze = heads.escalate.bias + we * heads.escalate.scale * norm;
      if (zr > bestRisk) {
        bestRisk = zr;
        this.best.risk = [WINDOWS[2 * w]!, WINDOWS[2 * w + 1]!];
      }
      if (ze > bestEscalate) {
        bestEscalate = ze;
        this.best.escalate = [WINDOWS[2 * w]!, WINDOWS[2 * w + 1]!];
      }
    }
    return { risk: sigmoid(bestRisk), escalate: sigmoid(bestEscalate) };
  }

  /** The part of `normalized` (clipped) that the last `score` of it read in `head`'s highest window. */
  private bestText(normalized: string, head: Head): string {
    this.score(normalized);
    const [start, end] = this.best[head];
    const text = clip(normalized);
    if (start === 0 && end === FEATURES.length) return text;
    return text.slice(FEATURES.source[start]!, end < FEATURES.length ? FEATURES.source[end]! : text.length);
  }

  /**
   * The features of `normalized` that raised `head` most, strongest first, named from the
   * training vocabulary (a bucket without a recorded name is skipped: reasons name only words
   * the model was taught, never arbitrary user text).
   */
  strongest(normalized: string, head: Head, limit: number): Contribution[] {
    const weights = this.heads[head];
    // Explained from the window that scored highest, where the lift came from.
    const buckets = new Set(describeFeatures(this.bestText(normalized, head), this.bits).map((f) => f.bucket));
    const norm = buckets.size > 0 ? 1 / Math.sqrt(buckets.size) : 0;
    const out: Contribution[] = [];
    for (const bucket of buckets) {
      const name = weights.names.get(bucket);
      const w = weights.weights[bucket]! * weights.scale * norm;
      if (name !== undefined && w > 0) out.push({ name, weight: w });
    }
    return out.sort((a, b) => b.weight - a.weight || (a.name < b.name ? -1 : 1)).slice(0, limit);
  }
}
