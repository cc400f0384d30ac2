/**
 * `npm run bench`: engine overhead per message, measured through the real engine, the real
 * file-backed SQLite store and the real policies, with an instant in-process model, so what
 * is timed is everything except the model's own time. Prints messages/s and p50/p99.
 *
 *   npm run bench                 # 1, 100 and 10,000 distinct users
 *   npm run bench -- --messages 20000
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../src/config.js';
import { silentLogger } from '../src/logger.js';
import { createBot } from '../src/main.js';
import type { InboundMessage } from '../src/messages.js';
import type { LlmClient } from '../src/ports.js';
import type { ReplyChannel } from '../src/engine.js';

const args = process.argv.slice(2);
const total = Number(args[args.indexOf('--messages') + 1] ?? 0) || 10_000;
const CONCURRENCY = 64;

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

async function run(users: number): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'oyster-bench-'));
  const config = loadConfig({ OYSTER_DB_PATH: join(dir, 'bench.db'), LOG_LEVEL: 'silent', RATE_LIMIT_PER_MINUTE: '0' });
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

  // Overhead per message, one at a time, so queueing behind other messages is not counted.
  const solo: number[] = [];
  for (let i = 0; i < 2_000; i++) {
    const t0 = performance.now();
    await bot.engine.handle(message(next++), channel);
    solo.push(performance.now() - t0);
  }
  solo.sort((a, b) => a - b);
  latencies.sort((a, b) => a - b);
  console.log(
    `${String(users).padStart(6)} users  ${String(Math.round(total / seconds)).padStart(6)} msg/s  ` +
    `overhead p50 ${percentile(solo, 50).toFixed(3)} ms  p99 ${percentile(solo, 99).toFixed(3)} ms  ` +
    `(under ${CONCURRENCY} in flight: p50 ${percentile(latencies, 50).toFixed(2)} ms, p99 ${percentile(latencies, 99).toFixed(2)} ms)`,
  );
  await bot.stop();
  rmSync(dir, { recursive: true, force: true });
}

console.log(`engine benchmark: ${total} messages per run, file-backed SQLite (WAL), instant in-process model, node ${process.version}`);
for (const users of [1, 100, 10_000]) await run(users);
