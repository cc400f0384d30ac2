/**
 * The per-message rule screen: normalize once, route by script to the language packs, run a
 * pack's rules only when its cheap trigger occurs, and report the highest level, the rule ids
 * that fired and the signals found. Synchronous, offline, no allocation beyond the result.
 */
import { maxLevel, riskRank, type RiskLevel } from '../messages.js';
import { normalizeText, type NormalizedText } from './normalize.js';
import type { Signal } from './policy-schema.js';
import { LiteralIndex } from './literal-index.js';
import { wholeMessageFramed } from './grammar.js';
import { framedAt, pastAt, readMeaning, storyAt, type MeaningPolicy } from './meaning.js';
import type { LoadedModel } from './model/load.js';
import { applyModel } from './model/screen-hook.js';
import { ruleMatchAt, type CompiledPack, type CompiledRule } from './rules.js';
import { identifyLatin, type LanguageIdTable } from './language-id.js';

export interface RuleHit {
  id: string;
  level: RiskLevel;
  pin: boolean;
}

/** A rule whose level depends on context (`needs`): resolved against the conversation's signals. */
export interface ConditionalHit {
  rule: CompiledRule;
}

export interface MessageAnalysis {
  /** Highest level among unconditional hits. */
  level: RiskLevel;
  hits: RuleHit[];
  conditional: ConditionalHit[];
  /** Signals of unconditional hits. */
  signals: Set<Signal>;
  /** The language of the strongest hit, else a guess from script and common words. */
  language: string;
  /**
   * How the message stands for the next turns (trajectory.ts framedByEarlierTurn): `story` when it
   * names a fiction or news frame; `own` when the writer speaks of themself now (a first person,
   * a time, a recent past or "again").
   */
  voice?: { story: boolean; own: boolean };
}

/**
 * Where each pack's trigger and each rule stand in the policy's literal index: `-1` means the
 * pattern requires no literal, so it is always checked.
 */
interface ScreenIndex {
  literals: LiteralIndex;
  triggers: number[];
  rules: number[][];
  marks: Uint8Array;
}

const INDEXES = new WeakMap<CompiledPack[], ScreenIndex>();

/**
 * One literal index over every pack's trigger and rules (prefilter.ts), built once per loaded
 * policy. A message is scanned once; a trigger or rule none of whose literals occurs cannot
 * match, so its regex is skipped. This keeps the cost of a message nearly flat in the number of
 * rules.
 */
function indexFor(packs: CompiledPack[]): ScreenIndex {
  const known = INDEXES.get(packs);
  if (known) return known;
  const literals = new LiteralIndex();
  let next = 0;
  const register = (needed: string[] | undefined): number => {
    if (!needed) return -1;
    const id = next++;
    for (const literal of needed) literals.add(literal, id);
    return id;
  };
  const triggers = packs.map((pack) => register(pack.triggerLiterals));
  const rules = packs.map((pack) => pack.rules.map((rule) => register(rule.gate)));
  const index = { literals, triggers, rules, marks: new Uint8Array(next) };
  INDEXES.set(packs, index);
  return index;
}

/**
 * Screens one message on its own (no conversation context). With `meaning` (the concept
 * lexicons and grammar), the message is also read by meaning, phrase rules also see it without
 * filler words, and a phrase rule's match that only speaks inside a frame (the past, fiction,
 * news, an offer of support) is set aside unless it is imminent. `model` is the learned model,
 * when loaded (src/risk/model/).
 */
