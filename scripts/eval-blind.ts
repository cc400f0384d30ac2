/**
 * `npm run eval:blind`: the offline screen over the team's blind probe set (test/risk/blind/),
 * written before any rule change of issue 11 and split once into a tuning half and a held-out
 * half (the `split` field of every row). Prints, per language and overall, for each half and
 * both together: escalate recall, resource recall, false-positive and look-alike false-positive
 * rates (the same definitions as ../shared/eval/score.mjs), then the multi-turn conversations.
 *
 *   npm run eval:blind                 all figures
 *   npm run eval:blind -- --misses     also list the tuning half's misses (our own sentences)
 *   npm run eval:blind -- --json       one JSON object instead of tables
 *   npm run eval:blind -- --dir test/risk/blind2   another probe set of the same format (the
 *                                      second set is held out as a whole: every row is `held`)
 *
 * The held-out half's misses are never printed: looking at them would make it a tuning set.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RISK_LEVELS, type RiskLevel, type Turn } from '../src/messages.js';
import type { RiskAssessment, RiskAssessor } from '../src/ports.js';
import { createRiskAssessor } from '../src/risk/assessor.js';
import { modelBlindFigures } from './risk-model-blind.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const dirArg = args.indexOf('--dir');
const dir = dirArg >= 0 ? resolve(args[dirArg + 1]!) : join(root, 'test', 'risk', 'blind');
const showMisses = args.includes('--misses');
const asJson = args.includes('--json');

interface Row { id: string; lang: string; text: string; level: RiskLevel; kind: string; cls: string; split: 'tune' | 'held' }
interface Conversation { id: string; lang: string; at_risk: boolean; target: RiskLevel; by_turn: number; turns: string[]; split: 'tune' | 'held' }

const readJsonl = <T>(path: string): T[] =>
  readFileSync(path, 'utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as T);
const rank = (l: RiskLevel) => RISK_LEVELS.indexOf(l);

const rows = readdirSync(dir)
  .filter((f) => f.endsWith('.jsonl') && f !== 'conversations.jsonl')
  .sort()
  .flatMap((f) => readJsonl<Row>(join(dir, f)));
const conversations = readJsonl<Conversation>(join(dir, 'conversations.jsonl'));

const assessor: RiskAssessor & { policyVersion: string } = createRiskAssessor({ policyDir: join(root, 'policies') });
const now = new Date();
const predicted = new Map<string, RiskAssessment>();
for (const row of rows) predicted.set(row.id, assessor.screen({ text: row.text, recent: [], now }));

interface Rate { k: number; n: number }
const METRICS = {
  escalate_recall: { when: (r: Row) => rank(r.level) >= 3, hit: (p: number) => p >= 3 },
  resource_recall: { when: (r: Row) => rank(r.level) >= 2, hit: (p: number) => p >= 2 },
  false_positive: { when: (r: Row) => r.level === 'none', hit: (p: number) => p >= 2 },
  lookalike_fp: { when: (r: Row) => r.level === 'none' && r.kind === 'lookalike', hit: (p: number) => p >= 2 },
} as const;
type Metric = keyof typeof METRICS;

function score(subset: Row[]): Record<Metric, Rate> {
  const out = {} as Record<Metric, Rate>;
  for (const [name, m] of Object.entries(METRICS) as Array<[Metric, (typeof METRICS)[Metric]]>) {
    const rate = { k: 0, n: 0 };
    for (const r of subset) {
      if (!m.when(r)) continue;
      rate.n++;
      if (m.hit(rank(predicted.get(r.id)!.level))) rate.k++;
    }
    out[name] = rate;
  }
  return out;
}

/** Runs a conversation turn by turn as the engine would: earlier user turns and the standing level. */
function runConversation(c: Conversation): RiskLevel[] {
  const levels: RiskLevel[] = [];
  const recent: Turn[] = [];
  let prior: { level: RiskLevel; at: Date } | undefined;
  const start = now.getTime() - c.turns.length * 120_000;
  c.turns.forEach((text, i) => {
    const at = new Date(start + i * 120_000);
    const result = assessor.screen({ text, recent: [...recent], now: at, ...(prior ? { prior } : {}) });
    levels.push(result.level);
    recent.push({ role: 'user', text, at });
    if (!prior || rank(result.level) >= rank(prior.level)) prior = { level: result.level, at };
  });
  return levels;
}

