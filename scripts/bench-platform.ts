/**
 * `npm run bench:platform`: the whole bot against a bare @slack/bolt echo bot, both on the
 * Slack path against the fake Slack on 127.0.0.1, with a model that answers at once and rate
 * limiting off. Both run as their own processes side by side; batches alternate A B A B for
 * several rounds, one message at a time (a signed Events API POST, then wait for the answer's
 * chat.postMessage at the fake). Prints per variant CPU per message (from /proc, user+system),
 * p50/p99 end-to-end latency and resident memory, and the ratios bot / bare. Targets: CPU ≤ 1.25×,
 * p99 ≤ 1.3×, RSS ≤ 1.5×. A benchmark, not a test: it prints numbers and never fails the build.
 *
 *   npm run bench:platform -- --rounds 4 --messages 200
 *   npm run bench:platform -- --cpu-prof /tmp/prof   also writes both processes' CPU profiles there
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { eventCallback, signedPost, startFakeSlack, type FakeSlack } from '../test/fakes/fake-slack.js';
import { BoundedLog } from '../test/helpers/log-port.js';
import { dmEvent, USER } from '../test/slack/fixtures.js';
import { startInstantModel } from './instant-model.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const option = (name: string, fallback: number) => (args.includes(name) ? Number(args[args.indexOf(name) + 1]) || fallback : fallback);
const rounds = option('--rounds', 4);
const perBatch = option('--messages', 200);
const profDir = args.includes('--cpu-prof') ? resolve(args[args.indexOf('--cpu-prof') + 1] ?? '.') : undefined;
const SECRET = '8f742231b10e8888abcd99eee85a5eee';
if (!existsSync(join(root, 'dist/src/bin.js'))) {
  console.error('dist/ is missing: run `npm run build` first (npm install does it for you).');
  process.exit(2);
}

const model = await startInstantModel('Noted, thanks.');
const modelUrl = model.url;

interface Variant { name: string; child: ChildProcess; port: number; fake: FakeSlack; cpuMs: number[]; latencies: number[]; rss: number[] }

/** The line each variant writes once it listens, naming the port it bound (port 0: the system picks). */
const LISTENING = { bot: 'slack listening (HTTP mode)', bare: 'bare bolt listening' };

async function launch(name: string, command: string[], listening: string, env: Record<string, string>): Promise<Variant> {
  const fake = await startFakeSlack();
  // The person has a profile, as in a real workspace: the bot looks the name up once, then caches it.
  fake.users.set(USER, { name: 'alice', displayName: 'Alice' });
  // Port 0, read back from the log: a port chosen here and bound later by the child could be
  // taken in between by another process on a busy machine.
  const child = spawn(process.execPath, command, {
    cwd: root, stdio: ['ignore', 'pipe', 'pipe'],
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', SLACK_API_URL: fake.apiUrl, SLACK_PORT: '0', SLACK_SIGNING_SECRET: SECRET, ...env },
  });
  // Both streams: the bot logs to stderr, the bare bot prints its line on stdout.
  const log = new BoundedLog();
  child.stdout!.on('data', (d: Buffer) => log.add(d));
  child.stderr!.on('data', (d: Buffer) => log.add(d));
  let port: number | undefined;
  for (const deadline = Date.now() + 120_000; port === undefined; await new Promise((r) => setTimeout(r, 50))) {
    port = log.port(listening);
    if (port === undefined && (Date.now() > deadline || child.exitCode !== null)) throw new Error(`${name} did not start: ${log.last(2000)}`);
  }
  // Listening is logged once the server is bound; an unsigned request proves it answers (401).
  const status = await fetch(`http://127.0.0.1:${port}/slack/events`, { method: 'POST', body: '{}' }).then((r) => r.status, () => 0);
  if (status === 0) throw new Error(`${name} logged port ${port} but does not answer there`);
  return { name, child, port, fake, cpuMs: [], latencies: [], rss: [] };
}

/** utime + stime of a process, in ms, and its resident memory in MB (Linux /proc). */
function procStats(pid: number): { cpuMs: number; rssMb: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]);
  const rssKb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]);
  return { cpuMs: ticks * 10, rssMb: rssKb / 1024 };
}

