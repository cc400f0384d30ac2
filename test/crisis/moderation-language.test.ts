/**
 * The moderators' `case` replies in the language of the person asking (issue 12): their /language
 * choice, else the language they last wrote in, else the community's, as the community commands
 * answer. Before, every one of them was English ("There is no case #…", "Only moderators can act…").
 * Through the real bot (engine, SQLite store, policies); and the templates hold every reply in all
 * 18 languages, each language its own (none falls back to English), marked pending review.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { afterEach, describe, expect, it } from 'vitest';
import { loadDirectory } from '../../src/crisis/directory.js';
import { ENGLISH_MODERATION } from '../../src/crisis/moderation.js';
import { MODERATION_KEYS } from '../../src/crisis/templates-schema.js';
import { HELP_LOCALES } from '../../src/command-catalogue.js';
import { CASE_OUTCOMES } from '../../src/store/case-store.js';
import { startHarness, type Harness } from '../helpers/bot-harness.js';
import { askForLink, MODERATOR, NOT_MODERATOR, startDashWorld, type DashWorld } from '../dashboard/harness.js';
import { POLICIES_DIR } from './helpers.js';

let h: Harness | undefined;
afterEach(async () => { await h?.close(); h = undefined; });

const directory = loadDirectory(POLICIES_DIR);
const texts = (locale: string) => directory.texts(locale).moderation;
const fill = (text: string, values: Record<string, string | number>) =>
  text.replace(/\{([a-z_]+)\}/g, (_w, name: string) => String(values[name]));
const MOD = { id: 'mod1', displayName: 'Mo', roleIds: [] as string[] };
const USER = { id: 'u2', displayName: 'Ana', roleIds: [] as string[] };
const env = { MODERATOR_IDS: 'fake:mod1' };
const HIGH = 'I keep thinking about killing myself and I do not know how to stop.';

describe("the moderators' case replies through the real bot", () => {
  it('answer a moderator who writes Spanish in Spanish, for every action and every refusal of one', async () => {
    h = await startHarness({ env, reply: () => 'Vale.' });
    await h.adapter.receive({ userId: 'mod1', text: 'hola, soy moderadora de este servidor y quería revisar los casos abiertos' });
    await h.adapter.receive({ text: HIGH });
    const es = texts('es');
    const caseCmd = async (...args: string[]) => (await h!.adapter.command('case', args, MOD)).text;

    expect(await caseCmd('list')).toMatch(new RegExp(`^#1 · high · open · fake · ${fill(es.list_opened, { at: '\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\dZ' })}$`));
    expect(await caseCmd('ack', '1')).toBe(fill(es.acknowledged, { id: 1, by: 'Mo' }));
    expect(await caseCmd('ack', '1')).toBe(fill(es.already_acknowledged, { id: 1, by: 'fake:mod1' }));
    expect(await caseCmd('list')).toContain(fill(es.list_acknowledged, { by: 'fake:mod1' }));
    expect(await caseCmd('pause', '1')).toBe(fill(es.paused, { id: 1 }));
    expect(await caseCmd('list')).toContain(`acknowledged ${es.list_paused}`);
    expect(await caseCmd('pause', '1')).toBe(fill(es.already_paused, { id: 1 }));
    expect(await caseCmd('resume', '1')).toBe(fill(es.resumed, { id: 1 }));
    expect(await caseCmd('resume', '1')).toBe(fill(es.not_paused, { id: 1 }));
    expect(await caseCmd('note', '1')).toBe(es.note_missing);
    expect(await caseCmd('note', '1', 'x'.repeat(1001))).toBe(fill(es.note_too_long, { max: 1000 }));
    expect(await caseCmd('note', '1', 'llamé, está a salvo')).toBe(fill(es.noted, { id: 1 }));
    expect(await caseCmd('ack')).toBe(es.which_case);
    expect(await caseCmd('ack', '99')).toBe(fill(es.not_found, { id: 99 }));
    expect(await caseCmd('resolve', '1', 'quizas')).toBe(fill(es.unknown_outcome, { value: 'quizas', outcomes: CASE_OUTCOMES.join(', ') }));
    expect(await caseCmd('resolve', '1', 'false_positive')).toBe(fill(es.resolved, { id: 1, by: 'Mo', outcome: 'false_positive' }));
    expect(await caseCmd('resolve', '1')).toBe(fill(es.already_resolved, { id: 1 }));
    expect(await caseCmd('list')).toBe(es.no_open_cases);
  });

  it('refuses a person who is not a moderator in their language (German), and a moderator with no language known in English', async () => {
    h = await startHarness({ env, reply: () => 'Okay.' });
    await h.adapter.receive({ userId: 'u2', text: 'ich wollte nur kurz fragen, wie dieser Server eigentlich funktioniert' });
    await h.adapter.receive({ text: HIGH });
    expect((await h.adapter.command('case', ['ack', '1'], USER)).text).toBe(texts('de').refused);
    expect((await h.adapter.command('case', ['ack', '99'], MOD)).text).toBe('There is no case #99.');
  });

  it("answers in each of the 18 languages a moderator chooses with /language", async () => {
    h = await startHarness({ env, reply: () => 'Ok.' });
    const seen = new Set<string>();
    for (const locale of HELP_LOCALES) {
      await h.adapter.command('language', [locale], MOD);
      const text = (await h.adapter.command('case', ['ack', '99'], MOD)).text;
      expect(text).toBe(fill(texts(locale).not_found, { id: 99 }));
      seen.add(text);
    }
    // zh and zh-Hant say it in one sentence apart: every language has its own words.
    expect(seen.size).toBe(HELP_LOCALES.length);
  });
});

describe('`case web` (the sign-in link to the moderator dashboard)', () => {
  let w: DashWorld | undefined;
  afterEach(async () => { await w?.close(); w = undefined; });

  it("answers in the moderator's language, and refuses a non-moderator in theirs", async () => {
    w = await startDashWorld();
    await w.adapter.command('language', ['pl'], MODERATOR);
    const { reply, url } = await askForLink(w);
    expect(url).toBeDefined();
    expect(reply.text).toBe(fill(texts('pl').web_link, { url: url!, minutes: 10 }));

    await w.adapter.receive({ userId: NOT_MODERATOR.id, text: "j'aimerais bien savoir comment fonctionne ce serveur, s'il te plaît" });
    expect((await askForLink(w, NOT_MODERATOR)).reply.text).toBe(texts('fr').web_refused);
  });
});

describe('the case replies in the templates', () => {
  const raw = (locale: string) => parse(readFileSync(join(POLICIES_DIR, 'templates', `${locale}.yaml`), 'utf8')) as {
    review: { native_speaker: string }; moderation?: Record<string, string>;
  };

  it('are written in every language, none left to fall back to English, and marked pending review except English', () => {
    expect(directory.locales()).toEqual([...HELP_LOCALES].sort());
    for (const locale of HELP_LOCALES) {
      const file = raw(locale);
      expect(Object.keys(file.moderation ?? {}).sort(), locale).toEqual([...MODERATION_KEYS].sort());
      if (locale !== 'en') {
        expect(file.review.native_speaker, locale).toBe('pending');
        for (const key of MODERATION_KEYS) {
          // Only the command forms may stay as typed; the words around them are the language's own.
          if (key === 'usage' || key === 'note_missing') continue;
          expect(file.moderation![key], `${locale} ${key}`).not.toBe(raw('en').moderation![key]);
        }
      }
    }
  });

  it("match the English the handler uses when it is built without the directory", () => {
    expect(raw('en').moderation).toEqual(ENGLISH_MODERATION);
  });
});
