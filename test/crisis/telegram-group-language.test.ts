/**
 * In a Telegram group, a crisis text that could not go by private message is posted in place with
 * a button that opens a private chat. The text is in the person's language; the button's label
 * must be too: before, it said "Talk to me privately" under a Spanish text. The real grammy Bot
 * against the fake Bot API, through the real engine, crisis step, store and policies.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createTelegramAdapter } from '../../adapters/telegram/index.js';
import { loadConfig } from '../../src/config.js';
import { silentLogger } from '../../src/logger.js';
import { createBot, type Bot } from '../../src/main.js';
import { startFakeModel, type FakeModel } from '../fakes/fake-model.js';
import { startFakeTelegram, type FakeTelegram } from '../fakes/fake-telegram.js';
import { fakeModelEnv, tempDbPath } from '../helpers/bot-harness.js';
import { waitFor } from '../helpers/wait-for.js';
import { BOT, GROUP_ID, groupText, type FakeUser } from '../telegram/fixtures.js';
import { testConfig } from '../telegram/harness.js';

const lucia: FakeUser = { id: 1003, is_bot: false, first_name: 'Lucía', username: 'lucia', language_code: 'es' };
let closeAll: (() => Promise<void>) | undefined;
afterEach(async () => { await closeAll?.(); closeAll = undefined; });

async function start(): Promise<{ fake: FakeTelegram; model: FakeModel; bot: Bot }> {
  const fake = await startFakeTelegram({ bot: BOT });
  const model = await startFakeModel({ reply: () => 'Estoy aquí contigo.' });
  const config = loadConfig({
    ...fakeModelEnv(model, tempDbPath('oyster-tg-lang-')), CRISIS_DEFAULT_COUNTRY: 'MX', OYSTER_CONSOLE: 'off', LOG_LEVEL: 'silent', STREAMING: 'off',
  });
  const adapter = createTelegramAdapter(testConfig(fake, {}), { logger: silentLogger });
  const bot = await createBot({ config, adapters: [adapter], logger: silentLogger });
  await bot.start();
  closeAll = async () => { await bot.stop(); await model.close(); await fake.close(); };
  return { fake, model, bot };
}

describe('the private-chat button under a crisis text in a Telegram group', () => {
  it("speaks the text's language: Spanish text, Spanish button", async () => {
    const { fake, bot } = await start();
    fake.pushUpdate(groupText(lucia, 'tengo todas las pastillas en la mano y esta noche me las tomo. adiós a todos', { messageId: 950 }));
    const inGroup = () => fake.sent.filter((s) => s.chatId === String(GROUP_ID));
    await waitFor(() => inGroup().length >= 1, { what: 'the crisis text in the group' });
    await bot.engine.idle();
    const note = inGroup()[0]!;
    // Mexico's line (policies/resources/MX.yaml), in Spanish, and the button in Spanish.
    expect(note.visible).toContain('800 911 2000');
    expect(note.visible).toMatch(/llama/i);
    expect(note.replyMarkup).toEqual({ inline_keyboard: [[{ text: 'Háblame en privado', url: `https://t.me/${BOT.username}?start=support` }]] });
  });
});
