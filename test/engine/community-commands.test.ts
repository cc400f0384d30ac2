/**
 * Moderators' community commands through the real bot (engine, store, policies): `country
 * community …` and `language community …` answer in the moderator's language (their /language
 * choice, else the language they last wrote in, else the community's), and the community's
 * language is what a lone short message from a newcomer gets (issue 12 item 5).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../helpers/bot-harness.js';
import { loadModelPolicy } from '../../src/policy/model-policy.js';
import { loadDirectory } from '../../src/crisis/directory.js';
import { POLICIES_DIR } from '../crisis/helpers.js';

let h: Harness | undefined;
afterEach(async () => { await h?.close(); h = undefined; });

const directory = loadDirectory(POLICIES_DIR);
const community = (locale: string) => directory.texts(locale).community;
const botTexts = loadModelPolicy(POLICIES_DIR);
const MOD = { id: 'mod1', displayName: 'mod', roleIds: [] as string[] };
const USER = { id: 'u1', displayName: 'user', roleIds: [] as string[] };
const env = { MODERATOR_IDS: 'fake:mod1' };

describe("moderators' community commands", () => {
  it('answer `country community` in the language the moderator writes in', async () => {
    h = await startHarness({ env, reply: () => 'Vale.' });
    await h.adapter.receive({ userId: 'mod1', text: 'hola, soy moderadora de este servidor y quería probar algunas cosas' });

    const set = await h.adapter.command('country', ['community', 'MX'], MOD, true);
    expect(set.ok).toBe(true);
    expect(set.text).toBe(community('es').country_set.replace('{country}', 'MX'));
    expect(await h.bot.store.preference('community:fake:guild-1', 'country')).toBe('MX');

    const cleared = await h.adapter.command('country', ['community', 'clear'], MOD, true);
    expect(cleared.text).toBe(community('es').country_cleared);
  });

  it("follow the moderator's /language choice, and refuse a non-moderator in theirs", async () => {
    h = await startHarness({ env, reply: () => 'OK.' });
    await h.adapter.command('language', ['de'], MOD);
    expect((await h.adapter.command('country', ['community', 'DE'], MOD, true)).text).toBe(community('de').country_set.replace('{country}', 'DE'));

    await h.adapter.receive({ userId: 'u1', text: "j'ai une question sur les règles du serveur, est-ce que tu peux m'aider" });
    const refused = await h.adapter.command('country', ['community', 'FR'], USER, true);
    expect(refused.ok).toBe(false);
    expect(refused.text).toBe(community('fr').moderators_only);
    expect(await h.bot.store.preference('community:fake:guild-1', 'country')).toBe('DE');
  });

  it('set the community language, which then answers a newcomer\'s lone "hola" and the moderator\'s next command', async () => {
    h = await startHarness({ env, reply: () => ({ status: 503, content: '' }) }); // the model is down: the bot's own text shows the language
    const set = await h.adapter.command('language', ['community', 'es'], MOD, true);
    expect(set.ok).toBe(true);
    expect(set.text).toBe(community('en').language_set.replace('{language}', 'Spanish'));

    // A newcomer the bot knows nothing of: the community's language, not English.
    await h.adapter.receive({ userId: 'u2', text: 'hola', isDirect: false, mentionsBot: true });
    expect(h.adapter.sent.at(-1)!.text).toBe(botTexts.texts('es').model_unavailable);
    // The moderator has written nothing either: their replies now come in the community's language.
    expect((await h.adapter.command('country', ['community', 'ES'], MOD, true)).text).toBe(community('es').country_set.replace('{country}', 'ES'));
  });

  it("`country` shows a moderator the community's options in their language, and a member only their own", async () => {
    h = await startHarness({ env, reply: () => 'OK.' });
    await h.adapter.command('language', ['es'], MOD);
    await h.adapter.command('language', ['es'], USER);
    expect((await h.adapter.command('country', [], MOD, true)).text).toContain(community('es').usage);
    const member = (await h.adapter.command('country', [], USER, true)).text;
    expect(member).toContain(directory.texts('es').countryCommand.usage);
    expect(member).not.toContain(community('es').usage);
  });

  it('refuse `language community` outside a community and from a non-moderator', async () => {
    h = await startHarness({ env, reply: () => 'OK.' });
    const inDm = await h.adapter.command('language', ['community', 'es'], MOD);
    expect(inDm.ok).toBe(false);
    expect(inDm.text).toBe(community('en').no_community);
    const notMod = await h.adapter.command('language', ['community', 'es'], USER, true);
    expect(notMod.ok).toBe(false);
    expect(notMod.text).toBe(community('en').moderators_only);
    expect(await h.bot.store.preference('community:fake:guild-1', 'language')).toBeUndefined();
  });
});
