/**
 * `npm run eval`: runs the offline risk screen over every row of ../shared/eval/dev/*.jsonl,
 * writes the predictions to a temporary file and prints the scorer's table
 * (node ../shared/eval/score.mjs). The eval sets are read in place, never copied into the repo.
 *
 *   npm run eval                   the screen, as the bot runs it
 *   npm run eval -- --dev DIR      another folder of labelled rows
 *   npm run eval -- --keep FILE    also keep the predictions in FILE
 *   npm run eval -- --raw          score against the files as they are (see below)
 *
 * Some dev files reuse an id for different rows (psysuicide.jsonl reuses 169 ids, often for a
 * risk row and a harmless row). The scorer keys predictions by id, so one prediction would be
 * scored against both rows. By default the gold rows are copied to the temporary folder with
 * the second and later uses of an id renamed "<id>#2", "#3", ..., and predictions use the same
 * names; the copies are deleted afterwards. --raw skips this.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRiskAssessor } from '../src/risk/assessor.js';
import { sharedEvalDir } from './eval-dir.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const option = (name: string): string | undefined => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const devDir = resolve(option('--dev') ?? join(sharedEvalDir(root), 'dev'));
const scorer = resolve(devDir, '..', 'score.mjs');
const keep = option('--keep');
const raw = args.includes('--raw');

const files = readdirSync(devDir).filter((f) => f.endsWith('.jsonl')).sort().map((f) => join(devDir, f));
if (files.length === 0) {
  console.error(`no .jsonl files in ${devDir}`);
  process.exit(2);
}

const assessor = createRiskAssessor({ policyDir: join(root, 'policies') });
const dir = mkdtempSync(join(tmpdir(), 'oyster-eval-'));
const now = new Date();
const lines: string[] = [];
const goldFiles: string[] = [];
const seen = new Map<string, number>();
let renamed = 0;
let rows = 0;
let screenNs = 0n;
for (const file of files) {
  const gold: string[] = [];
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    const row = JSON.parse(line) as { id: string | number; text: string };
    const uses = (seen.get(String(row.id)) ?? 0) + 1;
    seen.set(String(row.id), uses);
    const id = raw || uses === 1 ? row.id : `${row.id}#${uses}`;
    if (id !== row.id) renamed++;
    gold.push(JSON.stringify({ ...row, id }));
    const t0 = process.hrtime.bigint();
    const result = assessor.screen({ text: row.text, recent: [], now });
    screenNs += process.hrtime.bigint() - t0;
    lines.push(JSON.stringify({ id, level: result.level, reasons: result.reasons }));
    rows++;
  }
  if (raw) {
    goldFiles.push(file);
  } else {
    const copy = join(dir, file.split('/').pop()!);
    writeFileSync(copy, gold.join('\n') + '\n');
    goldFiles.push(copy);
  }
}
const ms = Number(screenNs) / 1e6;
const predictions = join(dir, 'predictions.jsonl');
writeFileSync(predictions, lines.join('\n') + '\n');
if (keep) writeFileSync(keep, lines.join('\n') + '\n');

console.log(`policy ${assessor.policyVersion}; ${rows} rows from ${files.length} files in ${devDir}; screen time ${ms.toFixed(0)} ms`);
if (renamed > 0) console.log(`${renamed} rows reuse an earlier row's id; scored as <id>#n (use --raw to score the files as they are)`);
console.log('');
const scoreArgs = [scorer, ...goldFiles.flatMap((f) => ['--gold', f]), '--pred', predictions];
const result = spawnSync(process.execPath, scoreArgs, { encoding: 'utf8' });
process.stdout.write(result.stdout);
process.stderr.write(result.stderr);
rmSync(dir, { recursive: true, force: true });
process.exit(result.status ?? 1);
