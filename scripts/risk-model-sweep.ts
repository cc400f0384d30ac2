/**
 * Threshold choice for the learned risk model, from out-of-fold scores only (every row scored by
 * a model trained without its fold; scripts/train-risk-model.ts). For each threshold it prints
 * what the screen would do, the rules and the model combined as policy.yaml combines them, and
 * the model alone, per head: the risk head's moderate lift (resources) and the escalate head's
 * high lift (moderators). Blind probe sets never enter here.
 */
import { maxLevel, riskRank, type RiskLevel } from '../src/messages.js';
import { cappedPolicy, modelLevel } from '../src/risk/model/combine.js';
import type { ModelPolicy } from '../src/risk/model/model-file.js';
import type { ModelScores } from '../src/risk/model/risk-model.js';

export interface OutOfFold {
  level: RiskLevel;
  kind: string;
  lang: string;
  source: 'dev' | 'corpus';
  /** The model's scores, trained without this row's fold. */
  scores: ModelScores;
  /** The rules' level for this message alone (screen + trajectory, no model). */
  rules: RiskLevel;
  /** Whether the policy lets the model act on it: rules below `only_below` and no deferred signal. */
  eligible: boolean;
  /** Whether the rules found a signal after which the model lifts to moderate at most (`moderate_only_after`). */
  capped: boolean;
  /** The language the screen reads the message in (policy.yaml `language_risk` is keyed by it). */
  screenLang: string;
}

/** The screen's level with the model under `policy`: the model only raises an eligible message's level. */
export function combined(row: OutOfFold, policy: ModelPolicy): RiskLevel {
  if (policy.mode === 'off' || !row.eligible) return row.rules;
  return maxLevel(row.rules, modelLevel(row.scores, row.capped ? cappedPolicy(policy) : policy, row.screenLang));
}

interface Counts { tp: number; fp: number; pos: number; neg: number; negHit: number; look: number; lookHit: number }

/** Recall, precision and false-positive counts at cut `cut` (2: resources, 3: moderators). */
function counts(rows: OutOfFold[], predicted: (r: OutOfFold) => RiskLevel, cut: number): Counts {
  const c: Counts = { tp: 0, fp: 0, pos: 0, neg: 0, negHit: 0, look: 0, lookHit: 0 };
  for (const r of rows) {
    const gold = riskRank(r.level) >= cut;
    const hit = riskRank(predicted(r)) >= cut;
    if (gold) c.pos++;
    if (gold && hit) c.tp++;
    if (!gold && hit) c.fp++;
    if (r.level === 'none') {
      c.neg++;
      // A false positive as the eval counts it: a harmless message shown resources (moderate+).
      if (riskRank(predicted(r)) >= 2) c.negHit++;
      if (r.kind === 'lookalike') {
        c.look++;
        if (riskRank(predicted(r)) >= 2) c.lookHit++;
      }
    }
  }
  return c;
}

const pct = (k: number, n: number) => (n ? `${((100 * k) / n).toFixed(1)}%` : '-');

/** `recall precision fp` for one subset, as fixed-width text. */
export function cell(rows: OutOfFold[], predicted: (r: OutOfFold) => RiskLevel, cut: number): string {
  const c = counts(rows, predicted, cut);
  return `${pct(c.tp, c.pos).padStart(6)} ${pct(c.tp, c.tp + c.fp).padStart(6)} ${pct(c.negHit, c.neg).padStart(6)}`;
}

/** The policy with its moderate lift at `t` in every language, or its high lift at (`t`, `t`). */
export function at(policy: ModelPolicy, head: 'risk' | 'escalate', t: number): ModelPolicy {
  if (head === 'risk') {
    const { language_risk: _perLanguage, ...global } = policy;
    return { ...global, lift: { ...policy.lift, moderate: { risk: t } } };
  }
  return { ...policy, lift: { ...policy.lift, high: { risk: t, escalate: t } } };
}

/**
 * Per-language calibration (policy.yaml `language_risk`): for each language the screen reads,
 * the model alone's resources recall and false positives out of fold at each moderate-lift
 * threshold, on the held-out corpus clauses and on dev. The rule for choosing (policy.yaml
 * says it): the lowest threshold where that language's corpus false positives stay at or under
 * 1% and its dev false positives at or under 0.2%.
 */
