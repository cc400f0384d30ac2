/**
 * `npx tsx scripts/eval-lang-id.ts [--dir test/risk/lang-id] [--wrong]`: how often the risk screen
 * names the right language for short messages (issue 11). The screen's `language` decides which
 * language a crisis reply is written in, and which per-language threshold the learned model uses,
 * so a short Dutch "ik kan niet slapen" read as English gets English help.
 *
 * The probe set is team-written (one `<lang>.jsonl` per language, rows `{id, lang, text}`; Chinese
 * rows in either written form expect `zh`: the locale step picks the form). Prints accuracy per
 * language and, per language, what the misses were read as; `--wrong` also lists the missed texts
 * (our own sentences, never evaluation rows).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRiskAssessor } from '../src/risk/assessor.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const dirArg = args.indexOf('--dir');
const dir = dirArg >= 0 ? resolve(args[dirArg + 1]!) : join(root, 'test', 'risk', 'lang-id');
const showWrong = args.includes('--wrong');

interface Row { id: string; lang: string; text: string }
const rows: Row[] = readdirSync(dir)
  .filter((f) => f.endsWith('.jsonl'))
  .sort()
  .flatMap((f) => readFileSync(join(dir, f), 'utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as Row));

const assessor = createRiskAssessor({ policyDir: join(root, 'policies') });
const now = new Date();
const byLang = new Map<string, { right: number; n: number; readAs: Map<string, number>; wrong: string[] }>();
let right = 0;
for (const row of rows) {
  const got = assessor.screen({ text: row.text, recent: [], now }).language ?? '(none)';
  let entry = byLang.get(row.lang);
  if (!entry) byLang.set(row.lang, (entry = { right: 0, n: 0, readAs: new Map(), wrong: [] }));
  entry.n++;
  if (got === row.lang) {
    entry.right++;
    right++;
  } else {
    entry.readAs.set(got, (entry.readAs.get(got) ?? 0) + 1);
    entry.wrong.push(`${row.id} → ${got}: ${row.text}`);
  }
}

const pct = (k: number, n: number) => `${((100 * k) / n).toFixed(1)}% ${k}/${n}`.padStart(14);
console.log(`language identification: ${rows.length} short messages in ${byLang.size} languages; policy ${assessor.policyVersion}`);
// Speed is measured by `npm run bench:risk`, not here (a few hundred first calls are mostly warm-up).
console.log(`ALL ${pct(right, rows.length)}`);
for (const [lang, e] of [...byLang].sort(([a], [b]) => a.localeCompare(b))) {
  const readAs = [...e.readAs].sort((a, b) => b[1] - a[1]).map(([l, c]) => `${l} ${c}`).join(', ');
  console.log(`${lang.padEnd(3)} ${pct(e.right, e.n)}${readAs ? `   misread as: ${readAs}` : ''}`);
}
if (showWrong) for (const e of byLang.values()) for (const w of e.wrong) console.log(`  ${w}`);
