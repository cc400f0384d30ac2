/**
 * The learned risk model at inference: two logistic heads over hashed n-gram features
 * (features.ts). `risk` estimates "needs resources" (gold moderate or above), `escalate`
 * "needs moderators" (gold high or above). Weights are int8 with one scale per head, so a model
 * of 2^17 buckets is 128 KiB per head and decodes from the committed file in about a millisecond.
 */
import { describeFeatures, extractBuckets, MAX_FEATURES, uniqueBuckets } from './features.js';

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

// One buffer for every message: scoring is synchronous, so one message at a time uses it.
const BUCKETS = new Int32Array(MAX_FEATURES);

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

export class RiskModel {
  constructor(
    readonly bits: number,
    readonly heads: Record<Head, HeadWeights>,
  ) {
    for (const head of HEADS) {
      if (heads[head].weights.length !== 1 << bits) throw new Error(`${head}: ${heads[head].weights.length} weights for ${bits} bits`);
    }
  }

  /** Probabilities of both heads for an already normalized text. A text with no features scores the biases alone. */
  score(normalized: string): ModelScores {
    const n = uniqueBuckets(BUCKETS, extractBuckets(normalized, this.bits, BUCKETS), this.bits);
    const risk = this.heads.risk.weights;
    const escalate = this.heads.escalate.weights;
    let sr = 0;
    let se = 0;
    for (let i = 0; i < n; i++) {
      const b = BUCKETS[i]!;
      sr += risk[b]!;
      se += escalate[b]!;
    }
    // Each distinct feature counts once, scaled by 1/sqrt(count) so a long message does not score high by length alone.
    const norm = n > 0 ? 1 / Math.sqrt(n) : 0;
    return {
      risk: sigmoid(this.heads.risk.bias + sr * this.heads.risk.scale * norm),
      escalate: sigmoid(this.heads.escalate.bias + se * this.heads.escalate.scale * norm),
    };
  }

  /**
   * The features of `normalized` that raised `head` most, strongest first, named from the
   * training vocabulary (a bucket without a recorded name is skipped: reasons name only words
   * the model was taught, never arbitrary user text).
   */
  strongest(normalized: string, head: Head, limit: number): Contribution[] {
    const weights = this.heads[head];
    const buckets = new Set(describeFeatures(normalized, this.bits).map((f) => f.bucket));
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