export function languageSweep(rows: OutOfFold[], policy: ModelPolicy, thresholds: number[]): string {
  const languages = [...new Set(rows.map((r) => r.screenLang))].sort();
  const lines = [
    'per-language moderate lift, model alone, out of fold: resources recall / FP on held-out corpus clauses | FP on dev (rows by the screen\'s language)',
    `${'lang'.padEnd(6)}${'n'.padStart(6)}  ${thresholds.map((t) => t.toFixed(2).padEnd(22)).join('')}`,
  ];
  for (const lang of languages) {
    const corpus = rows.filter((r) => r.source === 'corpus' && r.screenLang === lang);
    const dev = rows.filter((r) => r.source === 'dev' && r.screenLang === lang);
    const cells = thresholds.map((t) => {
      const p = at(policy, 'risk', t);
      const alone = (r: OutOfFold) => modelLevel(r.scores, p);
      const c = counts(corpus, alone, 2);
      const d = counts(dev, alone, 2);
      return `${pct(c.tp, c.pos)}/${pct(c.negHit, c.neg)}|${pct(d.negHit, d.neg)}`.padEnd(22);
    });
    lines.push(`${lang.padEnd(6)}${String(corpus.length + dev.length).padStart(6)}  ${cells.join('')}`);
  }
  return lines.join('\n');
}

/** The sweep table for one head over `thresholds`, on the out-of-fold corpus and dev rows. */
export function sweepTable(rows: OutOfFold[], policy: ModelPolicy, head: 'risk' | 'escalate', thresholds: number[]): string {
  const cut = head === 'risk' ? 2 : 3;
  const corpus = rows.filter((r) => r.source === 'corpus');
  const dev = rows.filter((r) => r.source === 'dev');
  const what = head === 'risk' ? 'risk head: moderate lift at risk >= t (resources)' : 'escalate head: high lift at risk >= t and escalate >= t (moderators)';
  const lines = [
    what,
    `${'t'.padEnd(8)}${'corpus, rules + model'.padEnd(23)}${'corpus, model alone'.padEnd(23)}${'dev, rules + model'.padEnd(23)}dev, model alone`,
    `${''.padEnd(8)}${'recall   prec     FP   '.repeat(4)}`,
    `${'rules'.padEnd(8)}${cell(corpus, (r) => r.rules, cut).padEnd(23)}${''.padEnd(23)}${cell(dev, (r) => r.rules, cut)}`,
  ];
  for (const t of thresholds) {
    const p = at(policy, head, t);
    const alone = (r: OutOfFold) => modelLevel(r.scores, p);
    lines.push(`${t.toFixed(2).padEnd(8)}${cell(corpus, (r) => combined(r, p), cut).padEnd(23)}${cell(corpus, alone, cut).padEnd(23)}${cell(dev, (r) => combined(r, p), cut).padEnd(23)}${cell(dev, alone, cut)}`);
  }
  return lines.join('\n');
}

/** Per language (corpus held-out clauses) at `policy`'s thresholds: both heads, rules alone and with the model. */
export function languageTable(rows: OutOfFold[], policy: ModelPolicy, languages: string[]): string {
  const lines = [
    `${'corpus'.padEnd(8)}${'resources: rules'.padEnd(23)}${'resources: + model'.padEnd(23)}${'moderators: rules'.padEnd(23)}moderators: + model`,
    `${''.padEnd(8)}${'recall   prec     FP   '.repeat(4)}`,
  ];
  for (const lang of languages) {
    const xs = rows.filter((r) => r.source === 'corpus' && r.lang === lang);
    const both = (r: OutOfFold) => combined(r, policy);
    lines.push(`${lang.padEnd(8)}${cell(xs, (r) => r.rules, 2).padEnd(23)}${cell(xs, both, 2).padEnd(23)}${cell(xs, (r) => r.rules, 3).padEnd(23)}${cell(xs, both, 3)}`);
  }
  return lines.join('\n');
}

/**
 * The middle option (`moderate_only_after`): on the rows where the rules found one of its
 * signals and the model may act, resources with the model lifting to moderate at risk >= t.
 */
export function cappedTable(rows: OutOfFold[], policy: ModelPolicy, thresholds: number[]): string {
  const capped = rows.filter((r) => r.capped && r.eligible);
  const corpus = capped.filter((r) => r.source === 'corpus');
  const dev = capped.filter((r) => r.source === 'dev');
  const lines = [
    `middle option: rows where the rules found ${policy.moderate_only_after.signals.join(' or ')} (corpus ${corpus.length}, dev ${dev.length}); model lifts to moderate at risk >= t`,
    `${'t'.padEnd(8)}${'corpus, rules + model'.padEnd(23)}dev, rules + model`,
    `${''.padEnd(8)}${'recall   prec     FP   '.repeat(2)}`,
    `${'rules'.padEnd(8)}${cell(corpus, (r) => r.rules, 2).padEnd(23)}${cell(dev, (r) => r.rules, 2)}`,
  ];
  for (const t of thresholds) {
    const p: ModelPolicy = { ...policy, moderate_only_after: { ...policy.moderate_only_after, risk: t } };
    lines.push(`${t.toFixed(2).padEnd(8)}${cell(corpus, (r) => combined(r, p), 2).padEnd(23)}${cell(dev, (r) => combined(r, p), 2)}`);
  }
  return lines.join('\n');
}
