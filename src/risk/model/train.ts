/**
 * Training for the learned risk model: logistic regression per head over the hashed features,
 * AdaGrad with a light L2 penalty, then int8 quantization (the form the bot runs, so every
 * figure is measured on the shipped form). Deterministic: the only randomness is the row order,
 * drawn from a seeded generator, and the arithmetic is the same on every run.
 */
import { riskRank, type RiskLevel } from '../../messages.js';
import { normalizeText } from '../normalize.js';
import { describeFeatures, extractBuckets, MAX_FEATURES, uniqueBuckets } from './features.js';
import { HEADS, RiskModel, type Head, type HeadWeights, type StrongFeatures } from './risk-model.js';

export interface TrainingRow {
  text: string;
  level: RiskLevel;
  /** Relative weight in the loss (1 = an ordinary row). */
  weight: number;
}

export interface TrainOptions {
  bits: number;
  epochs: number;
  seed: number;
  /** AdaGrad base learning rate. */
  rate: number;
  /** L2 penalty per update on the weights a row touches. */
  l2: number;
  /**
   * Texts written by the team whose n-grams make the unhashed table of strongest features
   * (reasons name them), and how many per head.
   */
  vocabulary?: { texts: string[]; perHead: number };
}

export const DEFAULT_TRAINING: Omit<TrainOptions, 'vocabulary'> = { bits: 17, epochs: 6, seed: 20261207, rate: 0.3, l2: 1e-5 };

export interface EncodedRow {
  buckets: Int32Array;
  norm: number;
  targets: Record<Head, 0 | 1>;
  weight: number;
}

/** The targets of each head: resources (moderate and above) and moderators (high and above). */
export function targetsOf(level: RiskLevel): Record<Head, 0 | 1> {
  return { risk: riskRank(level) >= 2 ? 1 : 0, escalate: riskRank(level) >= 3 ? 1 : 0 };
}

export function encodeRows(rows: TrainingRow[], bits: number): EncodedRow[] {
  const buffer = new Int32Array(MAX_FEATURES);
  return rows.map((row) => {
    const n = uniqueBuckets(buffer, extractBuckets(normalizeText(row.text).text, bits, buffer), bits);
    return { buckets: buffer.slice(0, n), norm: n > 0 ? 1 / Math.sqrt(n) : 0, targets: targetsOf(row.level), weight: row.weight };
  });
}

/** Mulberry32: a small seeded generator, enough for shuffling. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function trainModel(rows: EncodedRow[], options: TrainOptions): RiskModel {
  const size = 1 << options.bits;
  const random = seeded(options.seed);
  const order = rows.map((_, i) => i);
  const heads = {} as Record<Head, HeadWeights>;
  const weights = HEADS.map(() => new Float64Array(size));
  const squares = HEADS.map(() => new Float64Array(size));
  const bias = HEADS.map(() => 0);
  const biasSquares = HEADS.map(() => 0);
  for (let epoch = 0; epoch < options.epochs; epoch++) {
    // Fisher-Yates with the seeded generator.
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    for (const index of order) {
      const row = rows[index]!;
      HEADS.forEach((head, h) => {
        const w = weights[h]!;
        const g2 = squares[h]!;
        let z = bias[h]!;
        for (const b of row.buckets) z += w[b]! * row.norm;
        const p = 1 / (1 + Math.exp(-z));
        const g = (p - row.targets[head]) * row.weight;
        if (g === 0) return;
        biasSquares[h]! += g * g;
        bias[h]! -= (options.rate * g) / Math.sqrt(biasSquares[h]! + 1e-8);
        for (const b of row.buckets) {
          const grad = g * row.norm + options.l2 * w[b]!;
          g2[b]! += grad * grad;
          w[b]! -= (options.rate * grad) / Math.sqrt(g2[b]! + 1e-8);
        }
      });
    }
  }
  HEADS.forEach((head, h) => {
    const { scale, quantized } = quantize(weights[h]!);
    heads[head] = { bias: bias[h]!, scale, weights: quantized };
  });
  const model = new RiskModel(options.bits, heads);
  if (!options.vocabulary) return model;
  return new RiskModel(options.bits, heads, strongFeatures(model, options.vocabulary));
}

/** int8 with one scale per head; the largest 0.05% of weights are clipped so the rest keep resolution. */
function quantize(w: Float64Array): { scale: number; quantized: Int8Array } {
  const magnitudes = Array.from(w, Math.abs).filter((x) => x > 0).sort((a, b) => a - b);
  const top = magnitudes.length ? magnitudes[Math.floor(0.9995 * (magnitudes.length - 1))]! : 1;
  const scale = Math.max(top, 1e-9) / 127;
  const quantized = new Int8Array(w.length);
  for (let i = 0; i < w.length; i++) quantized[i] = Math.max(-127, Math.min(127, Math.round(w[i]! / scale)));
  return { scale, quantized };
}

/**
 * The unhashed table of strongest features. Each bucket is owned by the n-gram that occurs in it
 * most often in the team's texts (the one its weight was mostly learned from); an owner is kept
 * when its weight is among the `perHead` most positive of a head.
 */
export function strongFeatures(model: RiskModel, vocabulary: { texts: string[]; perHead: number }): StrongFeatures {
  const counts = new Map<number, Map<string, number>>();
  for (const text of vocabulary.texts) {
    for (const f of describeFeatures(normalizeText(text).text, model.bits)) {
      // A name is one token of the weights file: no whitespace (features.ts shows a space as `_`).
      if (/\s/.test(f.name)) continue;
      const byName = counts.get(f.bucket) ?? new Map<string, number>();
      byName.set(f.name, (byName.get(f.name) ?? 0) + 1);
      counts.set(f.bucket, byName);
    }
  }
  const owners: Array<{ name: string; risk: number; escalate: number }> = [];
  for (const [bucket, byName] of counts) {
    const [name] = [...byName].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0]!;
    const risk = model.heads.risk.weights[bucket]!;
    const escalate = model.heads.escalate.weights[bucket]!;
    if (risk !== 0 || escalate !== 0) owners.push({ name, risk, escalate });
  }
  const byName = (a: { name: string }, b: { name: string }) => (a.name < b.name ? -1 : 1);
  const keep = new Set<(typeof owners)[number]>();
  for (const head of HEADS) {
    owners.filter((o) => o[head] > 0).sort((a, b) => b[head] - a[head] || byName(a, b)).slice(0, vocabulary.perHead).forEach((o) => keep.add(o));
  }
  return new Map([...keep].map((o) => [o.name, { risk: o.risk, escalate: o.escalate }]));
}
