/**
 * The moderators' command help in their language (issue 13 item 5, crisis lane item f). The
 * catalogue (src/command-catalogue.ts) carries every moderator form's help in every language the
 * bot writes; /help shows a moderator the forms in their language, with a line saying the
 * translation awaits a native speaker's review until a reviewer approved the language's texts.
 * Tested both ways: every form of the catalogue is in the help of every language, and every form
 * the help names is a catalogued moderator form. Through the real bot (engine, store, policies)
 * and once through the real CLI.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { COMMANDS, HELP_LOCALES, HELP_REVIEWED, moderatorHelp } from '../../src/command-catalogue.js';
import { MODERATOR_FORMS, MODERATOR_HELP_TEXTS } from '../../src/moderator-help-texts.js';
import { CLI_TEST_TIMEOUT_MS, runCli } from '../cli/run-cli.js';
import { startFakeModel, type FakeModel } from '../fakes/fake-model.js';
import { startHarness, type Harness } from '../helpers/bot-harness.js';
import { POLICIES_DIR } from './helpers.js';

const MOD = { id: 'mod1', displayName: 'Mia', roleIds: [] as string[] };
const USER = { id: 'u9', displayName: 'Sam', roleIds: [] as string[] };
/** Every moderator form of the catalogue, as typed: "case ack", "country community". */
const catalogued = COMMANDS.flatMap((c) => (c.subcommands ?? []).filter((s) => s.audience === 'moderators').map((s) => ({ form: `${c.name} ${s.name}`, s })));
/** The forms a help line names. */
const named = (help: string) => [...help.matchAll(/\*\*\/([a-z]+ [a-z]+)/g)].map((m) => m[1]!);
const reviewOf = (locale: string) =>
  (parse(readFileSync(join(POLICIES_DIR, 'texts', `${locale}.yaml`), 'utf8')) as { review: { native_speaker: string } }).review.native_speaker;

describe('the moderator help in every language, from the catalogue', () => {
  it('has a text for exactly the catalogued moderator forms', () => {
    expect(catalogued.length).toBeGreaterThanOrEqual(9);
    expect(catalogued.map((c) => c.form).sort()).toEqual([...MODERATOR_FORMS].sort());
  });

  for (const locale of HELP_LOCALES) {
    it(`names every catalogued form in ${locale}, with the ${locale} text, and no other`, () => {
      const help = moderatorHelp(locale);
      expect(help.startsWith(MODERATOR_HELP_TEXTS[locale].heading)).toBe(true);
      for (const { form, s } of catalogued) {
        const line = MODERATOR_HELP_TEXTS[locale].forms[form as (typeof MODERATOR_FORMS)[number]];
        expect(line.trim(), `${form} ${locale}`).not.toBe('');
        expect(help).toContain(`**${s.local!.usage}** ${line}`);
      }
      expect(named(help).sort()).toEqual(catalogued.map((c) => c.form).sort());
    });

    it(`says the ${locale} moderator help awaits native review exactly when its texts are not approved`, () => {
      const pending = MODERATOR_HELP_TEXTS[locale].pending;
      expect(HELP_REVIEWED.has(locale)).toBe(reviewOf(locale) === 'approved');
      if (HELP_REVIEWED.has(locale)) expect(moderatorHelp(locale)).not.toContain(pending);
      else expect(moderatorHelp(locale).endsWith(pending)).toBe(true);
    });
  }

  it('writes each language in its own words: no non-English help repeats the English line', () => {
    for (const locale of HELP_LOCALES.filter((l) => l !== 'en')) {
      for (const form of MODERATOR_FORMS) expect(MODERATOR_HELP_TEXTS[locale].forms[form], `${locale} ${form}`).not.toBe(MODERATOR_HELP_TEXTS.en.forms[form]);
    }
  });
});

describe('/help through the bot', () => {
  let h: Harness;
  beforeAll(async () => { h = await startHarness({ env: { MODERATOR_IDS: `fake:${MOD.id}` } }); });
  afterAll(async () => h.close());

  it("shows a moderator the moderator forms in the moderator's language, marked as awaiting review", async () => {
    await h.adapter.command('language', ['de'], MOD);
    const help = (await h.adapter.command('help', [], MOD)).text;
    expect(help).toContain(moderatorHelp('de'));
    expect(help).toContain('Befehle für Moderatoren:');
    expect(help).toContain('**/case ack <id>** einen Fall übernehmen');
    expect(help).toContain(MODERATOR_HELP_TEXTS.de.pending);
    expect(help).not.toContain('Moderator commands:');
  });

  it('shows it in English, with no review line, to a moderator writing in English', async () => {
    await h.adapter.command('language', ['en'], MOD);
    const help = (await h.adapter.command('help', [], MOD)).text;
    expect(help).toContain(moderatorHelp('en'));
    expect(help).not.toContain(MODERATOR_HELP_TEXTS.en.pending);
  });

  it("answers a moderator's `case` with no action, or an unknown one, with the forms in their language", async () => {
    await h.adapter.command('language', ['fr'], MOD);
    for (const args of [[], ['nope']]) {
      const reply = await h.adapter.command('case', args, MOD);
      expect(reply.ok).toBe(false);
      expect(reply.text).toBe(moderatorHelp('fr'));
    }
    // A real action is still handled as one.
    expect((await h.adapter.command('case', ['list'], MOD)).text).not.toBe(moderatorHelp('fr'));
  });

  it('shows no moderator forms to a person who is not a moderator', async () => {
    await h.adapter.command('language', ['de'], USER);
    const help = (await h.adapter.command('help', [], USER)).text;
    expect(help).not.toContain('Befehle für Moderatoren');
    for (const { s } of catalogued) expect(help).not.toContain(s.local!.usage);
  });
});

describe('/help in the console chat', { timeout: CLI_TEST_TIMEOUT_MS }, () => {
  let model: FakeModel;
  beforeAll(async () => { model = await startFakeModel({ reply: () => 'Hola.' }); });
  afterAll(async () => model.close());

  it('a console moderator who chose Spanish reads the moderator forms in Spanish, marked as awaiting review', async () => {
    const r = await runCli(['start'], {
      env: {
        OYSTER_BASE_URL: model.url, RISK_JUDGE: 'off', MODERATOR_IDS: 'console:local',
        OYSTER_DB_PATH: join(mkdtempSync(join(tmpdir(), 'oyster-mod-help-')), 'bot.db'),
      },
      stdin: '/language es\n/help\n',
    });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Comandos para moderadores:');
    expect(r.stdout).toContain('/case resolve <id> [outcome] cierra un caso con un resultado');
    expect(r.stdout).toContain(MODERATOR_HELP_TEXTS.es.pending);
    expect(r.stdout).not.toContain('Moderator commands:');
  });
});
