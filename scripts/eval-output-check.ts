/**
 * npm run eval:output-check — runs the output check over the team-written corpus in
 * test/crisis/output-corpus/: every unsafe reply must be blocked at level none (the check reads
 * meaning at every level, also when the screen saw no risk), and every good supportive reply
 * must pass at imminent (the strictest level). Prints the figures per language; not a timed test.
 *
 * `npm run eval:output-check -- --corpus output-heldout` scores another folder of test/crisis/
 * instead: the held-out corpus, written before further tuning and never tuned on. Its rows also
 * name the person's country (so "call 911" in GB counts) and a category, and the figures are
 * printed per category as well. `--counts-only` prints the figures without the missed rows.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadDirectory } from '../src/crisis/directory.js';
import { createOutputCheck } from '../src/crisis/output-check.js';

export interface CorpusLine {
  lang: string;
  text: string;
  /** The person's country ("lang<TAB>country<TAB>category<TAB>text" rows); absent when unknown. */
  country?: string | undefined;
  category?: string | undefined;
}

const TEST_CRISIS = resolve(import.meta.dirname, '..', 'test', 'crisis');

/**
 * A corpus file's lines, comments and blank lines skipped: "lang<TAB>text", or the held-out
 * shape "lang<TAB>country<TAB>category<TAB>text" with "-" for an unknown country.
 */
export function readCorpus(name: 'unsafe' | 'good', corpus = 'output-corpus'): CorpusLine[] {
  return readFileSync(join(TEST_CRISIS, corpus, `${name}.tsv`), 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '' && !l.startsWith('#'))
    .map((l) => {
      const cells = l.split('\t');
      if (cells.length >= 4) {
        const [lang, country, category, ...rest] = cells;
        return { lang: lang!, country: country === '-' ? undefined : country, category, text: rest.join('\t') };
      }
      const tab = l.indexOf('\t');
      return { lang: l.slice(0, tab), text: l.slice(tab + 1) };
    });
}

/** blockedAtRisk: the same unsafe rows checked at moderate, the lowest level a conversation counts as at risk. */
type Tally = { unsafe: number; blocked: number; blockedAtRisk: number; good: number; passed: number };

export interface Figures {
  unsafe: { total: number; blocked: number; missed: CorpusLine[]; blockedAtRisk: number };
  good: { total: number; passed: number; blocked: Array<CorpusLine & { reasons: string[] }> };
  byLang: Map<string, Tally>;
  /** Per category, for corpora whose rows name one. */
  byCategory: Map<string, Tally>;
}

export function evaluate(policyDir: string, corpus = 'output-corpus'): Figures {
  const check = createOutputCheck(policyDir, loadDirectory(policyDir));
  const byLang = new Map<string, Tally>();
  const byCategory = new Map<string, Tally>();
  const tally = (map: Map<string, Tally>, key: string) => map.get(key) ?? map.set(key, { unsafe: 0, blocked: 0, blockedAtRisk: 0, good: 0, passed: 0 }).get(key)!;
  const rows = (line: CorpusLine) => [tally(byLang, line.lang), ...(line.category ? [tally(byCategory, line.category)] : [])];
  // Rows that name a country are checked as the engine checks a reply to that person.
  const where = (line: CorpusLine) => (line.category === undefined ? undefined : { country: line.country });
  const unsafe = readCorpus('unsafe', corpus);
  const missed: CorpusLine[] = [];
  for (const line of unsafe) {
    const blockedNow = !check(line.text, 'none', where(line)).ok;
    const blockedAtRisk = !check(line.text, 'moderate', where(line)).ok;
    for (const r of rows(line)) {
      r.unsafe++;
      if (blockedNow) r.blocked++;
      if (blockedAtRisk) r.blockedAtRisk++;
    }
    if (!blockedNow) missed.push(line);
  }
  const good = readCorpus('good', corpus);
  const blocked: Array<CorpusLine & { reasons: string[] }> = [];
  for (const line of good) {
    const verdict = check(line.text, 'imminent', where(line));
    for (const r of rows(line)) {
      r.good++;
      if (verdict.ok) r.passed++;
    }
    if (!verdict.ok) blocked.push({ ...line, reasons: verdict.reasons });
  }
  return {
    unsafe: { total: unsafe.length, blocked: unsafe.length - missed.length, missed, blockedAtRisk: [...byLang.values()].reduce((n, r) => n + r.blockedAtRisk, 0) },
    good: { total: good.length, passed: good.length - blocked.length, blocked },
    byLang,
    byCategory,
  };
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === resolve(import.meta.filename)) {
  const flag = process.argv.indexOf('--corpus');
  const corpus = flag === -1 ? 'output-corpus' : process.argv[flag + 1] ?? 'output-corpus';
  const figures = evaluate(resolve(import.meta.dirname, '..', 'policies'), corpus);
  const pct = (a: number, b: number) => (b === 0 ? '-' : `${((100 * a) / b).toFixed(1)}%`);
  const print = (key: string, r: Tally) =>
    console.log(`${key.padEnd(10)} ${String(r.blocked).padStart(3)}/${String(r.unsafe).padEnd(3)} ${pct(r.blocked, r.unsafe).padStart(7)}   ${String(r.blockedAtRisk).padStart(3)}/${String(r.unsafe).padEnd(3)} ${pct(r.blockedAtRisk, r.unsafe).padStart(7)}    ${String(r.passed).padStart(3)}/${String(r.good).padEnd(3)} ${pct(r.passed, r.good).padStart(7)}`);
  console.log(`Output check over the team-written corpus (test/crisis/${corpus}/)`);
  console.log('lang       unsafe blocked: at none   at moderate      good passed (at imminent)');
  for (const [lang, r] of [...figures.byLang].sort()) print(lang, r);
  if (figures.byCategory.size > 0) {
    console.log('category');
    for (const [category, r] of [...figures.byCategory].sort()) print(category, r);
  }
  console.log(`all   ${figures.unsafe.blocked}/${figures.unsafe.total} unsafe blocked at none (${pct(figures.unsafe.blocked, figures.unsafe.total)}), ` +
    `${figures.unsafe.blockedAtRisk}/${figures.unsafe.total} at moderate (${pct(figures.unsafe.blockedAtRisk, figures.unsafe.total)}), ` +
    `${figures.good.passed}/${figures.good.total} good passed (${pct(figures.good.passed, figures.good.total)}), ${figures.byLang.size} languages`);
  // --counts-only keeps a held-out corpus's rows out of sight while the check is being tuned.
  if (process.argv.includes('--counts-only')) process.exit(0);
  for (const m of figures.unsafe.missed) console.log(`MISSED  [${m.lang}] ${m.text}`);
  for (const b of figures.good.blocked) console.log(`BLOCKED [${b.lang}] ${b.reasons.join(',')} ${b.text}`);
}
