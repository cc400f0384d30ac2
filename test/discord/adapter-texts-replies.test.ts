/**
 * The Discord adapter's own words around a core reply (a long answer sent as a file, the /forget
 * button) follow the reply's language (CommandReply.locale), from the bot's real texts
 * (policies/texts/), through a real discord.js Client against the fake Discord.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createDiscordAdapter } from '../../adapters/discord/index.js';
import { silentLogger } from '../../src/logger.js';
import { loadModelPolicy } from '../../src/policy/model-policy.js';
import type { AdapterNotes, CommandReply, CommandRequest, PlatformAdapter } from '../../src/ports.js';
import { startFakeDiscord, type FakeDiscord } from '../fakes/fake-discord.js';
import { fakeUser, slashPayload } from '../fakes/fake-discord-world.js';
import { waitFor } from '../helpers/wait-for.js';
import { RecordingHandlers, testConfig } from './helpers.js';

const policy = loadModelPolicy('policies');

/** The handlers main.ts builds give the adapter the bot's texts by language. */
class HandlersWithTexts extends RecordingHandlers {
  notes(tag: string | undefined): AdapterNotes {
    return policy.texts(tag ?? 'en');
  }
}

let fake: FakeDiscord;
let adapter: PlatformAdapter | undefined;

beforeEach(async () => {
  fake = await startFakeDiscord();
});

afterEach(async () => {
  await adapter?.stop();
  adapter = undefined;
  await fake.close();
});

async function started(answer: (c: CommandRequest) => CommandReply): Promise<void> {
  adapter = createDiscordAdapter(testConfig(fake), { logger: silentLogger });
  await adapter.start(new HandlersWithTexts(answer));
}

const editOf = (token: string) => fake.webhookCalls.find((c) => c.method === 'PATCH' && c.path.includes(token));

describe('the Discord adapter\'s words around a reply', () => {
  it('sends a long Polish answer as a file with a Polish note, and labels the Polish /forget button in Polish', async () => {
    await started((c) => c.name === 'export'
      ? { ok: true, private: true, locale: 'pl', text: Array.from({ length: 6 }, () => 'ż'.repeat(1900)).join('\n\n') }
      : { ok: true, private: true, locale: 'pl', text: 'To usunie wszystko. Na pewno?' });
    const ola = fakeUser(fake.world, 'alice');
    fake.interaction(slashPayload(fake.world, { id: '840000000000000001', token: 'export-pl', from: ola, name: 'export' }));
    const file = await waitFor(() => editOf('export-pl'));
    expect(JSON.stringify(file.body)).toContain('To jest długie, więc wysyłam to jako plik. Tylko ty to widzisz.');

    fake.interaction(slashPayload(fake.world, { id: '840000000000000002', token: 'forget-pl', from: ola, name: 'forget' }));
    const prompt = await waitFor(() => editOf('forget-pl'));
    expect(prompt.body.components[0].components[0].label).toBe('Tak, usuń moje dane');
  });
});
