/**
 * The team-written training corpus: every supported language has every kind of clause, the
 * composition is deterministic, and no composed sentence is a blind probe (test/risk/blind, blind2, blind3, blind4).
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { BLIND_DIRS, nearBlindFilter, readBlindProbes } from '../../../scripts/risk-blind-filter.js';
import { CATEGORIES, generateCorpus, loadCorpusParts, OPTIONAL } from '../../../scripts/risk-corpus.js';
import { normalizeText } from '../../../src/risk/normalize.js';

const LANGUAGES = ['ar', 'de', 'en', 'es', 'fr', 'hi', 'id', 'it', 'ja', 'ko', 'nl', 'pl', 'pt', 'ru', 'tr', 'vi', 'zh'];
const parts = loadCorpusParts();

describe('risk model training corpus', () => {
  it('covers every supported language with every clause category', () => {
    expect(parts.map((p) => p.language)).toEqual(LANGUAGES);
    for (const p of parts) {
      for (const category of Object.keys(CATEGORIES) as Array<keyof typeof CATEGORIES>) {
        if (!OPTIONAL.has(category)) expect(p.clauses[category]!.length, `${p.language} ${category}`).toBeGreaterThanOrEqual(2);
      }
    }
  });

  it('composes the same sentences for the same seed and others for another', () => {
    const a = generateCorpus(parts, { seed: 5, scale: 0.05 });
    expect(generateCorpus(parts, { seed: 5, scale: 0.05 })).toEqual(a);
    expect(generateCorpus(parts, { seed: 6, scale: 0.05 }).map((r) => r.text)).not.toEqual(a.map((r) => r.text));
  });

  it('labels a sentence with the highest level among its clauses and keeps harmless categories at none', () => {
    const rows = generateCorpus(parts, { seed: 5, scale: 0.2 });
    for (const r of rows.filter((x) => ['frame', 'lookalike', 'benign'].includes(x.kind))) expect(r.level).toBe('none');
    expect(rows.some((r) => r.group.includes(':means_neutral:'))).toBe(true);
    for (const r of rows.filter((x) => x.group.includes(':imminent:'))) expect(r.level).toBe('imminent');
    expect(new Set(rows.map((r) => r.text)).size).toBe(rows.length);
  });

  it('keeps no sentence of any blind probe set once the training filter has run', () => {
    const probes = readBlindProbes(fileURLToPath(new URL('..', import.meta.url)));
    expect(new Set(probes.map((p) => p.set))).toEqual(new Set(BLIND_DIRS));
    const blind = new Set(probes.map((p) => normalizeText(p.text).text));
    expect(blind.size).toBeGreaterThan(1200);
    const near = nearBlindFilter(probes);
    const composed = generateCorpus(parts, { seed: 11 });
    const exact = composed.filter((r) => blind.has(normalizeText(r.text).text));
    // Short common phrases can coincide with a probe; the filter must drop every one of them.
    for (const r of exact) expect(near(r.text), r.text).toBe(true);
    expect(composed.filter((r) => !near(r.text) && blind.has(normalizeText(r.text).text))).toEqual([]);
    // And it is a filter, not a wall: most of the corpus passes.
    expect(composed.filter((r) => !near(r.text)).length).toBeGreaterThan(0.7 * composed.length);
  });
});
