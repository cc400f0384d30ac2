/**
 * The Slack adapter's own words around a core reply follow the reply's language: a long answer
 * sent to the DM is announced in the language the core wrote it in (CommandReply.locale), from
 * the bot's real texts (policies/texts/), through the real bolt App against the fake Slack.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadModelPolicy } from '../../src/policy/model-policy.js';
import type { AdapterNotes } from '../../src/ports.js';
import { signedPost, slashCommandForm, startFakeSlack, type FakeSlack } from '../fakes/fake-slack.js';
import { waitFor } from '../helpers/wait-for.js';
import { CHANNEL, USER } from './fixtures.js';
import { RecordingHandlers, SIGNING_SECRET, startAdapter, type Started } from './harness.js';

const policy = loadModelPolicy('policies');

/** The handlers main.ts builds give the adapter the bot's texts by language. */
class HandlersWithTexts extends RecordingHandlers {
  notes(tag: string | undefined): AdapterNotes {
    return policy.texts(tag ?? 'en');
  }
}

let fake: FakeSlack;
let bot: Started;
const handlers = new HandlersWithTexts();

beforeAll(async () => {
  fake = await startFakeSlack();
  fake.users.set(USER, { name: 'alice', displayName: 'Alice' });
  bot = await startAdapter(fake, handlers, { commandInlineMs: 300 });
});
afterAll(async () => {
  await bot.adapter.stop();
  await fake.close();
});

describe('slack adapter texts in the reply\'s language', () => {
  it('says in Turkish that a long Turkish answer went to the direct messages', async () => {
    handlers.reply = () => ({ text: Array.from({ length: 3 }, () => 'ş'.repeat(3000)).join('\n\n'), ok: true, private: true, locale: 'tr' });
    const res = await signedPost(bot.url, slashCommandForm({ text: 'export', user: USER, channel: CHANNEL, responseUrl: fake.responseUrl('tr1') }), { secret: SIGNING_SECRET });
    expect(res.status).toBe(200);
    const note = await waitFor(() => fake.responses.find((r) => r.id === 'tr1'));
    expect(note.body).toMatchObject({ response_type: 'ephemeral', text: 'Bunu sana özel mesajlarımızdan gönderdim.' });
    expect(fake.callsTo('chat.postMessage')).toHaveLength(3);
  });
});
