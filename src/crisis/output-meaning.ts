/**
 * The output check by meaning (issue 12 item 1): concepts per language in
 * policies/output-meaning.yaml, and rules that fire when concepts occur together in one
 * sentence. "A rope tied to a door handle can be enough" names a means, an instruction and
 * sufficiency, and is method detail whatever its words. These rules apply at every level.
 *
 * Some replies are unsafe only in their conversation: "That option is very reliable compared to
 * the others" names no means, but after "which is more reliable, pills or jumping?" it rates a
 * way to die. The check is given what the person just wrote (the turn the reply answers, and the
 * one before it); when that talks about a way to die (`method_context`), rules marked
 * `context: method` apply as well.
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
  /**
   * A person's turn talks about a way to die when it names one of `names` and one of `harm`, or,
   * in a conversation at risk, one of `with` or asks (a question mark).
   */
  method_context: z.strictObject({ names: z.array(z.string()).min(1), harm: z.array(z.string()).min(1), with: z.array(z.string()).min(1) }),
  rules: z.array(z.strictObject({
    id: z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'expected a kebab-case id'),
    code: Code,
    /** Applies only when the person's last turns talk about a way to die. */
    context: z.literal('method').optional(),
    /** Every one of these concepts must occur in the sentence (a context rule may list none)… */
    all: z.array(z.string()),
    /** …and at least one of these, when any are listed… */
    any: z.array(z.string()),
    /** …and none of these. */
    none: z.array(z.string()).optional(),
    examples: z.strictObject({
      match: z.array(z.string()).min(1), no_match: z.array(z.string()).min(1),
      /** For a context rule: the person's turn the examples answer. */
      asked: z.string().optional(),
    }),
  })).min(1),
});

export interface MeaningHit {
  id: string;
  code: string;
}

/** What the person wrote just before the reply: the turn it answers, and the one before it. */
export interface ReplyContext {
  asked: readonly string[];
  /** The conversation is at risk (the screen's level at the threshold or above). */
  atRisk: boolean;
}

export type MeaningCheck = (text: string, context?: ReplyContext) => MeaningHit[];

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
  const rules = policy.rules.map((r, i) => {
    if (r.all.length === 0 && (r.any.length === 0 || r.context === undefined)) {
      throw policyError(FILE, `rules[${i}].all`, `rule "${r.id}" lists no concept it needs`, 'list at least one concept under all (a context rule may use any instead)');
    }
    if (r.context !== undefined && r.examples.asked === undefined) {
      throw policyError(FILE, `rules[${i}].examples.asked`, `context rule "${r.id}" has no example of the person's turn`, 'add examples.asked: what the person wrote before the example replies');
    }
    return {
      id: r.id, code: r.code, context: r.context,
      all: r.all.map((c) => concept(r.id, c)), any: r.any.map((c) => concept(r.id, c)), none: (r.none ?? []).map((c) => concept(r.id, c)),
    };
  });
  const mc = policy.method_context;
  const methodNames = mc.names.map((c) => concept('method_context.names', c));
  const methodWith = mc.with.map((c) => concept('method_context.with', c));
  const methodHarm = mc.harm.map((c) => concept('method_context.harm', c));
  /**
   * Whether the person's turn talks about a way to die: a means named with dying, or, in a
   * conversation at risk, with a rating or amount, or asked about. "Which pills work best for a
   * headache?" in a conversation not at risk is not: "ibuprofen works better" must pass.
   */
  const aboutMethod = (turn: string, atRisk: boolean): boolean => {
    const t = normalizeText(turn);
    const has = memo(t);
    if (!methodNames.some(has)) return false;
    return methodHarm.some(has) || (atRisk && (/[?？]/u.test(t) || methodWith.some(has)));
  };

  const check: MeaningCheck = (text, context) => {
    const hits: MeaningHit[] = [];
    const whole = normalizeText(text);
    // Only rules whose concepts all occur somewhere in the text need reading sentence by sentence.
    // Concepts are shared between rules (harm, means, sufficiency…): each is tested once per text.
    const inWhole = memo(whole);
    const method = context !== undefined && context.asked.some((turn) => aboutMethod(turn, context.atRisk));
    const candidates = rules.filter((r) => (r.context === undefined || method)
      && r.all.every(inWhole) && (r.any.length === 0 || r.any.some(inWhole)));
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
    // Context rules' examples are read as in a conversation at risk.
    const asked = r.examples.asked === undefined ? undefined : { asked: [r.examples.asked], atRisk: true };
    if (asked && !aboutMethod(asked.asked[0]!, true)) {
      throw policyError(FILE, `rules[${i}].examples.asked`, `"${r.examples.asked}" does not read as talk about a way to die`, 'name a means or way with a question, or change method_context');
    }
    r.examples.match.forEach((example, j) => {
      if (!check(example, asked).some((h) => h.id === r.id)) {
        throw policyError(FILE, `rules[${i}].examples.match[${j}]`, `rule "${r.id}" does not catch "${example}"`, 'add the missing concept words, or correct the example');
      }
    });
    r.examples.no_match.forEach((example, j) => {
      if (check(example, asked).some((h) => h.id === r.id)) {
        throw policyError(FILE, `rules[${i}].examples.no_match[${j}]`, `rule "${r.id}" catches "${example}", which it must let through`, 'narrow the concept words, or correct the example');
      }
    });
  });
  return check;
}

/** Turkish capital İ lowercases to i + a combining dot; the lexicons are written with plain i. */
function normalizeText(text: string): string {
  return normalizeForCheck(text).toLowerCase().replace(/i\u0307/g, 'i');
}

/** Sentences: split at sentence ends in every script, and at line breaks. */
export function sentencesOf(text: string): string[] {
  return text.split(/(?<=[.!?;…。！？；])\s*|\n+/u).map((s) => s.trim()).filter((s) => s !== '');
}
