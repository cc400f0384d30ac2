/**
 * `npm run bench:first-crisis`: how long the first crisis message after start waits for its
 * resources, and the ones after it (issue 12 item 10: within 50 ms, like every later one).
 * Each run is a fresh process-like start: a new bot on a new SQLite file, started as in
 * production, then crisis messages from distinct people; the time is from intake to the
 * platform send of the resources. The model is instant and in-process, so only the bot is timed.
 *
 *   npm run bench:first-crisis              # 5 starts
 *   npm run bench:first-crisis -- --starts 10
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../src/config.js';
import { silentLogger } from '../src/logger.js';
import { createBot } from '../src/main.js';
import type { InboundMessage, OutboundMessage } from '../src/messages.js';
import type { BotHandlers, LlmClient, PlatformAdapter } from '../src/ports.js';

const args = process.argv.slice(2);
const starts = Number(args[args.indexOf('--starts') + 1] ?? 0) || 5;
const LATER = 20;

const CRISIS = [
  'I keep thinking about killing myself and I do not know how to stop.',
  'Ich will nicht mehr leben, ich denke jeden Tag daran, mich umzubringen.',
  'No quiero seguir viviendo, pienso en suicidarme todo el tiempo.',
  '我一直在想自杀，不知道该怎么办。',
];

const instantModel: LlmClient = { complete: async () => ({ text: 'I am glad you told me.', finishReason: 'stop' }) };

/** An adapter that records when each resource message is sent. */
class TimingAdapter implements PlatformAdapter {
  readonly platform = 'bench';
  handlers: BotHandlers | undefined;
  readonly resourcesAt = new Map<string, number>();
  async start(handlers: BotHandlers) { this.handlers = handlers; }
  async send(m: OutboundMessage) {
    if (m.kind === 'resources' && !this.resourcesAt.has(m.conversation.channelId)) this.resourcesAt.set(m.conversation.channelId, performance.now());
    return { id: 'x' };
  }
  async openDirect(userId: string) { return { platform: this.platform, channelId: `dm-${userId}` }; }
  async stop() { this.handlers = undefined; }
}

async function oneStart(run: number): Promise<{ first: number; later: number[] }> {
  const dir = mkdtempSync(join(tmpdir(), 'oyster-first-crisis-'));
  const config = loadConfig({ OYSTER_DB_PATH: join(dir, 'bench.db'), LOG_LEVEL: 'silent', CRISIS_DEFAULT_COUNTRY: 'US' });
  const adapter = new TimingAdapter();
  const bot = await createBot({ config, adapters: [adapter], llm: instantModel, logger: silentLogger });
  await bot.start();
  const times: number[] = [];
  try {
    for (let i = 0; i <= LATER; i++) {
      const user = `r${run}u${i}`;
      const message: InboundMessage = {
        id: `m${i}`, conversation: { platform: 'bench', channelId: `dm-${user}` },
        author: { id: user, displayName: user, isBot: false, isSelf: false },
        text: CRISIS[i % CRISIS.length]!, isDirect: true, mentionsBot: true, receivedAt: new Date(),
      };
      const t0 = performance.now();
      const receipt = await adapter.handlers!.onMessage(message);
      await receipt.handled;
      const at = adapter.resourcesAt.get(`dm-${user}`);
      if (at === undefined) throw new Error(`no resources for message ${i}`);
      times.push(at - t0);
    }
  } finally {
    await bot.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  return { first: times[0]!, later: times.slice(1) };
}

const firsts: number[] = [];
const laters: number[] = [];
for (let run = 0; run < starts; run++) {
  const { first, later } = await oneStart(run);
  firsts.push(first);
  laters.push(...later);
}
const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b);
const pct = (xs: number[], p: number) => sorted(xs)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]!;
const ms = (x: number) => `${x.toFixed(1)} ms`;
console.log(`first crisis message after start (${starts} starts): median ${ms(pct(firsts, 50))}, max ${ms(Math.max(...firsts))}`);
console.log(`later crisis messages (${laters.length}): p50 ${ms(pct(laters, 50))}, p99 ${ms(pct(laters, 99))}, max ${ms(Math.max(...laters))}`);
console.log(`target: every first message within 50 ms -> ${Math.max(...firsts) <= 50 ? 'met' : 'NOT met'}`);
