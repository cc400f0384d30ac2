/**
 * `npm run eval`: runs the offline risk screen over every row of ../shared/eval/dev/*.jsonl,
 * writes the predictions to a temporary file and prints the scorer's table
 * (node ../shared/eval/score.mjs). The eval sets are read in place, never copied into the repo.
 *
 *   npm run eval                   the screen, as the bot runs it
 *   npm run eval -- --dev DIR      another folder of labelled rows
 *   npm run eval -- --keep FILE    also keep the predictions in FILE
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRiskAssessor } from '../src/risk/assessor.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const option = (name: string): string | undefined => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const devDir = resolve(option('--dev') ?? join(root, '..', 'shared', 'eval', 'dev'));
const scorer = resolve(devDir, '..', 'score.mjs');
const keep = option('--keep');

const files = readdirSync(devDir).filter((f) => f.endsWith('.jsonl')).sort().map((f) => join(devDir, f));
if (files.length === 0) {
  console.error(`no .jsonl files in ${devDir}`);
  process.exit(2);
}

const assessor = createRiskAssessor({ policyDir: join(root, 'policies') });
const now = new Date();
const lines: string[] = [];
let rows = 0;
const started = process.hrtime.bigint();
for (const file of files) {
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    const row = JSON.parse(line) as { id: string | number; text: string };
    const result = assessor.screen({ text: row.text, recent: [], now });
    lines.push(JSON.stringify({ id: row.id, level: result.level, reasons: result.reasons }));
    rows++;
  }
}
const ms = Number(process.hrtime.bigint() - started) / 1e6;

const dir = mkdtempSync(join(tmpdir(), 'oyster-eval-'));
const predictions = join(dir, 'predictions.jsonl');
writeFileSync(predictions, lines.join('\n') + '\n');
if (keep) writeFileSync(keep, lines.join('\n') + '\n');

console.log(`policy ${assessor.policyVersion}; ${rows} rows from ${files.length} files screened in ${ms.toFixed(0)} ms\n`);
const scoreArgs = [scorer, ...files.flatMap((f) => ['--gold', f]), '--pred', predictions];
const result = spawnSync(process.execPath, scoreArgs, { encoding: 'utf8' });
process.stdout.write(result.stdout);
process.stderr.write(result.stderr);
rmSync(dir, { recursive: true, force: true });
process.exit(result.status ?? 1);
