/**
 * `npm run bench`: engine overhead per message, measured through the real engine, the real
 * store and the real policies, with an instant in-process model, so what is timed is
 * everything except the model's own time. Runs on the file-backed SQLite store and on
 * PostgreSQL, and prints them side by side: messages/s, the bot process's CPU per message, and
 * the overhead p50/p99 one message at a time. PostgreSQL's own server CPU is not in the bot's
 * figure (it is another process); the wall-clock overhead includes its round trips.
 *
 *   npm run bench                          # 1, 100 and 10,000 distinct users, both stores
 *   npm run bench -- --messages 20000
 *   npm run bench -- --store sqlite        # or postgres
 *   npm run bench -- --rate-limit          # with each person's rate bucket taken from the store
 *                                          # (the default in production; 100 and 10,000 users only)
 *
 * PostgreSQL: TEST_DATABASE_URL (a server; each run gets a fresh database), else a throwaway
 * cluster from Debian's binaries, as the tests start one (test/store/pg-cluster.ts).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../src/config.js';
import { silentLogger } from '../src/logger.js';
import { createBot } from '../src/main.js';
import type { InboundMessage } from '../src/messages.js';
import type { LlmClient } from '../src/ports.js';
import type { ReplyChannel } from '../src/engine.js';
import { startTestCluster } from '../test/store/pg-cluster.js';
import { freshDatabase } from '../test/store/pg-env.js';

const args = process.argv.slice(2);
const total = Number(args[args.indexOf('--messages') + 1] ?? 0) || 10_000;
const storeArg = args.includes('--store') ? args[args.indexOf('--store') + 1] : 'both';
if (!['sqlite', 'postgres', 'both'].includes(storeArg ?? '')) {
  console.error('--store expects sqlite, postgres or both');
  process.exit(2);
}
/**
 * Off by default, so the figures are the engine's own. On: a limit no bench person reaches, so
 * every message still gets answered and pays for taking its token from the store.
 */
const rateLimit = args.includes('--rate-limit') ? { RATE_LIMIT_PER_MINUTE: '10000', RATE_LIMIT_BURST: '1000' } : { RATE_LIMIT_PER_MINUTE: '0' };
const CONCURRENCY = 64;
type StoreKind = 'sqlite' | 'postgres';

interface Figures {
  perSecond: number;
  /** The bot process's CPU (user + system) per message over the concurrent phase. */
  cpuMs: number;
  p50: number;
  p99: number;
  loadedP50: number;
  loadedP99: number;
}

// Everyday messages of varied length; none of them is a risk message (the crisis path is
// measured by the load test and the risk benchmark).
const TEXTS = [
  'Can you suggest a good book about the history of the printing press?',
  'how do I undo my last git commit without losing the changes',
  'What is a nice way to say thank you to a colleague who helped me move?',
  '今天天气很好，我们去公园散步吧。有什么推荐的地方吗？',
  'Explain the difference between a list and a tuple in Python, briefly please.',
  'My sourdough starter smells a bit like nail polish, is that normal?',
];

