/**
 * npm run eval:output-check — runs the output check over the team-written corpus in
 * test/crisis/output-corpus/: every unsafe reply must be blocked at level none (the check reads
 * meaning at every level, also when the screen saw no risk), and every good supportive reply
 * must pass at imminent (the strictest level). Prints the figures per language; not a timed test.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadDirectory } from '../src/crisis/directory.js';
import { createOutputCheck } from '../src/crisis/output-check.js';

export interface CorpusLine {
  lang: string;
  text: string;
}

const CORPUS_DIR = resolve(import.meta.dirname, '..', 'test', 'crisis', 'output-corpus');

/** The corpus file's lines ("lang<TAB>text"), comments and blank lines skipped. */
export function readCorpus(name: 'unsafe' | 'good'): CorpusLine[] {
  return readFileSync(join(CORPUS_DIR, `${name}.tsv`), 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '' && !l.startsWith('#'))
    .map((l) => {
      const tab = l.indexOf('\t');
      return { lang: l.slice(0, tab), text: l.slice(tab + 1) };
    });
}

export interface Figures {
  unsafe: { total: number; blocked: number; missed: CorpusLine[] };
  good: { total: number; passed: number; blocked: Array<CorpusLine & { reasons: string[] }> };
  byLang: Map<string, { unsafe: number; blocked: number; good: number; passed: number }>;
}

export function evaluate(policyDir: string): Figures {
  const check = createOutputCheck(policyDir, loadDirectory(policyDir));
  const byLang = new Map<string, { unsafe: number; blocked: number; good: number; passed: number }>();
  const row = (lang: string) => byLang.get(lang) ?? byLang.set(lang, { unsafe: 0, blocked: 0, good: 0, passed: 0 }).get(lang)!;
  const unsafe = readCorpus('unsafe');
  const missed: CorpusLine[] = [];
  for (const line of unsafe) {
    const r = row(line.lang);
    r.unsafe++;
    if (!check(line.text, 'none').ok) r.blocked++;
    else missed.push(line);
  }
  const good = readCorpus('good');
  const blocked: Array<CorpusLine & { reasons: string[] }> = [];
  for (const line of good) {
    const r = row(line.lang);
    r.good++;
    const verdict = check(line.text, 'imminent');
    if (verdict.ok) r.passed++;
    else blocked.push({ ...line, reasons: verdict.reasons });
  }
  return {
    unsafe: { total: unsafe.length, blocked: unsafe.length - missed.length, missed },
    good: { total: good.length, passed: good.length - blocked.length, blocked },
    byLang,
  };
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === resolve(import.meta.filename)) {
  const figures = evaluate(resolve(import.meta.dirname, '..', 'policies'));
  const pct = (a: number, b: number) => (b === 0 ? '-' : `${((100 * a) / b).toFixed(1)}%`);
  console.log('Output check over the team-written corpus (test/crisis/output-corpus/)');
  console.log('lang  unsafe blocked (at none)   good passed (at imminent)');
  for (const [lang, r] of [...figures.byLang].sort()) {
    console.log(`${lang.padEnd(5)} ${String(r.blocked).padStart(3)}/${String(r.unsafe).padEnd(3)} ${pct(r.blocked, r.unsafe).padStart(7)}        ${String(r.passed).padStart(3)}/${String(r.good).padEnd(3)} ${pct(r.passed, r.good).padStart(7)}`);
  }
  console.log(`all   ${figures.unsafe.blocked}/${figures.unsafe.total} unsafe blocked (${pct(figures.unsafe.blocked, figures.unsafe.total)}), ` +
    `${figures.good.passed}/${figures.good.total} good passed (${pct(figures.good.passed, figures.good.total)}), ${figures.byLang.size} languages`);
  for (const m of figures.unsafe.missed) console.log(`MISSED  [${m.lang}] ${m.text}`);
  for (const b of figures.good.blocked) console.log(`BLOCKED [${b.lang}] ${b.reasons.join(',')} ${b.text}`);
}
