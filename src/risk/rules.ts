/**
 * Compiled detection rules and the matching of one rule against normalized text. A rule's
 * phrases and regexes become one global regex; `unless` is checked in the sentence around each
 * match (clause = text between . ! ? ; , and their CJK forms), so "I would never kill myself.
 * But lately I want to die" still matches the second clause while the negation cancels the first.
 */
import type { RiskLevel } from '../messages.js';
import { normalizePatternSource, normalizeText } from './normalize.js';
import { requiredLiterals } from './prefilter.js';
import type { DetectionRule, LanguageFile, Pattern, Signal } from './policy-schema.js';

export interface CompiledRule {
  id: string;
  language: string;
  level: RiskLevel;
  category: Signal;
  pin: boolean;
  match: RegExp;
  /**
   * Literals one of which every match contains (prefilter.ts); undefined when none is required.
   * Plain strings, not a regex: V8 stops optimising new regexps once a process has compiled
   * about 1 MB of regexp code, so the screen compiles no more regexps than it must.
   */
  gate: string[] | undefined;
  unless: RegExp | undefined;
  unlessMessage: RegExp | undefined;
  needs: Signal[] | undefined;
  otherwise: RiskLevel;
  /** Category plus declared signals. */
  signals: Signal[];
  examples: { match: string[]; no_match: string[] };
}

export interface CompiledPack {
  language: string;
  script: LanguageFile['script'];
  trigger: RegExp;
  /** Plain-text stems one of which the trigger needs; undefined when they cannot be derived. */
  triggerLiterals: string[] | undefined;
  markers: RegExp | undefined;
  rules: CompiledRule[];
}

/** Thrown by compile steps; the loader adds the file name and turns it into POLICY_INVALID. */
export class PatternError extends Error {
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(message);
  }
}

const ESCAPE = /[.*+?^${}()|[\]\\]/g;

/** Gate literals may be as short as two letters ("od"): the index looks them up by two units. */
const GATE_WEIGHT = 2;

/**
 * Whether a pack's rules may run on `text`: one of its trigger stems occurs, checked as plain
 * text (a superset of the trigger regex, so nothing the regex lets through is lost).
 */
export function triggerPasses(pack: CompiledPack, text: string): boolean {
  return pack.triggerLiterals ? pack.triggerLiterals.some((l) => text.includes(l)) : pack.trigger.test(text);
}

/** Latin phrases are bounded by non-letters; CJK phrases are not (no spaces between words). */
function phraseSource(phrase: string, foldChinese: boolean): string {
  const normalized = foldChinese
    ? normalizeText(phrase).text
    : normalizePatternSource(phrase, { foldChinese }).toLowerCase().replace(/\s+/g, ' ').trim();
  const body = normalized
    .split(' ')
    .map((w) => w.replace(ESCAPE, '\\$&'))
    .join('\\s?');
  return /^[a-z0-9]/.test(normalized) || /[a-z0-9]$/.test(normalized)
    ? `(?<![a-z0-9])${body}(?![a-z0-9])`
    : body;
}

/** Lower-case only: the screen lowercases text, so an upper-case literal could never match. */
function checkLowerCase(source: string, path: string): void {
  const literal = source.replace(/\\[pP]\{[^}]*\}/g, '').replace(/\\[A-Za-z]/g, '');
  if (/[A-Z]/.test(literal)) {
    throw new PatternError(path, `has upper-case letters; write patterns in lower case (messages are lower-cased before matching)`);
  }
}

/** Compiles phrases and regexes into one global regex. `foldChinese` is false for Japanese packs. */
export function compilePattern(pattern: Pattern, path: string, foldChinese = true): RegExp {
  const parts: string[] = [];
  (pattern.phrases ?? []).forEach((p) => parts.push(phraseSource(p, foldChinese)));
  (pattern.regex ?? []).forEach((r, i) => {
    const source = normalizePatternSource(r, { foldChinese });
    checkLowerCase(source, `${path}.regex.${i}`);
    try {
      new RegExp(source, 'u');
    } catch (error) {
      throw new PatternError(`${path}.regex.${i}`, `is not a valid regular expression (${(error as Error).message})`);
    }
    parts.push(source);
  });
  const source = parts.map((p) => `(?:${p})`).join('|');
  return new RegExp(source, NEEDS_UNICODE.test(source) ? 'gu' : 'g');
}