const instantModel: LlmClient = { complete: async () => ({ text: 'Here is a short, helpful answer to your question.', finishReason: 'stop' }) };
const channel: ReplyChannel = { send: async () => ({ id: 'x' }), openDirect: async () => undefined };

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function run(store: StoreKind, users: number, pgServer: string | undefined): Promise<Figures> {
  const dir = mkdtempSync(join(tmpdir(), 'oyster-bench-'));
  const pg = store === 'postgres' ? { DATABASE_URL: await freshDatabase(pgServer!), OYSTER_INSTANCE_ID: 'bench' } : {};
  const config = loadConfig({ OYSTER_DB_PATH: join(dir, 'bench.db'), LOG_LEVEL: 'silent', ...rateLimit, RISK_JUDGE: 'off', ...pg });
  const bot = await createBot({ config, adapters: [], llm: instantModel, logger: silentLogger });
  let seq = 0;
  const message = (i: number): InboundMessage => {
    const user = `u${i % users}`;
    return {
      id: `m${++seq}`,
      conversation: { platform: 'bench', channelId: `dm-${user}` },
      author: { id: user, displayName: user, isBot: false, isSelf: false },
      text: TEXTS[i % TEXTS.length]!,
      isDirect: true, mentionsBot: true, receivedAt: new Date(),
    };
  };
  // Warm-up: JIT, tokenizer load, prepared statements.
  for (let i = 0; i < 300; i++) await bot.engine.handle(message(i), channel);

  const latencies: number[] = [];
  let next = 0;
  const cpu0 = process.cpuUsage();
  const started = performance.now();
  await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
    while (next < total) {
      const m = message(next++);
      const t0 = performance.now();
      const outcome = await bot.engine.handle(m, channel);
      latencies.push(performance.now() - t0);
      if (outcome.status !== 'answered') throw new Error(`unexpected outcome ${outcome.status}`);
    }
  }));
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpu0);

  // Overhead per message, one at a time, so queueing behind other messages is not counted.
  const solo: number[] = [];
  for (let i = 0; i < 2_000; i++) {
    const t0 = performance.now();
    await bot.engine.handle(message(next++), channel);
    solo.push(performance.now() - t0);
  }
  solo.sort((a, b) => a - b);
  latencies.sort((a, b) => a - b);
  await bot.stop();
  rmSync(dir, { recursive: true, force: true });
  return {
    perSecond: total / seconds, cpuMs: (cpu.user + cpu.system) / 1000 / total,
    p50: percentile(solo, 50), p99: percentile(solo, 99), loadedP50: percentile(latencies, 50), loadedP99: percentile(latencies, 99),
  };
}

const stores: StoreKind[] = storeArg === 'both' ? ['sqlite', 'postgres'] : [storeArg as StoreKind];
let cluster: { url: string; stop(): Promise<void> } | undefined;
let pgServer = process.env.TEST_DATABASE_URL;
if (stores.includes('postgres') && !pgServer) {
  cluster = await startTestCluster({ durable: true });
  pgServer = cluster.url;
}
console.log(`engine benchmark: ${total} messages per run, instant in-process model, node ${process.version}${args.includes('--rate-limit') ? ', rate buckets on' : ''}`);
console.log('  sqlite: file-backed, WAL; postgres: local server over TCP, pool of 20 (bot-process CPU only)');
console.log(`  load average at start: ${loadavg().map((n) => n.toFixed(2)).join(', ')}`);
const cell = (f: Figures | undefined, pick: (f: Figures) => string) => (f ? pick(f) : '-').padStart(10);
const columns: Array<[string, (f: Figures) => string]> = [
  ['msg/s', (f) => String(Math.round(f.perSecond))],
  ['CPU/msg', (f) => `${f.cpuMs.toFixed(3)} ms`],
  ['p50', (f) => `${f.p50.toFixed(3)} ms`],
  ['p99', (f) => `${f.p99.toFixed(3)} ms`],
  [`p99@${CONCURRENCY}`, (f) => `${f.loadedP99.toFixed(2)} ms`],
];
console.log(`${'users'.padStart(6)}  ${columns.map(([name]) => stores.map((st) => `${name} ${st === 'sqlite' ? 'SQL' : 'PG'}`.padStart(10)).join(' ')).join('  ')}`);
try {
  // One person would run through any bucket: with buckets on, only the many-person rows.
  for (const users of args.includes('--rate-limit') ? [100, 10_000] : [1, 100, 10_000]) {
    const figures = new Map<StoreKind, Figures>();
    for (const st of stores) figures.set(st, await run(st, users, pgServer));
    console.log(`${String(users).padStart(6)}  ${columns.map(([, pick]) => stores.map((st) => cell(figures.get(st), pick)).join(' ')).join('  ')}`);
  }
} finally {
  await cluster?.stop();
}
console.log(`  load average at end: ${loadavg().map((n) => n.toFixed(2)).join(', ')}`);
console.log('  p50/p99: overhead one message at a time; p99@64: with 64 messages in flight (includes queueing)');
