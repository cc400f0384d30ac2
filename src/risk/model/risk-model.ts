/**
 * The learned risk model at inference: two logistic heads over hashed n-gram features
 * (features.ts). `risk` estimates "needs resources" (gold moderate or above), `escalate`
 * "needs moderators" (gold high or above). Weights are int8 with one scale per head, so a model
 * of 2^17 buckets is 128 KiB per head and decodes from the committed file in about a millisecond.
 *
 * Beside the hashed weights the model keeps a small unhashed table of its strongest features
 * (`strong`: n-gram text → int8 weight per head, written at training from the team's corpus).
 * Reasons name only n-grams of the message that are in that table, so a bucket shared with an
 * unrelated word can never show up as "the feature".
 */
import { clip, describeFeatures, FeatureBuffer } from './features.js';
import { FULL_READS, WINDOW, WindowScan } from './windows.js';

export const HEADS = ['risk', 'escalate'] as const;
export type Head = (typeof HEADS)[number];

export interface HeadWeights {
  bias: number;
  /** Real weight = int8 weight × scale. */
  scale: number;
  weights: Int8Array;
}

/** The strongest features by their n-gram text (features.ts names: `w:pills`, `c:_pil`, ...): int8 weight per head, the bucket's trained weight. */
export type StrongFeatures = ReadonlyMap<string, Readonly<Record<Head, number>>>;

export type ModelScores = Record<Head, number>;

export interface Contribution {
  name: string;
  /** Logit contribution of this feature in the message (after the length normalization). */
  weight: number;
}

// One set of buffers for every message: scoring is synchronous, so one message at a time uses them.
const FEATURES = new FeatureBuffer();
const SCAN = new WindowScan();
/**
 * Features already seen in the current window: open addressing over 2^SEEN_BITS slots (32 KiB
 * in all, stays in cache; a window has at most about 1,500 features). A slot is taken in the
 * current window when its stamp equals `generation`, so starting a window is one increment, not
 * a clear. Shared by every model instance (scoring is synchronous), so the generation is too.
 */
const SEEN_BITS = 12;
const SEEN = new Int32Array(1 << SEEN_BITS);
const SEEN_STAMP = new Int32Array(1 << SEEN_BITS);
let generation = 0;
/** Windows already read in full in the current message, in the order they were picked. */
const PICKED = new Int32Array(FULL_READS);

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

export class RiskModel {
  /**
   * Both heads' int8 weights in one int16 per bucket (risk in the low byte), 256 KiB at 2^17
   * buckets: one look-up per feature, into a table that stays in the second-level cache.
   */
  private readonly table: Int16Array;
  /** Logits of the last `window` call. */
  private zRisk = 0;
  private zEscalate = 0;
  /** Windows the last `score` read with every feature (1 for a short text; at most FULL_READS). */
  windowsRead = 0;
  /** Code-unit range of the window that scored highest per head, in the last `score`. */
  private readonly best: Record<Head, [number, number]> = { risk: [0, 0], escalate: [0, 0] };

  constructor(
    readonly bits: number,
    readonly heads: Record<Head, HeadWeights>,
    readonly strong: StrongFeatures = new Map(),
  ) {
    for (const head of HEADS) {
      if (heads[head].weights.length !== 1 << bits) throw new Error(`${head}: ${heads[head].weights.length} weights for ${bits} bits`);
    }
    this.table = new Int16Array(1 << bits);
    const r = heads.risk.weights;
    const e = heads.escalate.weights;
    for (let b = 0; b < 1 << bits; b++) this.table[b] = (r[b]! & 0xff) | (e[b]! << 8);
  }

