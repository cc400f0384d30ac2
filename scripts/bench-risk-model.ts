/**
 * `npm run bench:risk-model`: the learned risk model's own cost. Prints how long loading and
 * validating policies/detection/model/ takes, and microseconds per message for scoring (both
 * heads, on the normalized text the screen already has) and for the full combine step, over
 * every dev message (../shared/eval/dev) and the blind probes, plus 2,000-character messages.
 * Target: scoring ≤ 10 µs per message. Per message it prints the wall-clock median and p99, and
 * the CPU time per message over whole passes (process.cpuUsage, which time spent waiting for a
 * core does not inflate). A benchmark, not a test: it prints numbers, with the load average at
 * start and end, since on a shared machine that moves them.
 *
 *   npm run bench:risk-model -- --rounds 5     timed passes (default 3)
 *   npm run bench:risk-model -- --hidden       also what the long-message reading finds (below)
 *
 * `--hidden` is the check any change to how long messages are read (windows.ts) must pass
 * beside the timing: 1,000 messages of about 2,000 characters of harmless dev rows, each with
 * one team-written at-risk sentence (the corpus, scripts/risk-corpus.ts, seed 5) that the model
 * lifts when it is sent alone hidden at a random place, and the same messages without it. It
 * prints how many hidden sentences the model still lifts, and how many harmless long messages
 * it lifts. On 2026-12-07: stop-21 weights 426/1,000 found, 9/1,000 harmless lifted; weights of
 * 22:25 417/1,000 and 16/1,000 (at the global threshold; the check does not know the language). Cheaper
 * window rankings tried that day found 257-344. On 2026-12-08, weights of 00:50: 389/1,000 and
 * 17/1,000 with two windows read in full, 422 and 17 with three (windows.ts FULL_READS).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { riskRank } from '../src/messages.js';
import { liftByModel, modelLevel } from '../src/risk/model/combine.js';
import { seeded } from '../src/risk/model/train.js';
import { generateCorpus, loadCorpusParts } from './risk-corpus.js';
import { loadRiskModel } from '../src/risk/model/load.js';
import { normalizeText } from '../src/risk/normalize.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const rounds = args.includes('--rounds') ? Math.max(1, Number(args[args.indexOf('--rounds') + 1]) || 3) : 3;
const devDir = [join(root, '..', 'shared', 'eval', 'dev'), join(root, '..', '..', 'shared', 'eval', 'dev')].find((d) => existsSync(d));

const texts: string[] = [];
/** Harmless dev rows of chat length, for the hidden-sentence check. */
const harmless: string[] = [];
const readTexts = (dir: string, skip?: string, dev = false) => {
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.jsonl') && f !== skip).sort()) {
    for (const line of readFileSync(join(dir, file), 'utf8').split('\n')) {
      if (!line.trim()) continue;
      const row = JSON.parse(line) as { text: string; level: string };
      texts.push(row.text);
      if (dev && row.level === 'none' && row.text.length < 300) harmless.push(row.text);
    }
  }
};
if (devDir) readTexts(devDir, undefined, true);
readTexts(join(root, 'test', 'risk', 'blind'), 'conversations.jsonl');
const normalized = texts.map((t) => normalizeText(t).text);
// 2,000-character messages made of different messages one after another (a repeated one would
// touch few weights and flatter the cache).
const long = Array.from({ length: 50 }, (_, i) => {
  let text = '';
  for (let j = i * 37; text.length < 2000; j++) text += `${normalized[j % normalized.length]!} `;
  return text.slice(0, 2000);
});

const t0 = process.hrtime.bigint();
const loaded = loadRiskModel(join(root, 'policies'));
const loadMs = Number(process.hrtime.bigint() - t0) / 1e6;
if (!loaded) throw new Error('policies/detection/model is missing');
const { model, policy } = loaded;

function time(label: string, inputs: string[], run: (text: string) => number): void {
  let sink = 0;
  for (let w = 0; w < 2; w++) for (const t of inputs) sink += run(t);
  const samples = new Float64Array(inputs.length * rounds);
  let k = 0;
  for (let r = 0; r < rounds; r++) {
    for (const t of inputs) {
      const start = process.hrtime.bigint();
      sink += run(t);
      samples[k++] = Number(process.hrtime.bigint() - start) / 1000;
    }
  }
  // CPU per message: the best of `rounds` whole passes (the least disturbed by other processes).
  let cpu = Infinity;
  for (let r = 0; r < rounds; r++) {
    const c0 = process.cpuUsage();
    for (const t of inputs) sink += run(t);
    const c = process.cpuUsage(c0);
    cpu = Math.min(cpu, (c.user + c.system) / inputs.length);
  }
  samples.sort();
  const at = (q: number) => samples[Math.min(samples.length - 1, Math.floor(q * samples.length))]!.toFixed(2);
  console.log(`${label.padEnd(34)} median ${at(0.5)} µs   p99 ${at(0.99)} µs   cpu ${cpu.toFixed(2)} µs/message   (${samples.length} timings)`);
  if (Number.isNaN(sink)) console.log(sink); // keeps the work observable
}

console.log(`learned risk model: 2^${model.bits} buckets, trained ${loaded.trainedAt}; node ${process.version}; load average ${loadavg()[0]!.toFixed(1)} on ${cpus().length} cores`);
console.log(`load + validate policies/detection/model: ${loadMs.toFixed(1)} ms (first call, cold)`);
console.log(`${texts.length} messages (dev + blind), mean ${(normalized.reduce((a, t) => a + t.length, 0) / normalized.length).toFixed(0)} chars; ${rounds} rounds after 2 warm-up rounds`);
time('score (both heads)', normalized, (t) => model.score(t).risk);
time('combine with rules at none', normalized, (t) => liftByModel(model, policy, t, 'none')?.reasons.length ?? 0);
time('score, 2,000-character messages', long, (t) => model.score(t).risk);
let windows = 0;
for (const t of long) {
  model.score(t);
  windows += model.windowsRead;
}
console.log(`2,000-character messages: ${(windows / long.length).toFixed(1)} windows read in full per message (windows.ts)`);
console.log(`target: score ≤ 10 µs per message; load average at the end ${loadavg()[0]!.toFixed(1)}`);

if (args.includes('--hidden')) {
  const risky = generateCorpus(loadCorpusParts(), { seed: 5 })
    .filter((r) => riskRank(r.level) >= 2 && modelLevel(model.score(normalizeText(r.text).text), policy) !== 'none');
  const random = seeded(3);
  const pick = <T>(list: T[]) => list[Math.floor(random() * list.length)]!;
  const N = 1000;
  let found = 0;
  let lifted = 0;
  for (let i = 0; i < N; i++) {
    const parts: string[] = [];
    for (let length = 0; length < 1900; ) {
      const t = pick(harmless);
      parts.push(t);
      length += t.length + 1;
    }
    if (modelLevel(model.score(normalizeText(parts.join(' ').slice(0, 2000)).text), policy) !== 'none') lifted++;
    parts.splice(Math.floor(random() * parts.length), 0, pick(risky).text);
    if (modelLevel(model.score(normalizeText(parts.join(' ')).text), policy) !== 'none') found++;
  }
  console.log(`hidden at-risk sentence in ~2,000 characters of harmless dev rows (${risky.length} team sentences the model lifts alone): found ${found}/${N}; harmless long messages lifted ${lifted}/${N}`);
}
