/**
 * The two files in policies/detection/model/: the weights (`risk-model.json`, written by
 * `npm run train:risk`) and the combine policy (`policy.yaml`, written by people). Schemas and
 * the conversions between the JSON form and the in-memory model live here; loading and error
 * reporting live in load.ts.
 */
import { z } from 'zod';
import { Signal } from '../policy-schema.js';
import { FEATURE_SCHEME } from './features.js';
import { HEADS, RiskModel, type Head, type HeadWeights, type StrongFeatures } from './risk-model.js';

/** Version 2: reasons and long-message ranking read the unhashed `strong` table (version 1 named buckets). */
export const MODEL_FORMAT = 'oyster-risk-model/2';

const HeadJson = z.strictObject({
  bias: z.number().finite(),
  scale: z.number().finite().positive(),
  /** base64 of 2^bits signed bytes. */
  weights: z.string().min(1),
});

export const ModelJson = z.strictObject({
  format: z.literal(MODEL_FORMAT),
  /** What the weights were trained on, when, and how (written by the training script). */
  note: z.strictObject({
    trained_at: z.string().min(1),
    command: z.string().min(1),
    seed: z.number().int(),
    data: z.record(z.string(), z.number().int().nonnegative()),
    description: z.string().min(1),
  }),
  features: z.strictObject({
    bits: z.number().int().min(10).max(22),
    scheme: z.literal(FEATURE_SCHEME),
  }),
  heads: z.strictObject({ risk: HeadJson, escalate: HeadJson }),
  /**
   * The strongest features by their text, unhashed: one `<name> <risk int8> <escalate int8>`
   * per line (names never contain spaces: features.ts shows a space as `_`). Written at training
   * from the team's corpus: for each bucket, the n-gram that occurs in it most, kept when its
   * weight is among the largest. One string rather than thousands of keys keeps validation at
   * startup to a millisecond.
   */
  strong: z.string(),
});
export type ModelJson = z.infer<typeof ModelJson>;

const Probability = z.number().gt(0).lte(1);
const Thresholds = z.strictObject({ risk: Probability, escalate: Probability.optional() });

/**
 * How the model's scores combine with the rules. The model may only raise a level: the result
 * is the higher of the rules' level and the highest `lift` whose thresholds are all met, and
 * never above `max_level`.
 */
export const ModelPolicy = z.strictObject({
  /** File name of the weights, beside this policy. */
  model: z.string().regex(/^[\w.-]+\.json$/, 'a .json file name in the same folder'),
  /** `off` keeps the model loaded and validated but never lets it change a level. */
  mode: z.enum(['on', 'off']),
  lift: z.strictObject({
    moderate: Thresholds,
    high: Thresholds.optional(),
  }),
  /**
   * The model acts only on messages the rules rated below this level: it covers what the rules
   * missed and never re-grades a level a rule set on evidence.
   */
  only_below: z.enum(['moderate', 'high', 'imminent']),
  /** The model alone never declares `imminent`: that needs the rules' evidence of plan or act. */
  max_level: z.enum(['moderate', 'high']),
  /**
   * Rule signals the model defers to: when the rules found one of these in a message (an
   * explicit denial, say), the model does not lift it.
   */
  defer_to: z.array(Signal),
  /**
   * Rule signals after which the model may lift only as far as `moderate` (resources, no
   * moderator alert), and only at a risk score of at least `risk` (never below the moderate
   * lift's own): weak evidence the conversation weighs (a means named, something taken). The
   * means words themselves raise the model's score, so it must be surer there.
   */
  moderate_only_after: z.strictObject({ signals: z.array(Signal), risk: Probability }),
  /**
   * Per-language calibration: the moderate lift's risk threshold for messages the screen reads
   * in that language (its `language`); a language not listed uses `lift.moderate.risk`. Chosen
   * per language on out-of-fold figures, where the model's false positives in that language
   * leave room (see policy.yaml).
   */
  language_risk: z.record(z.string().regex(/^[a-z]{2}$/, 'a two-letter language code'), Probability).optional(),
  /** How many of the strongest features are named in the reasons of a lifted level. */
  reason_features: z.number().int().min(0).max(8),
});
export type ModelPolicy = z.infer<typeof ModelPolicy>;

/** Builds the in-memory model from its validated JSON; throws with a plain message when the weights do not fit. */
export function decodeModel(json: ModelJson): RiskModel {
  const size = 1 << json.features.bits;
  const heads = {} as Record<Head, HeadWeights>;
  for (const head of HEADS) {
    const h = json.heads[head];
    const bytes = Buffer.from(h.weights, 'base64');
    if (bytes.length !== size) {
      throw new Error(`heads.${head}.weights: decodes to ${bytes.length} bytes, expected ${size} (2^${json.features.bits})`);
    }
    heads[head] = { bias: h.bias, scale: h.scale, weights: new Int8Array(bytes.buffer, bytes.byteOffset, bytes.length) };
  }
  const strong = new Map<string, Record<Head, number>>();
  for (const [i, line] of json.strong.split('\n').entries()) {
    if (line === '') continue;
    const match = /^(\S+) (-?\d{1,3}) (-?\d{1,3})$/.exec(line);
    const [risk, escalate] = match ? [Number(match[2]), Number(match[3])] : [NaN, NaN];
    if (!match || Math.abs(risk) > 127 || Math.abs(escalate) > 127) {
      throw new Error(`strong: line ${i + 1} is not "<name> <risk -127..127> <escalate -127..127>"`);
    }
    strong.set(match[1]!, { risk, escalate });
  }
  return new RiskModel(json.features.bits, heads, strong);
}

/** The JSON form of trained weights and the strong table (the training script adds the note). */
export function encodeModel(model: RiskModel): Pick<ModelJson, 'heads' | 'strong'> {
  const heads = {} as ModelJson['heads'];
  for (const head of HEADS) {
    const h = model.heads[head];
    heads[head] = {
      bias: h.bias,
      scale: h.scale,
      weights: Buffer.from(h.weights.buffer, h.weights.byteOffset, h.weights.length).toString('base64'),
    };
  }
  return { heads, strong: encodeStrong(model.strong) };
}

/** `strong` as lines, strongest risk first, so a reviewer reads the model's vocabulary from the top. */
export function encodeStrong(strong: StrongFeatures): string {
  return [...strong]
    .sort((a, b) => b[1].risk - a[1].risk || b[1].escalate - a[1].escalate || (a[0] < b[0] ? -1 : 1))
    .map(([name, w]) => `${name} ${w.risk} ${w.escalate}\n`).join('');
}