  /**
   * Probabilities of both heads for an already normalized text. Each distinct feature of a
   * window counts once, scaled by 1/sqrt(count) so a long text does not score high by length
   * alone. A text longer than WINDOW scores as its highest window per head, of the few windows
   * the scan ranks highest (windows.ts). A text with no features scores the biases alone.
   */
  score(normalized: string): ModelScores {
    const len = FEATURES.load(clip(normalized));
    if (len <= WINDOW) {
      this.window(0, len);
      this.windowsRead = 1;
      this.best.risk = [0, len];
      this.best.escalate = [0, len];
      return { risk: sigmoid(this.zRisk), escalate: sigmoid(this.zEscalate) };
    }
    const count = SCAN.scan(FEATURES.units, len, this.bits, this.table);
    SCAN.rank();
    // Windows read in full, in this order: the one the risk head ranks highest, the one the
    // escalate head ranks highest among the rest, then the risk head's next best (windows.ts).
    const rankRisk = SCAN.rankRisk;
    const rankEscalate = SCAN.rankEscalate;
    let bestRisk = -Infinity;
    let bestEscalate = -Infinity;
    this.windowsRead = 0;
    for (let round = 0; round < FULL_READS; round++) {
      const ranks = round === 1 ? rankEscalate : rankRisk;
      let pick = -1;
      let top = -Infinity;
      for (let w = 0; w < count; w++) {
        if (ranks[w]! <= top) continue;
        let taken = false;
        for (let r = 0; r < round; r++) if (PICKED[r] === w) taken = true;
        if (taken) continue;
        top = ranks[w]!;
        pick = w;
      }
      PICKED[round] = pick;
      if (pick < 0) continue;
      const from = SCAN.windows[2 * pick]!;
      const to = SCAN.windows[2 * pick + 1]!;
      this.window(from, to);
      this.windowsRead++;
      if (this.zRisk > bestRisk) {
        bestRisk = this.zRisk;
        this.best.risk = [from, to];
      }
      if (this.zEscalate > bestEscalate) {
        bestEscalate = this.zEscalate;
        this.best.escalate = [from, to];
      }
    }
    return { risk: sigmoid(bestRisk), escalate: sigmoid(bestEscalate) };
  }

  /** Scores code units `[from, to)` of the loaded text as a whole message: sets `zRisk` and `zEscalate`. */
  private window(from: number, to: number): void {
    const n = FEATURES.extract(this.bits, from, to);
    const buckets = FEATURES.buckets;
    const table = this.table;
    if (++generation === 0x7fffffff) {
      SEEN_STAMP.fill(0);
      generation = 1;
    }
    const stamp = generation;
    const mask = SEEN.length - 1;
    let sr = 0;
    let se = 0;
    let unique = 0;
    for (let i = 0; i < n; i++) {
      const b = buckets[i]!;
      let slot = Math.imul(b, 0x9e3779b1) >>> (32 - SEEN_BITS);
      for (;;) {
        if (SEEN_STAMP[slot] !== stamp) {
          SEEN_STAMP[slot] = stamp;
          SEEN[slot] = b;
          const packed = table[b]!;
          sr += (packed << 24) >> 24;
          se += packed >> 8;
          unique++;
          break;
        }
        if (SEEN[slot] === b) break;
        slot = (slot + 1) & mask;
      }
    }
    const norm = unique > 0 ? 1 / Math.sqrt(unique) : 0;
    this.zRisk = this.heads.risk.bias + sr * this.heads.risk.scale * norm;
    this.zEscalate = this.heads.escalate.bias + se * this.heads.escalate.scale * norm;
  }

  /** The part of `normalized` (clipped) that the last `score` of it read in `head`'s highest window. */
  private bestText(normalized: string, head: Head): string {
    this.score(normalized);
    const [start, end] = this.best[head];
    const text = clip(normalized);
    return start === 0 && end === text.length ? text : text.slice(start, end);
  }

  /**
   * The features of `normalized` that raised `head` most, strongest first: n-grams of the
   * message's highest window that are in the unhashed table of strongest features, with that
   * table's weight. An n-gram outside the table is not named, even when its bucket weighs much:
   * a bucket holds many n-grams, and only the table says which one the weight was learned from.
   * Names come from the team's own texts, never from arbitrary user text.
   */
  strongest(normalized: string, head: Head, limit: number): Contribution[] {
    const scale = this.heads[head].scale;
    // Explained from the window that scored highest, where the lift came from.
    const names = new Set(describeFeatures(this.bestText(normalized, head), this.bits).map((f) => f.name));
    const norm = names.size > 0 ? 1 / Math.sqrt(names.size) : 0;
    const out: Contribution[] = [];
    for (const name of names) {
      const w = (this.strong.get(name)?.[head] ?? 0) * scale * norm;
      if (w > 0) out.push({ name, weight: w });
    }
    return out.sort((a, b) => b.weight - a.weight || (a.name < b.name ? -1 : 1)).slice(0, limit);
  }
}