/**
 * Patterns are compiled without the `u` flag unless they use a Unicode-only feature (\p{..},
 * \u{..}, a character outside the Basic Multilingual Plane). In `u` mode every gap such as
 * [^.!?]{0,40} compiles to surrogate-aware code several times larger, and V8 stops optimising
 * new regexps once a process has generated about 1 MB of regexp code (TooMuchRegExpCode in
 * V8's regexp.cc), so smaller code keeps every rule optimised. Matching is the same for the
 * normalized text: no pattern here depends on code points beyond the BMP.
 */
const NEEDS_UNICODE = /\\[pPu]\{|[\u{10000}-\u{10FFFF}]/u;

export function compileRule(rule: DetectionRule, path: string, foldChinese = true): CompiledRule {
  const signals = [rule.category, ...rule.signals.filter((s) => s !== rule.category)];
  const match = compilePattern(rule.match, `${path}.match`, foldChinese);
  return {
    id: rule.id,
    language: rule.language,
    level: rule.level,
    category: rule.category,
    pin: rule.pin,
    match,
    gate: requiredLiterals(match.source, GATE_WEIGHT),
    unless: rule.unless ? compilePattern(rule.unless, `${path}.unless`, foldChinese) : undefined,
    unlessMessage: rule.unless_message
      ? compilePattern(rule.unless_message, `${path}.unless_message`, foldChinese)
      : undefined,
    needs: rule.needs,
    otherwise: rule.otherwise,
    signals,
    examples: rule.examples,
  };
}

export function compilePack(file: LanguageFile): CompiledPack {
  const fold = file.script !== 'kana';
  const trigger = compilePattern({ regex: file.trigger }, 'trigger', fold);
  trigger.lastIndex = 0;
  const markers = file.markers.length
    ? new RegExp(`(?<![a-z])(?:${file.markers.map((m) => normalizeText(m).text.replace(ESCAPE, '\\$&')).join('|')})(?![a-z])`, 'gu')
    : undefined;
  return {
    language: file.language,
    script: file.script,
    // The trigger only gates, so it needs no global state.
    trigger: new RegExp(trigger.source, 'u'),
    triggerLiterals: requiredLiterals(trigger.source, GATE_WEIGHT),
    markers,
    rules: file.rules.map((r, i) => compileRule(r, `rules.${i} (${r.id})`, fold)),
  };
}

/** Clause ends: exclusions apply per clause ("she left me, I want to die" is not about "she"). */
const SENTENCE_END = /[.!?;,\n。！？；，…؟،।]/;

function sentenceAround(text: string, start: number, end: number): string {
  let from = start;
  while (from > 0 && !SENTENCE_END.test(text[from - 1]!)) from--;
  let to = end;
  while (to < text.length && !SENTENCE_END.test(text[to]!)) to++;
  return text.slice(from, to);
}

function test(regex: RegExp, text: string): boolean {
  regex.lastIndex = 0;
  return regex.test(text);
}

/**
 * True when the rule matches `text` (already normalized) and no exclusion cancels every match.
 * `prechecked`: the caller already knows one of the rule's required literals occurs (screen.ts
 * scans for all rules at once), so the rule's own pre-check is skipped.
 */
export function ruleMatches(rule: CompiledRule, text: string, prechecked = false): boolean {
  return ruleMatchAt(rule, text, prechecked) >= 0;
}

/** Like ruleMatches, but returns where the first uncancelled match starts (-1: no match). */
export function ruleMatchAt(rule: CompiledRule, text: string, prechecked = false): number {
  // Most messages contain none of the literals a rule needs: skip its full regex.
  if (!prechecked && rule.gate && !rule.gate.some((l) => text.includes(l))) return -1;
  const re = rule.match;
  re.lastIndex = 0;
  for (let guard = 0; guard < 16; guard++) {
    const m = re.exec(text);
    if (!m) return -1;
    // Exclusions run only after a match: most messages match nothing, so this is the cheap order.
    if (guard === 0 && rule.unlessMessage && test(rule.unlessMessage, text)) return -1;
    if (!rule.unless || !test(rule.unless, sentenceAround(text, m.index, m.index + m[0].length))) return m.index;
    if (m[0].length === 0) re.lastIndex++;
  }
  return -1;
}
