/**
 * The output check by meaning (issue 12 item 1): concepts per language in
 * policies/output-meaning.yaml, and rules that fire when concepts occur together in one
 * sentence. "A rope tied to a door handle can be enough" names a means, an instruction and
 * sufficiency, and is method detail whatever its words. These rules apply at every level.
 */
import { z } from 'zod';
import { policyError, readPolicyYaml } from '../policy/policy-file.js';
import { normalizeForCheck } from './phone-like.js';

const FILE = 'output-meaning.yaml';
const Lang = z.string().regex(/^[a-z]{2,3}$/, 'expected a language code such as en');
const Code = z.string().regex(/^OUTPUT_[A-Z_]+$/, 'expected a reason code such as OUTPUT_METHOD_DETAIL');

export const OutputMeaningFile = z.strictObject({
  unspaced: z.array(Lang),
  concepts: z.record(z.string().regex(/^[a-z_]+$/), z.record(Lang, z.array(z.string().min(1)).min(1))),
  rules: z.array(z.strictObject({
    id: z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'expected a kebab-case id'),
    code: Code,
    /** Every one of these concepts must occur in the sentence… */
    all: z.array(z.string()).min(1),
    /** …and at least one of these, when any are listed… */
    any: z.array(z.string()),
    /** …and none of these. */
    none: z.array(z.string()).optional(),
    examples: z.strictObject({ match: z.array(z.string()).min(1), no_match: z.array(z.string()).min(1) }),
  })).min(1),
});

export interface MeaningHit {
  id: string;
  code: string;
}

export type MeaningCheck = (text: string) => MeaningHit[];

interface Concept {
  test(text: string): boolean;
}

const UNSPACED_SCRIPT = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\p{Script=Arabic}\p{Script=Devanagari}]/u;

/** Loads and compiles output-meaning.yaml, runs every rule's examples; throws POLICY_INVALID. */
export function loadMeaningCheck(policyDir: string): MeaningCheck {
  const policy = readPolicyYaml(policyDir, FILE, OutputMeaningFile);
  const concepts = new Map<string, Concept>();
  for (const [name, byLang] of Object.entries(policy.concepts)) {
    const spaced: string[] = [];
    const unspaced: string[] = [];
    for (const [lang, entries] of Object.entries(byLang)) {
      entries.forEach((entry, i) => {
        try {
          new RegExp(entry, 'iu');
        } catch (error) {
          throw policyError(FILE, `concepts.${name}.${lang}[${i}]`, `"${entry}" does not compile (${(error as Error).message})`, 'correct the regular expression');
        }
      });
      (policy.unspaced.includes(lang) ? unspaced : spaced).push(...entries);
    }
    // One word-start boundary for all spaced languages ("pill" must not fire inside "spill"),
    // none for Chinese and Japanese, which write without spaces (and are tried only on such text).
    const wordStart = spaced.length === 0 ? undefined : new RegExp(`(?<![\\p{L}\\p{N}])(?:${spaced.join('|')})`, 'iu');
    const anywhere = unspaced.length === 0 ? undefined : new RegExp(`(?:${unspaced.join('|')})`, 'iu');
    concepts.set(name, {
      test: (text: string) => (wordStart?.test(text) ?? false) || (anywhere !== undefined && UNSPACED_SCRIPT.test(text) && anywhere.test(text)),
    });
  }
  const concept = (rule: string, name: string): Concept => {
    const found = concepts.get(name);
    if (found === undefined) throw policyError(FILE, `rules.${rule}`, `unknown concept "${name}"`, `use one of: ${[...concepts.keys()].join(', ')}`);
    return found;
  };
  const rules = policy.rules.map((r) => ({
    id: r.id, code: r.code,
    all: r.all.map((c) => concept(r.id, c)), any: r.any.map((c) => concept(r.id, c)), none: (r.none ?? []).map((c) => concept(r.id, c)),
  }));

  const check: MeaningCheck = (text) => {
    const hits: MeaningHit[] = [];
    // Turkish capital İ lowercases to i + a combining dot; the lexicons are written with plain i.
    const whole = normalizeForCheck(text).toLowerCase().replace(/i\u0307/g, 'i');
    // Only rules whose concepts all occur somewhere in the text need reading sentence by sentence.
    // Concepts are shared between rules (harm, means, sufficiency…): each is tested once per text.
    const inWhole = memo(whole);
    const candidates = rules.filter((r) => r.all.every(inWhole) && (r.any.length === 0 || r.any.some(inWhole)));
    if (candidates.length === 0) return hits;
    for (const sentence of sentencesOf(whole)) {
      const has = memo(sentence);
      for (const r of candidates) {
        if (hits.some((h) => h.id === r.id)) continue;
        if (!r.all.every(has)) continue;
        if (r.any.length > 0 && !r.any.some(has)) continue;
        if (r.none.some(has)) continue;
        hits.push({ id: r.id, code: r.code });
      }
    }
    return hits;
  };

  /** Whether a concept occurs in `text`, each concept tested at most once. */
  function memo(text: string): (c: Concept) => boolean {
    const seen = new Map<Concept, boolean>();
    return (c) => {
      let found = seen.get(c);
      if (found === undefined) seen.set(c, (found = c.test(text)));
      return found;
    };
  }

  policy.rules.forEach((r, i) => {
    r.examples.match.forEach((example, j) => {
      if (!check(example).some((h) => h.id === r.id)) {
        throw policyError(FILE, `rules[${i}].examples.match[${j}]`, `rule "${r.id}" does not catch "${example}"`, 'add the missing concept words, or correct the example');
      }
    });
    r.examples.no_match.forEach((example, j) => {
      if (check(example).some((h) => h.id === r.id)) {
        throw policyError(FILE, `rules[${i}].examples.no_match[${j}]`, `rule "${r.id}" catches "${example}", which it must let through`, 'narrow the concept words, or correct the example');
      }
    });
  });
  return check;
}

/** Sentences: split at sentence ends in every script, and at line breaks. */
export function sentencesOf(text: string): string[] {
  return text.split(/(?<=[.!?;…。！？；])\s*|\n+/u).map((s) => s.trim()).filter((s) => s !== '');
}
