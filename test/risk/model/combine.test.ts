/**
 * How the model combines with the rules: it only raises a level, never above max_level, only
 * past its thresholds, and names itself and its strongest features in the reasons. The model
 * here is built by hand with known weights, so each threshold is crossed on purpose.
 */
import { describe, expect, it } from 'vitest';
import { cappedPolicy, liftByModel, modelLevel, moderateRisk } from '../../../src/risk/model/combine.js';
import { describeFeatures } from '../../../src/risk/model/features.js';
import type { ModelPolicy } from '../../../src/risk/model/model-file.js';
import { RiskModel } from '../../../src/risk/model/risk-model.js';
import { applyModel } from '../../../src/risk/model/screen-hook.js';
import type { Signal } from '../../../src/risk/policy-schema.js';

const BITS = 12;
/** A model whose risk head rises with the word "rope" and escalate head with "tonight". */
function handModel(bits = BITS): RiskModel {
  const head = (word: string) => {
    const weights = new Int8Array(1 << bits);
    for (const f of describeFeatures(word, bits)) if (f.name.startsWith('w:')) weights[f.bucket] = 100;
    return { bias: -3, scale: 1, weights };
  };
  // The unhashed table of strongest features names the same two words.
  const strong = new Map([['w:rope', { risk: 100, escalate: 0 }], ['w:tonight', { risk: 0, escalate: 100 }]]);
  return new RiskModel(bits, { risk: head('rope'), escalate: head('tonight') }, strong);
}

const policy: ModelPolicy = {
  model: 'risk-model.json',
  mode: 'on',
  lift: { moderate: { risk: 0.8 }, high: { risk: 0.8, escalate: 0.8 } },
  only_below: 'imminent',
  max_level: 'high',
  defer_to: ['negated'],
  moderate_only_after: { signals: ['means_named', 'ingested'], risk: 0.8 },
  reason_features: 2,
};
const model = handModel();

describe('combining the learned model with the rules', () => {
  it('lifts a message the rules missed to moderate and names the feature', () => {
    const lift = liftByModel(model, policy, 'rope', 'none');
    expect(lift?.level).toBe('moderate');
    expect(lift?.reasons[0]).toMatch(/^model\.moderate:risk=[01]\.\d\d$/);
    expect(lift?.reasons).toContain('model.feature:w:rope');
  });

  it('lifts to high only when both heads pass their thresholds', () => {
    expect(liftByModel(model, policy, 'rope tonight', 'none')?.level).toBe('high');
    expect(liftByModel(model, policy, 'tonight', 'none')).toBeUndefined();
  });

  it('adds nothing below the thresholds', () => {
    expect(liftByModel(model, policy, 'a walk in the park', 'none')).toBeUndefined();
  });

  it('never lowers or repeats what the rules found', () => {
    expect(liftByModel(model, policy, 'rope', 'moderate')).toBeUndefined();
    expect(liftByModel(model, policy, 'rope tonight', 'imminent')).toBeUndefined();
    expect(liftByModel(model, policy, 'rope tonight', 'moderate')?.level).toBe('high');
  });

  it('leaves a message alone once the rules reached only_below', () => {
    const cautious = { ...policy, only_below: 'moderate' as const };
    expect(liftByModel(model, cautious, 'rope tonight', 'moderate')).toBeUndefined();
    expect(liftByModel(model, cautious, 'rope tonight', 'low')?.level).toBe('high');
  });

  it('stays at or below max_level', () => {
    expect(liftByModel(model, { ...policy, max_level: 'moderate' }, 'rope tonight', 'none')?.level).toBe('moderate');
  });

  it('uses the threshold of the language the screen reads where the policy calibrates one, and the global one elsewhere', () => {
    const calibrated: ModelPolicy = { ...policy, lift: { moderate: { risk: 0.9 } }, language_risk: { en: 0.8 } };
    const scores = { risk: 0.85, escalate: 0 };
    expect(modelLevel(scores, calibrated, 'en')).toBe('moderate');
    expect(modelLevel(scores, calibrated, 'de')).toBe('none');
    expect(modelLevel(scores, calibrated)).toBe('none');
    expect(moderateRisk(calibrated, 'en')).toBe(0.8);
    // After a means named, the middle option's own threshold still rules in that language too.
    const capped = cappedPolicy({ ...calibrated, moderate_only_after: { signals: ['means_named'], risk: 0.93 } });
    expect(modelLevel({ risk: 0.91, escalate: 0 }, capped, 'en')).toBe('none');
    expect(modelLevel({ risk: 0.94, escalate: 0.99 }, capped, 'en')).toBe('moderate');
  });

  it('changes nothing when the policy turns the model off', () => {
    expect(liftByModel(model, { ...policy, mode: 'off' }, 'rope tonight', 'none')).toBeUndefined();
  });

  it('after a means named or something taken, lifts to moderate at most (the middle option), and names itself', () => {
    const loaded = { model, policy, trainedAt: 'test' };
    const lift = (signals: Signal[]) => {
      const hits: Array<{ id: string; level: string; pin: boolean }> = [];
      const level = applyModel(loaded, 'rope tonight', 'none', new Set(signals), hits as never);
      return { level, hits };
    };
    expect(lift([]).level).toBe('high');
    for (const signal of ['means_named', 'ingested'] as const) {
      const capped = lift([signal]);
      expect(capped.level).toBe('moderate');
      expect(capped.hits.map((h) => h.id)).toContain('model.feature:w:rope');
      expect(capped.hits.every((h) => h.level === 'moderate')).toBe(true);
    }
    // A signal the policy defers to still keeps the model out entirely.
    expect(lift(['negated', 'means_named']).level).toBe('none');
    // Its own, stricter threshold: past the moderate lift but short of it, no lift.
    const strict = { model, policy: { ...policy, moderate_only_after: { ...policy.moderate_only_after, risk: 1 } }, trainedAt: 'test' };
    expect(applyModel(strict, 'rope tonight', 'none', new Set<Signal>(['means_named']), [])).toBe('none');
    expect(applyModel(strict, 'rope tonight', 'none', new Set<Signal>(), [])).toBe('high');
  });

  it('finds the risk in a 2,000-character message wherever it sits, and names it from that part', () => {
    // Varied harmless chat, so the filler has many distinct features (as a real long message does).
    const topics = ['the bus was late', 'we watched a film', 'my sister baked bread', 'the match ended two all', 'it rained all day', 'the cat slept on my desk'];
    const filler = (n: number) => Array.from({ length: n }, (_, i) => `${topics[i % topics.length]} on day ${i}`).join(', ');
    const plain = filler(80).slice(0, 2000);
    // A wide hash space, so no filler feature shares the bucket of "rope".
    const wide = handModel(20);
    expect(wide.score(plain).risk).toBeLessThan(0.1);
    for (const at of [0, 1000, 1960]) {
      const text = `${plain.slice(0, at)} rope ${plain.slice(at)}`.slice(0, 2010);
      expect(text.length).toBeGreaterThan(2000);
      // The window holding "rope" scores as a short message would (about 0.9 here); the whole
      // 2,000 characters read as one would dilute it to about 0.6.
      expect(wide.score(text).risk).toBeGreaterThan(0.85);
      const lift = liftByModel(wide, { ...policy, lift: { moderate: { risk: 0.5 } } }, text, 'none');
      expect(lift?.reasons).toContain('model.feature:w:rope');
    }
  });
});

