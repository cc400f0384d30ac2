/**
 * The bot's replies to a person's commands (/help, /forget, /export, an unknown command) in the
 * language the bot knows for them, as its crisis texts and the moderators' replies choose: their
 * /language choice, else the language they last wrote in, else the community's, else English.
 * Before, anyone without a stored /language choice got English, though the texts exist in all 18
 * languages. Through the real bot (engine, SQLite store, policies).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { helpText } from '../../src/command-catalogue.js';
import { loadModelPolicy } from '../../src/policy/model-policy.js';
import { startHarness, type Harness } from '../helpers/bot-harness.js';
import { POLICIES_DIR } from './helpers.js';

let h: Harness | undefined;
afterEach(async () => { await h?.close(); h = undefined; });

const texts = (locale: string) => loadModelPolicy(POLICIES_DIR).texts(locale);
const help = (locale: string) => helpText(locale, texts(locale).help);
const SPANISH = 'hoy tuve un día muy largo en el trabajo y no sé qué hacer con mi jefe';

describe("the replies to a person's commands", () => {
  it('are in the language the person last wrote in', async () => {
    h = await startHarness({ reply: () => 'Claro, cuéntame.' });
    await h.adapter.receive({ text: SPANISH });
    expect((await h.adapter.command('help')).text).toBe(help('es'));
    expect((await h.adapter.command('forget')).text).toBe(texts('es').forget_confirm);
    expect((await h.adapter.command('export')).text.split('\n')[0]).toBe(texts('es').export_intro);
    expect((await h.adapter.command('frobnicate')).text).toBe(texts('es').unknown_command);
  });

  it('follow a /language choice over the language of the messages', async () => {
    h = await startHarness({ reply: () => 'Claro.' });
    await h.adapter.receive({ text: SPANISH });
    await h.adapter.command('language', ['fr']);
    expect((await h.adapter.command('help')).text).toBe(help('fr'));
  });

  it("are in the community's language for a newcomer, and English when nothing is known", async () => {
    h = await startHarness({ reply: () => 'Ok.', env: { MODERATOR_IDS: 'fake:mod1' } });
    await h.adapter.command('language', ['community', 'de'], { id: 'mod1', displayName: 'mod', roleIds: [] }, true);
    expect((await h.adapter.command('help', [], { id: 'u7', displayName: 'new', roleIds: [] }, true)).text).toBe(help('de'));
    expect((await h.adapter.command('help', [], { id: 'u8', displayName: 'dm', roleIds: [] })).text).toBe(help('en'));
  });
});
