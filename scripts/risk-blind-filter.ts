/**
 * Keeps the learned model's training corpus away from the blind probe sets (test/risk/blind*):
 * a composed sentence that shares more than half of its character 4-grams with any probe is
 * dropped before training (scripts/train-risk-model.ts), so a figure on a blind set is never a
 * figure on training rows. Probes are read only to build this filter, never printed.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RiskLevel } from '../src/messages.js';
import { normalizeText } from '../src/risk/normalize.js';

/** Every blind probe set; all keep the corpus away from them. */
export const BLIND_DIRS = ['blind', 'blind2', 'blind3', 'blind4', 'blind5', 'blind6'];

export interface BlindProbe { id: string; lang: string; text: string; level: RiskLevel; kind: string; split?: string; set: string }

/** The single-message probes of each blind set present under `riskTestDir` (conversations left out). */
export function readBlindProbes(riskTestDir: string, sets = BLIND_DIRS): BlindProbe[] {
  return sets.filter((set) => existsSync(join(riskTestDir, set))).flatMap((set) => {
    const dir = join(riskTestDir, set);
    return readdirSync(dir).filter((f) => f.endsWith('.jsonl') && f !== 'conversations.jsonl').sort()
      .flatMap((f) => readFileSync(join(dir, f), 'utf8').split('\n').filter((l) => l.trim()))
      .map((line) => ({ ...(JSON.parse(line) as Omit<BlindProbe, 'set'>), set }));
  });
}

/**
 * Every conversation turn of each blind set, as texts for nearBlindFilter: a corpus sentence close to a
 * turn would flatter the conversation figures the same way a close single message flatters the rest.
 */
export function readBlindTurns(riskTestDir: string, sets = BLIND_DIRS): Array<{ text: string; set: string }> {
  return sets.map((set) => ({ set, file: join(riskTestDir, set, 'conversations.jsonl') }))
    .filter(({ file }) => existsSync(file))
    .flatMap(({ set, file }) => readFileSync(file, 'utf8').split('\n').filter((l) => l.trim())
      .flatMap((line) => (JSON.parse(line) as { turns: string[] }).turns.map((text) => ({ text, set }))));
}

/** Character 4-gram shingles of the normalized text (spaces and punctuation removed, so it works for every script). */
function shingles(text: string): Set<string> {
  const t = normalizeText(text).text.replace(/[\s\p{P}]+/gu, '');
  const out = new Set<string>();
  for (let i = 0; i + 4 <= t.length; i++) out.add(t.slice(i, i + 4));
  return out;
}

/** A test of whether a text shares more than half of the shorter one's shingles with some probe. */
export function nearBlindFilter(probes: Array<{ text: string }>): (text: string) => boolean {
  const index = new Map<string, number[]>();
  const sizes = probes.map((b, i) => {
    const s = shingles(b.text);
    for (const g of s) index.set(g, [...(index.get(g) ?? []), i]);
    return s.size;
  });
  return (text) => {
    const s = shingles(text);
    const shared = new Map<number, number>();
    for (const g of s) for (const i of index.get(g) ?? []) shared.set(i, (shared.get(i) ?? 0) + 1);
    for (const [i, k] of shared) if (k / Math.max(1, Math.min(s.size, sizes[i]!)) > 0.5) return true;
    return false;
  };
}