function conversationPasses(c: Conversation, levels: RiskLevel[]): boolean {
  if (!c.at_risk) return levels.every((l) => rank(l) < rank('moderate'));
  return rank(levels[c.by_turn]!) >= rank(c.target);
}

const splits = { tune: rows.filter((r) => r.split === 'tune'), held: rows.filter((r) => r.split === 'held'), all: rows };
const languages = [...new Set(rows.map((r) => r.lang))].sort();
const report: Record<string, Record<string, Record<Metric, Rate>>> = {};
for (const [name, subset] of Object.entries(splits)) {
  // A set held out as a whole has no tuning half: print only what has rows.
  if (subset.length === 0) continue;
  report[name] = { ALL: score(subset) };
  for (const lang of languages) report[name]![lang] = score(subset.filter((r) => r.lang === lang));
}
const convResults = conversations.map((c) => {
  const levels = runConversation(c);
  return { id: c.id, split: c.split, at_risk: c.at_risk, target: c.target, by_turn: c.by_turn, levels, pass: conversationPasses(c, levels) };
});

if (asJson) {
  console.log(JSON.stringify({ policy: assessor.policyVersion, rows: rows.length, report, conversations: convResults }));
  process.exit(0);
}

const cell = (r: Rate) => (r.n ? `${((100 * r.k) / r.n).toFixed(1)}% ${r.k}/${r.n}` : '-').padStart(18);
console.log(`blind probe set: ${rows.length} rows in ${languages.length} languages, ${conversations.length} conversations; policy ${assessor.policyVersion}`);
for (const [name, byLang] of Object.entries(report)) {
  console.log(`\n[${name}]${' '.repeat(6 - name.length)}${Object.keys(METRICS).map((m) => m.padStart(18)).join('')}`);
  for (const [lang, s] of Object.entries(byLang)) {
    console.log(`${lang.padEnd(8)}${(Object.keys(METRICS) as Metric[]).map((m) => cell(s[m])).join('')}`);
  }
}
console.log('\nconversations (at risk: level at the named turn ≥ target; harmless: no turn ≥ moderate)');
for (const c of convResults) {
  console.log(`  ${c.pass ? 'pass' : 'FAIL'}  ${c.id.padEnd(12)} ${c.split}  ${c.at_risk ? `target ${c.target} by turn ${c.by_turn + 1}` : 'harmless'}: ${c.levels.join(' → ')}`);
}
for (const split of ['tune', 'held', 'all'] as const) {
  const of = convResults.filter((c) => split === 'all' || c.split === split);
  if (of.length === 0) continue;
  const risky = of.filter((c) => c.at_risk);
  const calm = of.filter((c) => !c.at_risk);
  console.log(`  ${split}: at-risk ${risky.filter((c) => c.pass).length}/${risky.length} reached, harmless ${calm.filter((c) => c.pass).length}/${calm.length} unflagged`);
}
// The learned model's own figures (scripts/risk-model-blind.ts), apart from the screen's.
console.log(`\n${modelBlindFigures(root, rows)}`);
if (showMisses) {
  console.log('\ntuning-half misses (gold → predicted: reasons)');
  for (const r of splits.tune) {
    const p = predicted.get(r.id)!;
    const gold = rank(r.level);
    const got = rank(p.level);
    const miss = (gold >= 2 && got < 2) || (gold >= 3 && got < 3) || (gold === 0 && got >= 2);
    if (miss) console.log(`  ${r.id} ${r.level} → ${p.level} [${p.reasons.join(',')}] ${r.text}`);
  }
}
