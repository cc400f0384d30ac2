/**
 * `npm run screenshots`: PNGs of the moderator dashboard's queue and a case page, at desktop
 * and phone sizes, into docs/screenshots/. It runs the real bot (engine, risk screen, SQLite,
 * outbox) with three in-memory platform adapters and the fake model, plays a few at-risk
 * messages and moderator actions to fill the queue, signs in through a one-time link in
 * headless Chromium (Debian's package, see test/helpers/browser.ts) and saves the pages.
 *
 * The messages are the test suite's own sample sentences; the people are made up.
 */
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { loadConfig } from '../src/config.js';
import { silentLogger } from '../src/logger.js';
import { createBot } from '../src/main.js';
import type { Clock } from '../src/ports.js';
import { loginUrl } from '../src/dashboard/index.js';
import { FakeAdapter } from '../test/fakes/fake-adapter.js';
import { startFakeModel } from '../test/fakes/fake-model.js';
import { launchChromium } from '../test/helpers/browser.js';

const OUT = resolve(import.meta.dirname, '../docs/screenshots');
const IMMINENT = 'I have all the pills in front of me and I am taking them tonight. This is goodbye.';
const HIGH = 'I keep thinking about killing myself and I do not know how to stop.';
const MODERATE = 'Lately I wish I could fall asleep and just never wake up again.';

const MIN = 60_000;
let nowMs = Date.now() - 5 * 60 * MIN;
const clock: Clock = { now: () => new Date(nowMs) };

async function main(): Promise<void> {
  mkdirSync(OUT, { recursive: true });
  const model = await startFakeModel();
  const telegram = new FakeAdapter({ platform: 'telegram', withModeratorChannel: true });
  const discord = new FakeAdapter({ platform: 'discord', withModeratorChannel: true });
  const slack = new FakeAdapter({ platform: 'slack', withModeratorChannel: true, closedDms: ['u-kai'] });
  const config = loadConfig({
    OYSTER_DB_PATH: join(mkdtempSync(join(tmpdir(), 'oyster-shots-')), 'bot.db'),
    RISK_JUDGE: 'off', OYSTER_BASE_URL: model.url, OYSTER_MAX_RETRIES: '0', OYSTER_TIMEOUT_MS: '3000', LOG_LEVEL: 'silent',
    OYSTER_CONSOLE: 'off', CRISIS_DEFAULT_COUNTRY: 'US', RATE_LIMIT_PER_MINUTE: '0',
    MODERATOR_IDS: 'telegram:mia,discord:sam', DASHBOARD_PORT: '0',
  });
  const bot = await createBot({ config, adapters: [telegram, discord, slack], clock, logger: silentLogger });
  await bot.start();
  const browser = await launchChromium();
  try {
    /** One message from a person; resolves with the id of their case. */
    const say = async (adapter: FakeAdapter, userId: string, name: string, text: string, group = false): Promise<number> => {
      await adapter.receive({
        text, userId, isDirect: !group, mentionsBot: true, receivedAt: clock.now(),
        author: { id: userId, displayName: name, isBot: false, isSelf: false },
        ...(group ? { conversation: { platform: adapter.platform, channelId: 'support', communityId: `${adapter.platform}-community` } } : {}),
      });
      await bot.drainAlerts();
      const mine = (await bot.cases.listCases({ activeOnly: false, failingAfterAttempts: 5 })).find((c) => c.userKey === `${adapter.platform}:${userId}`);
      if (!mine) throw new Error(`no case opened for ${name}: the sample sentence is no longer screened as at risk`);
      return mine.id;
    };
    const mia = { id: 'mia', displayName: 'Mia', roleIds: [] };
    const ren = await say(discord, 'u-ren', 'Ren', MODERATE, true);
    nowMs += 70 * MIN;
    await say(slack, 'u-kai', 'Kai', HIGH, true);
    nowMs += 40 * MIN;
    const ana = await say(telegram, 'u-ana', 'Ana', HIGH);
    nowMs += 25 * MIN;
    await telegram.command('case', ['ack', String(ana)], mia);
    nowMs += 4 * MIN;
    await telegram.command('case', ['note', String(ana), 'Wrote to her privately; she is talking with a friend now.'], mia);
    await telegram.command('case', ['pause', String(ana)], mia);
    nowMs += 20 * MIN;
    await say(telegram, 'u-lee', 'Lee', IMMINENT, true);
    nowMs += 30 * MIN;
    await discord.command('case', ['resolve', String(ren), 'resources_accepted'], { id: 'sam', displayName: 'Sam', roleIds: [] });
    await say(discord, 'u-noa', 'Noa', MODERATE);
    nowMs += 12 * MIN;
    await bot.drainAlerts();
    const shown = ana;

    const link = await bot.dashboard!.auth.issueLink({ userKey: 'telegram:mia', displayName: 'Mia', roleIds: [] });
    const sizes = [
      { name: 'desktop', viewport: { width: 1280, height: 860 }, isMobile: false },
      { name: 'phone', viewport: { width: 390, height: 844 }, isMobile: true },
    ];
    const context = await browser.newContext({ viewport: sizes[0]!.viewport });
    const page = await context.newPage();
    await page.goto(loginUrl(bot.dashboard!.localUrl, link!.token));
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`${bot.dashboard!.localUrl}/`);
    const cookies = await context.cookies();
    for (const size of sizes) {
      const ctx = await browser.newContext({ viewport: size.viewport, isMobile: size.isMobile, deviceScaleFactor: size.isMobile ? 2 : 1 });
      await ctx.addCookies(cookies);
      const p = await ctx.newPage();
      await p.goto(`${bot.dashboard!.localUrl}/`);
      await p.waitForSelector('html[data-live="on"]');
      await p.screenshot({ path: join(OUT, `queue-${size.name}.png`), fullPage: true });
      await p.goto(`${bot.dashboard!.localUrl}/cases/${shown}`);
      await p.waitForSelector('html[data-live="on"]');
      await p.screenshot({ path: join(OUT, `case-${size.name}.png`), fullPage: true });
      await ctx.close();
    }
    process.stdout.write(`Screenshots written to ${OUT}\n`);
  } finally {
    await browser.close();
    await bot.stop();
    await model.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`screenshots failed: ${error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
  process.exit(1);
});
