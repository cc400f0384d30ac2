/**
 * `npm run bench:risk`: microseconds per message for the offline screen (rules + trajectory,
 * no judge) over every row of ../shared/eval/dev/*.jsonl. Two warm-up passes let V8 compile the
 * regexes and optimise the hot paths; then each message is timed on its own with hrtime and the
 * median, p90, p99 and max are printed. Targets on the 2-core dev machine: median ≤ 50 µs,
 * p99 ≤ 500 µs. A benchmark, not a test: it prints numbers and never fails the build.
 *
 *   npm run bench:risk -- --rounds 5     timed passes over the rows (default 3)
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRiskAssessor } from '../src/risk/assessor.js';
import { sharedEvalDir } from './eval-dir.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const roundsArg = args.indexOf('--rounds');
const rounds = roundsArg >= 0 ? Math.max(1, Number(args[roundsArg + 1]) || 3) : 3;
const devDir = join(sharedEvalDir(root), 'dev');

const texts: string[] = [];
for (const file of readdirSync(devDir).filter((f) => f.endsWith('.jsonl')).sort()) {
  for (const line of readFileSync(join(devDir, file), 'utf8').split('\n')) {
    if (line.trim()) texts.push((JSON.parse(line) as { text: string }).text);
  }
}

const assessor = createRiskAssessor({ policyDir: join(root, 'policies') });
const now = new Date();
const screenOne = (text: string) => assessor.screen({ text, recent: [], now });

for (let w = 0; w < 2; w++) for (const t of texts) screenOne(t);

const samples = new Float64Array(texts.length * rounds);
let k = 0;
let sink = 0;
for (let r = 0; r < rounds; r++) {
  for (const t of texts) {
    const start = process.hrtime.bigint();
    const result = screenOne(t);
    samples[k++] = Number(process.hrtime.bigint() - start) / 1000;
    sink += result.reasons.length;
  }
}
samples.sort();
const at = (q: number) => samples[Math.min(samples.length - 1, Math.floor(q * samples.length))]!;
const mean = samples.reduce((a, b) => a + b, 0) / samples.length;
const chars = texts.reduce((a, t) => a + t.length, 0) / texts.length;

console.log(`risk screen over ${texts.length} dev messages (mean ${chars.toFixed(0)} chars) x ${rounds} rounds, after 2 warm-up rounds`);
console.log(`policy ${assessor.policyVersion}, node ${process.version}`);
console.log(`median ${at(0.5).toFixed(1)} µs   p90 ${at(0.9).toFixed(1)} µs   p99 ${at(0.99).toFixed(1)} µs   max ${samples[samples.length - 1]!.toFixed(1)} µs   mean ${mean.toFixed(1)} µs`);
console.log(`targets: median ≤ 50 µs, p99 ≤ 500 µs  →  ${at(0.5) <= 50 && at(0.99) <= 500 ? 'met' : 'NOT met'}`);
if (sink < 0) console.log(sink); // keeps the results observable so the work is not optimised away
