/**
 * `npx tsx scripts/eval-corpus.ts`: the offline screen (rules and model together, as the bot runs
 * it) over the team-written training corpus (training/risk-corpus, composed by
 * scripts/risk-corpus.ts), per language: false positives on its harmless sentences (frames,
 * look-alikes, everyday) and resource / escalate recall on its risk sentences. These are the
 * team's own sentences, so they may be read for tuning; no blind probe and no ../shared/eval row
 * is touched here.
 *
 *   npx tsx scripts/eval-corpus.ts                 per-language table
 *   npx tsx scripts/eval-corpus.ts --lang es,ja    only these languages
 *   npx tsx scripts/eval-corpus.ts --misses fp     list the false positives (with reasons)
 *   npx tsx scripts/eval-corpus.ts --misses esc    list the escalate misses
 *
 * The model was trained on these sentences, so its share of the figure is optimistic; the rules'
 * false positives are what this is for.
 */
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RISK_LEVELS, type RiskLevel } from '../src/messages.js';
import { createRiskAssessor } from '../src/risk/assessor.js';
import { generateCorpus, loadCorpusParts } from './risk-corpus.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const option = (name: string) => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : undefined; };
const only = option('--lang')?.split(',');
const misses = option('--misses');
const rank = (l: RiskLevel) => RISK_LEVELS.indexOf(l);

const assessor = createRiskAssessor({ policyDir: join(root, 'policies') });
const rows = generateCorpus(loadCorpusParts(), { seed: 7 }).filter((r) => !only || only.includes(r.lang));
const now = new Date();
const table = new Map<string, { fp: number; neg: number; res: number; risk: number; esc: number; high: number }>();
for (const row of rows) {
  const got = assessor.screen({ text: row.text, recent: [], now });
  const t = table.get(row.lang) ?? { fp: 0, neg: 0, res: 0, risk: 0, esc: 0, high: 0 };
  table.set(row.lang, t);
  const gold = rank(row.level);
  const p = rank(got.level);
  if (gold === 0) {
    t.neg++;
    if (p >= 2) { t.fp++; if (misses === 'fp') console.log(`  fp  ${row.lang} ${got.level} [${got.reasons.join(',')}] ${row.text}`); }
  }
  if (gold >= 2) { t.risk++; if (p >= 2) t.res++; }
  if (gold >= 3) {
    t.high++;
    if (p >= 3) t.esc++;
    else if (misses === 'esc') console.log(`  esc ${row.lang} ${row.level} → ${got.level} [${got.reasons.join(',')}] ${row.text}`);
  }
}
const pct = (k: number, n: number) => (n ? `${((100 * k) / n).toFixed(1)}% ${k}/${n}` : '-').padStart(16);
console.log(`corpus: ${rows.length} sentences; screen = rules + model as the bot runs it`);
console.log(`lang${'false_positive'.padStart(16)}${'resource_recall'.padStart(16)}${'escalate_recall'.padStart(16)}`);
for (const [lang, t] of [...table].sort()) console.log(`${lang.padEnd(4)}${pct(t.fp, t.neg)}${pct(t.res, t.risk)}${pct(t.esc, t.high)}`);
