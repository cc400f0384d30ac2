/**
 * Training is deterministic (same rows and seed, same weights, byte for byte), and what it
 * learns generalizes: clauses held out of training still separate risk from harmless text.
 * Uses a small slice of the team's corpus and a small hash space to stay quick.
 */
import { describe, expect, it } from 'vitest';
import { generateCorpus, loadCorpusParts } from '../../../scripts/risk-corpus.js';
import { normalizeText } from '../../../src/risk/normalize.js';
import { encodeModel } from '../../../src/risk/model/model-file.js';
import { encodeRows, trainModel } from '../../../src/risk/model/train.js';

const parts = loadCorpusParts().filter((p) => ['en', 'es', 'zh'].includes(p.language));
const corpus = generateCorpus(parts, { seed: 3, scale: 0.25 });
const options = { bits: 14, epochs: 3, seed: 42, rate: 0.3, l2: 1e-5 };
// Clauses with an even index train; odd ones are held out (a sentence's group names its main clause).
const heldOut = (group: string) => Number(group.split(':')[2]) % 2 === 1;
const trainRows = corpus.filter((r) => !heldOut(r.group)).map((r) => ({ text: r.text, level: r.level, weight: 1 }));

describe('training the learned risk model', () => {
  it('gives identical weights for the same rows and seed', () => {
    const a = trainModel(encodeRows(trainRows, options.bits), options);
    const b = trainModel(encodeRows(trainRows, options.bits), options);
    expect(encodeModel(b)).toEqual(encodeModel(a));
  });

  it('gives different weights for another seed (the seed really orders the rows)', () => {
    const a = trainModel(encodeRows(trainRows, options.bits), options);
    const b = trainModel(encodeRows(trainRows, options.bits), { ...options, seed: 43 });
    expect(encodeModel(b).heads.risk.weights).not.toEqual(encodeModel(a).heads.risk.weights);
  });

  it('ranks held-out risk sentences above held-out harmless ones', () => {
    const model = trainModel(encodeRows(trainRows, options.bits), options);
    const held = corpus.filter((r) => heldOut(r.group));
    const risk = held.filter((r) => ['moderate', 'high', 'imminent'].includes(r.level));
    const harmless = held.filter((r) => r.level === 'none');
    expect(risk.length).toBeGreaterThan(50);
    expect(harmless.length).toBeGreaterThan(50);
    const mean = (rows: typeof held) => rows.reduce((s, r) => s + model.score(normalizeText(r.text).text).risk, 0) / rows.length;
    expect(mean(risk)).toBeGreaterThan(mean(harmless) + 0.2);
  });
});
