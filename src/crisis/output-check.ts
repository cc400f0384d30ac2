/**
 * The output check run on every model reply before it is sent (CRISIS.md §1.3, §4;
 * ARCHITECTURE.md §4 step 7). Patterns live in policies/output-check.yaml; numbers are
 * checked against the verified directory, so the model can never show a number we have not
 * verified. On failure the caller sends the locale's fallback_reply and logs the reason codes
 * (never the text).
 */
import { z } from 'zod';
import { riskRank, RISK_LEVELS, type RiskLevel } from '../messages.js';
import type { ResourceDirectory } from './directory.js';
import { loadMeaningCheck, type ReplyContext } from './output-meaning.js';
import { findNumberTokens, normalizeForCheck } from './phone-like.js';
import { policyError, readPolicyYaml } from '../policy/policy-file.js';

const FILE = 'output-check.yaml';
const Level = z.enum(RISK_LEVELS);
const Code = z.string().regex(/^OUTPUT_[A-Z_]+$/, 'expected a reason code such as OUTPUT_METHOD_DETAIL');

export const OutputCheckFile = z.strictObject({
  numbers: z.strictObject({
    code: Code,
    strict_from: Level,
    short_min_digits: z.number().int().min(2),
    always_min_digits: z.number().int().min(3),
    context_window: z.number().int().min(1),
    context_words: z.record(z.string(), z.array(z.string().min(1))),
  }),
  rules: z
    .array(
      z.strictObject({
        id: z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'expected a kebab-case id'),
        code: Code,
        from: Level,
        pattern: z.string().min(1),
        examples: z.strictObject({
          match: z.array(z.string()).min(1, 'give at least one example the pattern must catch'),
          no_match: z.array(z.string()).min(1, 'give at least one example the pattern must let through'),
        }),
      }),
    )
    .min(1),
});
export type OutputCheckFile = z.infer<typeof OutputCheckFile>;

export type OutputVerdict =
  | { ok: true }
  | {
      ok: false;
      /** Reason codes, each once, in rule order: OUTPUT_NUMBER_UNVERIFIED, OUTPUT_METHOD_DETAIL… */
      reasons: string[];
      /** The ids of the rules that fired ("numbers" for the number check), for finer logs. */
      ruleIds: string[];
    };

/**
 * `where` restricts numbers to the person's country: only its lines and emergency numbers (and
 * the global fallback) may appear; an unknown country allows the global fallback only. Without
 * `where`, any verified number passes (template self-checks across every country). `context` is
 * what the person wrote just before: some replies are unsafe only after a question about a way
 * to die (output-meaning.ts).
 */
export type OutputCheck = (text: string, level: RiskLevel, where?: { country: string | undefined }, context?: ReplyContext) => OutputVerdict;

interface CompiledRule {
  id: string;
  code: string;
  from: number;
  regex: RegExp;
}

/** Loads output-check.yaml, compiles and self-tests its rules, and returns the check. Throws POLICY_INVALID. */
export function createOutputCheck(policyDir: string, directory: ResourceDirectory): OutputCheck {
  const policy = readPolicyYaml(policyDir, FILE, OutputCheckFile);
  const rules = compileRules(policy.rules);
  const meaning = loadMeaningCheck(policyDir);
  const verifiedAnywhere = directory.verifiedNumbers();
  const numbers = policy.numbers;
  const strictFrom = riskRank(numbers.strict_from);
  const words = Object.values(numbers.context_words).flat();
  // Latin words need word boundaries ("line" must not fire inside "online"); CJK has no spaces.
  const latin = words.filter((w) => /^[a-z]+$/i.test(w)).map((w) => w.toLowerCase());
  const latinWord = latin.length === 0 ? undefined : new RegExp(`\\b(?:${latin.join('|')})\\b`, 'i');
  const cjk = words.filter((w) => !/^[a-z]+$/i.test(w));

  const nearCallWord = (text: string, start: number, end: number): boolean => {
    const window = text.slice(Math.max(0, start - numbers.context_window), end + numbers.context_window);
    return (latinWord?.test(window) ?? false) || cjk.some((w) => window.includes(w));
  };

  return (text: string, level: RiskLevel, where?: { country: string | undefined }, context?: ReplyContext): OutputVerdict => {
    const normalized = normalizeForCheck(text);
    // "call 911" is wrong in Great Britain even though 911 is a verified number elsewhere.
    const verified = where === undefined ? verifiedAnywhere : directory.numbersFor(where.country);
    const rank = riskRank(level);
    const reasons: string[] = [];
    const ruleIds: string[] = [];
    const fire = (code: string, id: string) => {
      if (!reasons.includes(code)) reasons.push(code);
      ruleIds.push(id);
    };

    for (const token of findNumberTokens(normalized)) {
      if (verified.has(token.text)) continue;
      const phoneLike =
        token.text.startsWith('+') ||
        token.digitCount >= numbers.always_min_digits ||
        (token.digitCount >= numbers.short_min_digits &&
          (rank >= strictFrom || nearCallWord(normalized, token.index, token.index + token.text.length)));
      if (phoneLike) {
        fire(numbers.code, 'numbers');
        break;
      }
    }
    for (const rule of rules) {
      if (rank >= rule.from && rule.regex.test(normalized)) fire(rule.code, rule.id);
    }
    // By meaning, at every level: a reply that describes how to die never reaches anyone.
    for (const hit of meaning(text, context)) fire(hit.code, hit.id);
    return reasons.length === 0 ? { ok: true } : { ok: false, reasons, ruleIds };
  };
}

function compileRules(rules: OutputCheckFile['rules']): CompiledRule[] {
  const ids = new Set<string>();
  return rules.map((rule, i) => {
    const at = `rules[${i}]`;
    if (ids.has(rule.id)) throw policyError(FILE, `${at}.id`, `duplicate id "${rule.id}"`, 'give every rule its own id');
    ids.add(rule.id);
    let regex: RegExp;
    try {
      regex = new RegExp(rule.pattern, 'iu');
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw policyError(FILE, `${at}.pattern`, `rule "${rule.id}" does not compile (${reason})`, 'correct the regular expression; it is compiled with the flags "iu"');
    }
    // Self-test like NeMo's intent examples: a pattern that misses its own examples is a bug.
    rule.examples.match.forEach((example, j) => {
      if (!regex.test(normalizeForCheck(example))) {
        throw policyError(FILE, `${at}.examples.match[${j}]`, `rule "${rule.id}" does not match "${example}"`, 'change the pattern so it catches the example, or correct the example');
      }
    });
    rule.examples.no_match.forEach((example, j) => {
      if (regex.test(normalizeForCheck(example))) {
        throw policyError(FILE, `${at}.examples.no_match[${j}]`, `rule "${rule.id}" matches "${example}", which it must let through`, 'narrow the pattern, or correct the example');
      }
    });
    return { id: rule.id, code: rule.code, from: riskRank(rule.from), regex };
  });
}
