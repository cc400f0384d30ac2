/**
 * Training for the learned risk model: logistic regression per head over the hashed features,
 * AdaGrad with a light L2 penalty, then int8 quantization (the form the bot runs, so every
 * figure is measured on the shipped form). Deterministic: the only randomness is the row order,
 * drawn from a seeded generator, and the arithmetic is the same on every run.
 */
import { riskRank, type RiskLevel } from '../../messages.js';
import { normalizeText } from '../normalize.js';
import { describeFeatures, extractBuckets, MAX_FEATURES, uniqueBuckets } from './features.js';
import { HEADS, RiskModel, type Head, type HeadWeights } from './risk-model.js';

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
  /** Texts written by the team whose n-grams may name features in reasons, and how many names per head. */
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
    heads[head] = { bias: bias[h]!, scale, weights: quantized, names: new Map() };
  });
  const model = new RiskModel(options.bits, heads);
  if (options.vocabulary) nameFeatures(model, options.vocabulary.texts, options.vocabulary.perHead);
  return model;
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
 * Gives each of the `perHead` most positive buckets of each head the name of its most frequent
 * n-gram in the team's own texts, so reasons cite the model's vocabulary rather than user text.
 */
function nameFeatures(model: RiskModel, texts: string[], perHead: number): void {
  const wanted = new Map<Head, Set<number>>();
  for (const head of HEADS) {
    const w = model.heads[head].weights;
    const ranked = [...w.keys()].filter((b) => w[b]! > 0).sort((a, b) => w[b]! - w[a]! || a - b);
    wanted.set(head, new Set(ranked.slice(0, perHead)));
  }
  const all = new Set([...wanted.values()].flatMap((s) => [...s]));
  const counts = new Map<number, Map<string, number>>();
  for (const text of texts) {
    for (const f of describeFeatures(normalizeText(text).text, model.bits)) {
      if (!all.has(f.bucket)) continue;
      const byName = counts.get(f.bucket) ?? new Map<string, number>();
      byName.set(f.name, (byName.get(f.name) ?? 0) + 1);
      counts.set(f.bucket, byName);
    }
  }
  for (const head of HEADS) {
    for (const bucket of wanted.get(head)!) {
      const byName = counts.get(bucket);
      if (!byName) continue;
      const [name] = [...byName].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0]!;
      model.heads[head].names.set(bucket, name);
    }
  }
}