export function analyzeMessage(packs: CompiledPack[], raw: string, meaning?: MeaningPolicy, model?: LoadedModel): MessageAnalysis {
  const normalized = normalizeText(raw);
  const reading = meaning ? readMeaning(meaning, normalized.text) : undefined;
  // The text the concepts were read in comes first: a frame can only set aside a match found
  // there (framedAt), and "at fifteen I honestly wanted to die, now I'm fine" must be framed
  // whether or not it has a filler word.
  const forms = reading?.defillered ? [reading.defillered, normalized.text, ...normalized.variants] : [normalized.text, ...normalized.variants];
  const hits: RuleHit[] = [];
  const conditional: ConditionalHit[] = [];
  const signals = new Set<Signal>();
  let level: RiskLevel = 'none';
  let topLanguage: string | undefined;
  // Only a finding above none names the language: a bare means word is weak evidence and collides
  // across packs once accents are stripped ("day" is Vietnamese for rope), which sent an English
  // reader Vietnamese text.
  let topRank = 0;

  // The marks buffer is shared: the screen is synchronous, so one message at a time uses it.
  const index = indexFor(packs);
  const marks = index.marks;
  marks.fill(0);
  for (const form of forms) index.literals.scan(form, marks);
  const present = (id: number) => id < 0 || marks[id] === 1;

  for (const [p, pack] of packs.entries()) {
    if (!routes(pack, normalized)) continue;
    // The trigger's stems are checked as plain text (a superset of the trigger regex); only a
    // trigger the index cannot read runs as a regex.
    const trigger = index.triggers[p]!;
    if (trigger >= 0 ? marks[trigger] !== 1 : !forms.some((f) => pack.trigger.test(f))) continue;
    const ruleIds = index.rules[p]!;
    for (const [r, rule] of pack.rules.entries()) {
      if (!present(ruleIds[r]!)) continue;
      let at = -1;
      let form = '';
      for (const f of forms) {
        at = ruleMatchAt(rule, f, true);
        if (at >= 0) {
          form = f;
          break;
        }
      }
      if (at < 0) continue;
      if (reading && rule.level !== 'imminent' && framedAt(reading, rule.language, form, at)) continue;
      // Even an imminent phrase ("a farewell letter") is set aside in a sentence that tells a
      // story or a report about someone else with no first person in it.
      if (reading && rule.level === 'imminent' && storyAt(reading, form, at)) continue;
      // And one told in the past with nothing present in its clause ("ten years ago I swallowed
      // a bottle of pills"): history, not an attempt now.
      if (reading && rule.level === 'imminent' && pastAt(reading, form, at)) continue;
      // A goodbye with a planned return ("adiós a todos, nos vemos el lunes") is not a farewell:
      // like an `unless_message`, the farewell rule does not match it; nothing found is lowered.
      if (reading?.grammar.returning && rule.category === 'farewell') continue;
      if (rule.needs) {
        // Its signals count only once its needs are met (trajectory.ts), never to satisfy itself.
        conditional.push({ rule });
        continue;
      }
      for (const s of rule.signals) signals.add(s);
      hits.push({ id: rule.id, level: rule.level, pin: rule.pin });
      level = maxLevel(level, rule.level);
      if (riskRank(rule.level) > topRank) {
        topRank = riskRank(rule.level);
        topLanguage = rule.language;
      }
    }
  }
  if (reading) {
    // The grammar speaks where the phrase rules are silent or lower: a finding at or below what
    // the phrase rules already say (counting what a context-dependent rule says without its
    // context) adds nothing, so its signals cannot lend context to those same words.
    let phraseLevel = level;
    for (const { rule } of conditional) phraseLevel = maxLevel(phraseLevel, rule.otherwise);
    for (const g of reading.grammar.hits) {
      if (riskRank(g.level) > 0 && riskRank(g.level) <= riskRank(phraseLevel)) continue;
      for (const s of g.signals) signals.add(s);
      hits.push({ id: g.id, level: g.level, pin: false });
      level = maxLevel(level, g.level);
      if (riskRank(g.level) > topRank && g.language !== 'xx') {
        topRank = riskRank(g.level);
        topLanguage = g.language;
      }
    }
  }
  // The learned model may raise the level, never lower it (src/risk/model/screen-hook.ts).
  // Not for a message framed as a whole (an offer of support, a report, a story): the frame is
  // the rules' evidence that the words are not the writer's own risk.
  const language = topLanguage ?? guessLanguage(packs, normalized, raw, meaning?.languageId);
  if (model && !(reading && wholeMessageFramed(reading.grammar))) level = applyModel(model, normalized.text, level, signals, hits, language);
  const analysis: MessageAnalysis = { level, hits, conditional, signals, language };
  if (reading) analysis.voice = reading.grammar.voice;
  return analysis;
}

function routes(pack: CompiledPack, n: NormalizedText): boolean {
  switch (pack.script) {
    case 'latin': return n.hasLatin;
    case 'han': return n.hasHan;
    case 'kana': return n.hasKana;
    case 'cyrillic': return n.hasCyrillic;
    case 'arabic': return n.hasArabic;
    case 'hangul': return n.hasHangul;
    case 'devanagari': return n.hasDevanagari;
  }
}

const SCRIPT_ORDER: Array<[keyof NormalizedText, CompiledPack['script']]> = [
  ['hasKana', 'kana'],
  ['hasHangul', 'hangul'],
  ['hasArabic', 'arabic'],
  ['hasDevanagari', 'devanagari'],
  ['hasCyrillic', 'cyrillic'],
];

/**
 * Script first (kana → ja, Hangul → ko, Cyrillic → ru, Han → zh, ...); for Latin text, the
 * language-identification table (language-id.ts) when the policy has one, else the pack whose
 * common words occur most.
 */
export function guessLanguage(packs: CompiledPack[], n: NormalizedText, raw?: string, table?: LanguageIdTable): string {
  for (const [flag, script] of SCRIPT_ORDER) {
    if (!n[flag]) continue;
    const pack = packs.find((p) => p.script === script);
    if (pack && !(script === 'cyrillic' && /[a-z]{3}/.test(n.text) && !/[\u0400-\u04FF]{3}/u.test(n.text))) return pack.language;
  }
  if (n.hasKana) return 'ja';
  if (n.hasHan && !/[a-z]{3}/.test(n.text)) return packs.find((p) => p.script === 'han')?.language ?? 'zh';
  if (table && raw !== undefined) return identifyLatin(table, raw) ?? table.fallback;
  let best = 'en';
  let bestCount = 0;
  for (const pack of packs) {
    if (pack.script !== 'latin' || !pack.markers) continue;
    pack.markers.lastIndex = 0;
    const count = n.text.match(pack.markers)?.length ?? 0;
    if (count > bestCount) {
      best = pack.language;
      bestCount = count;
    }
  }
  return best;
}