async function batch(v: Variant, count: number, record: boolean): Promise<void> {
  const before = procStats(v.child.pid!);
  for (let i = 0; i < count; i++) {
    const posted = v.fake.callsTo('chat.postMessage').length;
    const started = performance.now();
    const res = await signedPost(`http://127.0.0.1:${v.port}/slack/events`, eventCallback(dmEvent(`message ${i} of a benchmark round`)), { secret: SECRET });
    if (res.status !== 200) throw new Error(`${v.name}: HTTP ${res.status}`);
    while (v.fake.callsTo('chat.postMessage').length === posted) await new Promise((r) => setImmediate(r));
    if (record) v.latencies.push(performance.now() - started);
  }
  const after = procStats(v.child.pid!);
  if (record) {
    v.cpuMs.push((after.cpuMs - before.cpuMs) / count);
    v.rss.push(after.rssMb);
  }
}

const dir = mkdtempSync(join(tmpdir(), 'oyster-bench-platform-'));
// The bot logs at info, its default: the port comes from the 'slack listening' line, and a
// real deployment pays for its 'message handled' line per message too.
const bot = await launch('oyster-bot', [...(profDir ? ['--cpu-prof', `--cpu-prof-dir=${profDir}`] : []), 'bin/oyster-bot.mjs', 'start'], LISTENING.bot, {
  SLACK_BOT_TOKEN: 'xoxb-bench-token', SLACK_HOST: '127.0.0.1', RISK_JUDGE: 'off' /* the bare bot has no judge */, OYSTER_BASE_URL: modelUrl, OYSTER_DB_PATH: join(dir, 'bot.db'),
  OYSTER_MAX_RETRIES: '0', RATE_LIMIT_PER_MINUTE: '0', STREAMING: 'off', LOG_LEVEL: 'info', OYSTER_CONSOLE: 'off',
});
const bare = await launch('bare bolt', [...(profDir ? ['--cpu-prof', `--cpu-prof-dir=${profDir}/bare`] : []), 'scripts/bench-platform-bare.mjs'], LISTENING.bare, {});
// Warm-up: JIT, caches, the tokenizer's deferred load.
await batch(bot, 50, false);
await batch(bare, 50, false);
for (let r = 0; r < rounds; r++) {
  await batch(bot, perBatch, true);
  await batch(bare, perBatch, true);
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))]!;
const row = (v: Variant) => ({ cpu: median(v.cpuMs), p50: pct(v.latencies, 0.5), p99: pct(v.latencies, 0.99), rss: Math.max(...v.rss) });
const a = row(bot);
const b = row(bare);
console.log(`Slack path, ${rounds} rounds A B A B × ${perBatch} messages each, instant model, rate limiting off`);
console.log('variant      CPU ms/msg   p50 ms   p99 ms   RSS MB');
for (const [name, x] of [['oyster-bot', a], ['bare bolt', b]] as const) {
  console.log(`${name.padEnd(12)} ${x.cpu.toFixed(3).padStart(10)} ${x.p50.toFixed(2).padStart(8)} ${x.p99.toFixed(2).padStart(8)} ${x.rss.toFixed(1).padStart(8)}`);
}
for (const v of [bot, bare]) {
  const byMethod = new Map<string, number>();
  for (const c of v.fake.calls) byMethod.set(c.method, (byMethod.get(c.method) ?? 0) + 1);
  const sent = byMethod.get('chat.postMessage') ?? 1;
  console.log(`${v.name}: Slack API calls per answer: ${[...byMethod].map(([m, n]) => `${m} ${(n / sent).toFixed(2)}`).join(', ')}`);
}
// The bare bot never calls a model; every model request is the bot's.
const botAnswers = bot.fake.callsTo('chat.postMessage').length || 1;
console.log(`oyster-bot: model requests per answer: ${[...model.requests].map(([path, n]) => `${path} ${(n / botAnswers).toFixed(2)}`).join(', ')}`);
console.log(`ratios bot/bare: CPU ${(a.cpu / b.cpu).toFixed(2)}× (target ≤ 1.25), p99 ${(a.p99 / b.p99).toFixed(2)}× (≤ 1.3), RSS ${(a.rss / b.rss).toFixed(2)}× (≤ 1.5)`);

for (const v of [bot, bare]) {
  v.child.kill('SIGTERM');
  await new Promise((r) => v.child.once('exit', r));
  await v.fake.close();
}
model.close();
