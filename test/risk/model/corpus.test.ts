/**
 * The team-written training corpus: every supported language has every kind of clause, the
 * composition is deterministic, and no composed sentence is a blind probe (test/risk/blind, test/risk/blind2).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CATEGORIES, generateCorpus, loadCorpusParts } from '../../../scripts/risk-corpus.js';
import { normalizeText } from '../../../src/risk/normalize.js';

const LANGUAGES = ['ar', 'de', 'en', 'es', 'fr', 'hi', 'id', 'it', 'ja', 'ko', 'nl', 'pl', 'pt', 'ru', 'tr', 'vi', 'zh'];
const parts = loadCorpusParts();

describe('risk model training corpus', () => {
  it('covers every supported language with every clause category', () => {
    expect(parts.map((p) => p.language)).toEqual(LANGUAGES);
    for (const p of parts) for (const category of Object.keys(CATEGORIES)) expect(p.clauses[category as keyof typeof CATEGORIES].length).toBeGreaterThanOrEqual(2);
  });

  it('composes the same sentences for the same seed and others for another', () => {
    const a = generateCorpus(parts, { seed: 5, scale: 0.05 });
    expect(generateCorpus(parts, { seed: 5, scale: 0.05 })).toEqual(a);
    expect(generateCorpus(parts, { seed: 6, scale: 0.05 }).map((r) => r.text)).not.toEqual(a.map((r) => r.text));
  });

  it('labels a sentence with the highest level among its clauses and keeps harmless categories at none', () => {
    const rows = generateCorpus(parts, { seed: 5, scale: 0.2 });
    for (const r of rows.filter((x) => ['frame', 'lookalike', 'benign'].includes(x.kind))) expect(r.level).toBe('none');
    for (const r of rows.filter((x) => x.group.includes(':imminent:'))) expect(r.level).toBe('imminent');
    expect(new Set(rows.map((r) => r.text)).size).toBe(rows.length);
  });

  it('never produces a sentence of either blind probe set', () => {
    const blind = new Set(['../blind/', '../blind2/'].flatMap((folder) => {
      const dir = fileURLToPath(new URL(folder, import.meta.url));
      return readdirSync(dir).filter((f) => f.endsWith('.jsonl') && f !== 'conversations.jsonl')
        .flatMap((f) => readFileSync(`${dir}${f}`, 'utf8').split('\n').filter(Boolean))
        .map((line) => normalizeText((JSON.parse(line) as { text: string }).text).text);
    }));
    expect(blind.size).toBeGreaterThan(600);
    const clash = generateCorpus(parts, { seed: 11 }).filter((r) => blind.has(normalizeText(r.text).text));
    expect(clash.map((r) => r.text)).toEqual([]);
  });
});
