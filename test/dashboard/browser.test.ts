/**
 * The dashboard in a real browser, end to end: a person writes to the real Telegram adapter
 * (grammy) running against the fake Bot API, the real bot (engine, risk screen, SQLite, outbox)
 * opens a case and alerts the moderator chat; a moderator asks the bot for a sign-in link by
 * private message, opens it in headless Chromium (Debian's package, driven by playwright-core),
 * watches the case appear without a reload, claims it through the page, and the Telegram alert
 * is edited in place while the case's audit log names the moderator.
 *
 * Without Chromium the test fails under CI=true (the CI image installs it) and is skipped
 * elsewhere, saying why.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTelegramAdapter } from '../../adapters/telegram/index.js';
import { loadConfig } from '../../src/config.js';
import { silentLogger } from '../../src/logger.js';
import { createBot, type Bot } from '../../src/main.js';
import { startFakeModel, type FakeModel } from '../fakes/fake-model.js';
import { startFakeTelegram, type FakeTelegram } from '../fakes/fake-telegram.js';
import { fakeModelEnv, tempDbPath } from '../helpers/bot-harness.js';
import { CHROMIUM_PATH, chromiumInstalled, launchChromium } from '../helpers/browser.js';
import { waitFor } from '../helpers/wait-for.js';
import { alice, BOT, moderator, MOD_CHAT_ID, privateText } from '../telegram/fixtures.js';
import { testConfig } from '../telegram/harness.js';

const IMMINENT = 'I have all the pills in front of me and I am taking them tonight. This is goodbye.';
/** Generous: two cores shared by many processes, and Chromium is slow to start on them. */
const LONG = 30_000;

const inCi = process.env['CI'] === 'true';
const skip = !chromiumInstalled() && !inCi;
if (skip) {
  process.stdout.write(`Skipping the dashboard browser test: no Chromium at ${CHROMIUM_PATH} (apt-get install -y chromium, or set CHROMIUM_PATH). Under CI=true it fails instead.\n`);
}

interface World {
  fake: FakeTelegram;
  model: FakeModel;
  bot: Bot;
}

describe.skipIf(skip)('moderator dashboard in headless Chromium', () => {
  let world: World | undefined;
  let browser: Browser | undefined;

  beforeAll(async () => {
    // Launch first: under CI=true a missing Chromium throws here, and the test fails loudly.
    browser = await launchChromium();
    const fake = await startFakeTelegram({ bot: BOT });
    const model = await startFakeModel();
    const config = loadConfig({
      ...fakeModelEnv(model, tempDbPath('oyster-dash-browser-')),
      CRISIS_DEFAULT_COUNTRY: 'US', MODERATOR_IDS: `telegram:${moderator.id}`, OYSTER_CONSOLE: 'off',
      LOG_LEVEL: 'silent', STREAMING: 'off', DASHBOARD_PORT: '0',
    });
    const adapter = createTelegramAdapter(testConfig(fake, { moderatorChatId: String(MOD_CHAT_ID) }), { logger: silentLogger });
    const bot = await createBot({ config, adapters: [adapter], logger: silentLogger });
    await bot.start();
    world = { fake, model, bot };
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    if (world) {
      await world.bot.stop();
      await world.model.close();
      await world.fake.close();
    }
  });

  it('shows a Telegram crisis live, and a claim on the page edits the Telegram alert and is audited', async () => {
    const { fake, bot } = world!;
    const inChat = (chatId: number) => fake.sent.filter((s) => s.chatId === String(chatId));

    // The moderator asks for a link in a private chat with the bot, as they would on their phone.
    fake.pushUpdate(privateText(moderator, '/case web'));
    const linkMessage = await waitFor(() => inChat(moderator.id).find((s) => /\/login\//.test(s.visible)), { timeoutMs: LONG, what: 'the sign-in link by private message' });
    const link = /(https?:\/\/\S+\/login\/[A-Za-z0-9_-]+)/.exec(linkMessage.visible)?.[1];
    expect(link, 'the private message carries a sign-in link').toBeDefined();

    const context = await browser!.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await page.goto(link!);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`${bot.dashboard!.localUrl}/`, { timeout: LONG });
    await expect(page.getByRole('heading', { name: 'Cases' }).isVisible()).resolves.toBe(true);
    // The event stream is open before anything happens, so what follows can only arrive live.
    await page.waitForSelector('html[data-live="on"]', { timeout: LONG });
    await expect(page.getByText('No cases match these filters.').isVisible()).resolves.toBe(true);
    // A mark that a reload would wipe: it must still be there when the case shows.
    await page.evaluate(() => { (globalThis as unknown as { notReloaded: boolean }).notReloaded = true; });

    fake.pushUpdate(privateText(alice, IMMINENT, { messageId: 800 }));
    const alert = await waitFor(() => inChat(MOD_CHAT_ID).find((s) => /case #\d+/.test(s.visible)), { timeoutMs: LONG, what: 'the Telegram alert' });
    const caseId = Number(/case #(\d+)/.exec(alert.visible)![1]);
    expect(alert.edits).toBe(0);

    const caseLink = page.getByRole('link', { name: `Case #${caseId}` });
    await caseLink.waitFor({ state: 'visible', timeout: LONG });
    expect(await page.evaluate(() => (globalThis as unknown as { notReloaded?: boolean }).notReloaded)).toBe(true);
    const row = page.locator('tr.case', { has: caseLink });
    await expect(row.locator('td[data-label="Level"]').innerText()).resolves.toMatch(/imminent/i);
    await expect(row.locator('td[data-label="Claimed by"]').innerText()).resolves.toContain('nobody yet');
    // The alert's delivery to the Telegram sink is shown once the outbox has it delivered.
    await page.locator('tr.case td[data-label="Alerts"] li.sink-delivered').first().waitFor({ timeout: LONG });

    // Keyboard alone: focus the case link and follow it with Enter.
    await caseLink.focus();
    await page.keyboard.press('Enter');
    await page.waitForURL(`${bot.dashboard!.localUrl}/cases/${caseId}`, { timeout: LONG });
    await page.waitForSelector('html[data-live="on"]', { timeout: LONG });
    const title = await page.title();
    expect(title).not.toMatch(/pills|goodbye|Alice/i);

    await page.getByRole('button', { name: 'Claim and acknowledge' }).click();
    await page.waitForURL(`${bot.dashboard!.localUrl}/cases/${caseId}`, { timeout: LONG });
    await page.getByText(`acknowledged by ${moderator.first_name}`, { exact: false }).first().waitFor({ timeout: LONG });

    // The same core action as a chat button: the one Telegram alert is edited, not re-posted.
    await waitFor(() => alert.edits >= 1 && /Status: acknowledged by Mia/.test(alert.visible), { timeoutMs: LONG, what: 'the Telegram alert edited in place' });
    // The edited alert's headline changes ('Case updated #N'), so count messages by the case number.
    expect(inChat(MOD_CHAT_ID).filter((s) => new RegExp(`#${caseId}\\b`).test(s.visible))).toHaveLength(1);

    // The audit log holds the web action under the moderator's platform account ...
    const audit = await bot.cases.auditLog(caseId);
    expect(audit.filter((a) => a.action === 'acknowledge').map((a) => a.actor)).toEqual([`telegram:${moderator.id}`]);
    // ... and the case page's timeline shows it.
    const claimed = page.locator('ol.timeline li.tl-audit', { hasText: 'Claimed (acknowledged)' });
    await claimed.waitFor({ timeout: LONG });
    await expect(claimed.innerText()).resolves.toContain(`telegram:${moderator.id}`);
    await context.close();
  }, 120_000);
});
