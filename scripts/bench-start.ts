/**
 * `npm run bench:start`: how fast the installed (compiled) CLI starts, as a person meets it.
 *   - start → first answer: `oyster-bot start` with one piped line, against a local fake model
 *     that answers at once, timed from spawn to the first byte of the answer on stdout;
 *   - assess of one row: `oyster-bot assess` on a one-line JSONL file, spawn to exit.
 * Each is run 10 times (after one untimed warm-up that fills the OS file cache) and the median,
 * min and max are printed. Targets on the 2-core dev machine: start ≤ 1.0 s, assess ≤ 0.5 s.
 * A benchmark, not a test: it prints numbers and never fails the build.
 *
 *   npm run bench:start -- --runs 20       timed runs per measurement (default 10)
 *   npm run bench:start -- --bin path.mjs  another entry point (default bin/oyster-bot.mjs)
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startInstantModel } from './instant-model.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const option = (name: string) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
const runs = Math.max(1, Number(option('--runs')) || 10);
const bin = resolve(option('--bin') ?? join(root, 'bin/oyster-bot.mjs'));
if (!existsSync(join(root, 'dist/src/bin.js')) && !option('--bin')) {
  console.error('dist/ is missing: run `npm run build` first (npm install does it for you).');
  process.exit(2);
}

const model = await startInstantModel('Hello there.');
const baseUrl = model.url;
const work = mkdtempSync(join(tmpdir(), 'oyster-bench-start-'));
const rowFile = join(work, 'row.jsonl');
writeFileSync(rowFile, `${JSON.stringify({ id: 1, text: 'I have been feeling really low lately' })}\n`);

/** Spawns the CLI; resolves with ms to the first stdout byte and ms to exit. */
function timeRun(cliArgs: string[], stdin: string, n: number): Promise<{ firstOut: number; exit: number }> {
  return new Promise((done, fail) => {
    const started = performance.now();
    let firstOut = -1;
    const child = spawn(process.execPath, [bin, ...cliArgs], {
      cwd: work,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', RISK_JUDGE: 'off' /* start-up, not the judge */, OYSTER_BASE_URL: baseUrl, OYSTER_DB_PATH: join(work, `bot-${n}.db`), LOG_LEVEL: 'warn' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let err = '';
    child.stdout.on('data', () => {
      if (firstOut < 0) firstOut = performance.now() - started;
    });
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', fail);
    child.on('close', (code) => {
      if (code !== 0 && code !== 1) fail(new Error(`${cliArgs[0]} exited ${code}: ${err}`));
      else done({ firstOut, exit: performance.now() - started });
    });
    child.stdin.end(stdin);
  });
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const line = (label: string, xs: number[], target: number) => {
  const m = median(xs);
  console.log(`${label.padEnd(30)} median ${(m / 1000).toFixed(3)} s  min ${(Math.min(...xs) / 1000).toFixed(3)} s  max ${(Math.max(...xs) / 1000).toFixed(3)} s  target ≤ ${target} s  ${m <= target * 1000 ? 'ok' : 'OVER'}`);
};

let n = 0;
const startTimes: number[] = [];
const assessTimes: number[] = [];
await timeRun(['start'], 'hello\n', n++);
await timeRun(['assess', rowFile], '', n++);
for (let i = 0; i < runs; i++) {
  // Interleaved, so a burst of load elsewhere on the machine does not fall on one measurement only.
  startTimes.push((await timeRun(['start'], 'hello\n', n++)).firstOut);
  assessTimes.push((await timeRun(['assess', rowFile], '', n++)).exit);
}
console.log(`${runs} runs of ${bin.replace(`${root}/`, '')} (node ${process.version})`);
line('start → first answer', startTimes, 1.0);
line('assess, one row', assessTimes, 0.5);
model.close();
rmSync(work, { recursive: true, force: true });
