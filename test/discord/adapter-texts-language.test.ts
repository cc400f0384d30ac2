/**
 * The Discord adapter's own sentences (an unknown command, a button that no longer works) speak
 * the person's language: with no reply from the core to follow, the Discord client's language
 * (interaction.locale) chooses, through the real bot (createBot) and a real discord.js Client
 * against the fake Discord.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createDiscordAdapter } from '../../adapters/discord/index.js';
import { loadConfig } from '../../src/config.js';
import { silentLogger } from '../../src/logger.js';
import { createBot, type Bot } from '../../src/main.js';
import { startFakeDiscord, type FakeDiscord } from '../fakes/fake-discord.js';
import { buttonPayload, fakeUser, slashPayload } from '../fakes/fake-discord-world.js';
import { startFakeModel, type FakeModel } from '../fakes/fake-model.js';
import { waitFor } from '../helpers/wait-for.js';
import { testConfig } from './helpers.js';

let fake: FakeDiscord;
let model: FakeModel;
let bot: Bot | undefined;
let dir: string;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'oyster-discord-texts-'));
  fake = await startFakeDiscord({ heartbeatIntervalMs: 500 });
  model = await startFakeModel({ reply: () => 'I am here.' });
  const config = loadConfig({
    OYSTER_DB_PATH: join(dir, 'bot.db'), RISK_JUDGE: 'off', OYSTER_BASE_URL: model.url, OYSTER_MAX_RETRIES: '0',
    MODERATOR_ROLE_IDS: fake.world.roles.moderator, CRISIS_DEFAULT_COUNTRY: 'US', LOG_LEVEL: 'silent', STREAMING: 'off',
  });
  bot = await createBot({ config, adapters: [createDiscordAdapter(testConfig(fake), { logger: silentLogger })], logger: silentLogger });
  await bot.start();
});

afterEach(async () => {
  await bot?.stop();
  bot = undefined;
  await fake.close();
  await model.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('the Discord adapter\'s own texts', () => {
  it('answers a command it does not know in the language of the person\'s Discord client', async () => {
    fake.interaction(slashPayload(fake.world, {
      id: '820000000000000001', token: 'unknown-de', from: fakeUser(fake.world, 'alice'), name: 'nosuchcommand', locale: 'de',
    }));
    const edit = await waitFor(() => fake.webhookCalls.find((c) => c.method === 'PATCH' && c.path.includes('unknown-de')));
    expect(edit.body.content).toBe('Diesen Befehl kenne ich nicht. Sende /help, um zu sehen, was ich kann.');
  });

  it('says a button no longer works in Spanish to a Spanish (es-ES) Discord client', async () => {
    fake.interaction(buttonPayload(fake.world, {
      id: '820000000000000002', token: 'stale-es', from: fakeUser(fake.world, 'alice'), customId: 'something:from-an-old-version', locale: 'es-ES',
      message: { id: '830000000000000001', channelId: fake.world.channels.general },
    }));
    const [callback] = await waitFor(() => fake.callbacks.length > 0 && fake.callbacks);
    expect(callback).toMatchObject({ type: 4, data: { content: 'Este botón ya no funciona.', flags: 64 } });
  });

  it('gets the core\'s command replies with their language, and the bot\'s texts in it for its own words around them', async () => {
    const handlers = bot!.handlersFor({ send: async () => ({ id: 'x' }), openDirect: async () => undefined });
    const request = (name: string, args: string[]) => ({
      name, args, actor: { id: '555', displayName: 'Ola', roleIds: [] }, conversation: { platform: 'discord', channelId: '556' }, isDirect: true,
    });
    expect((await handlers.onCommand(request('language', ['pl']))).locale).toBe('pl');
    const help = await handlers.onCommand(request('help', []));
    expect(help.locale).toBe('pl');
    expect(handlers.notes?.(help.locale).sent_as_file).toBe('To jest długie, więc wysyłam to jako plik. Tylko ty to widzisz.');
    // A Discord client language with no texts of its own gets English.
    expect(handlers.notes?.('sv').button_expired).toBe('This button no longer works.');
  });
});
