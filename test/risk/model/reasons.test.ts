/**
 * The reasons of a model lift name real n-grams of the message: only n-grams that are in the
 * model's unhashed table of strongest features, never whatever training word happened to share
 * a hashed bucket with something the person wrote.
 */
import { describe, expect, it } from 'vitest';
import { liftByModel } from '../../../src/risk/model/combine.js';
import { describeFeatures } from '../../../src/risk/model/features.js';
import { loadRiskModel } from '../../../src/risk/model/load.js';
import type { ModelPolicy } from '../../../src/risk/model/model-file.js';
import { RiskModel } from '../../../src/risk/model/risk-model.js';
import { normalizeText } from '../../../src/risk/normalize.js';
import { POLICY_DIR } from '../helpers.js';

const BITS = 8;
const policy: ModelPolicy = {
  model: 'risk-model.json',
  mode: 'on',
  lift: { moderate: { risk: 0.8 } },
  only_below: 'imminent',
  max_level: 'moderate',
  defer_to: [],
  moderate_only_after: { signals: [], risk: 0.8 },
  reason_features: 3,
};

const wordBucket = (word: string) => describeFeatures(word, BITS).find((f) => f.name === `w:${word}`)!.bucket;

/** A model whose only weight is the bucket of the word "rope", named in its strong table. */
function ropeModel(): RiskModel {
  const weights = new Int8Array(1 << BITS);
  weights[wordBucket('rope')] = 100;
  return new RiskModel(BITS, { risk: { bias: -3, scale: 1, weights }, escalate: { bias: -3, scale: 1, weights: new Int8Array(1 << BITS) } }, new Map([['w:rope', { risk: 100, escalate: 0 }]]));
}

describe('the reasons of a model lift', () => {
  it('name an n-gram of the message that is in the strong table', () => {
    const lift = liftByModel(ropeModel(), policy, 'rope', 'none');
    expect(lift?.reasons).toContain('model.feature:w:rope');
  });

  it('never name a strong word the message does not hold, even when one of its words shares that bucket', () => {
    // A word that hashes into the bucket of "rope" in 2^8 buckets: the weight applies to it (so the
    // model lifts), but "rope" is not in the message and must not be named.
    const twin = Array.from({ length: 5000 }, (_, i) => `kite${i}`).find((w) => wordBucket(w) === wordBucket('rope'))!;
    expect(twin).toBeDefined();
    const lift = liftByModel(ropeModel(), policy, twin, 'none');
    expect(lift?.level).toBe('moderate');
    expect(lift!.reasons.filter((r) => r.startsWith('model.feature:'))).toEqual([]);
  });

  it('with the committed weights, name only n-grams that occur in the lifted text', () => {
    const loaded = loadRiskModel(POLICY_DIR)!;
    expect(loaded.model.strong.size).toBeGreaterThan(1000);
    const texts = [
      'ik heb alle pillen van de kast verzameld en vanavond neem ik ze allemaal',
      'dziś w nocy w końcu to skończę, mam już wszystko przygotowane',
      'aku sudah menulis surat untuk ibuku dan malam ini aku akan pergi selamanya',
      'artık yaşamak istemiyorum, herkes bensiz daha mutlu olur',
    ];
    let named = 0;
    for (const text of texts) {
      const normalized = normalizeText(text).text;
      const lift = liftByModel(loaded.model, { ...loaded.policy, moderate_only_after: { signals: [], risk: 1 } }, normalized, 'none');
      for (const reason of lift?.reasons.filter((r) => r.startsWith('model.feature:')) ?? []) {
        named++;
        // `w:pillen` → "pillen", `c:_pil` → " pil": the n-gram as it stands in the text (padded by a space at each end).
        const gram = reason.slice('model.feature:'.length + 2).replace(/_/g, ' ');
        expect(` ${normalized.replace(/[^\p{L}\p{N}]+/gu, ' ')} `).toContain(gram);
        expect(loaded.model.strong.has(reason.slice('model.feature:'.length))).toBe(true);
      }
    }
    expect(named).toBeGreaterThan(0);
  });
});
