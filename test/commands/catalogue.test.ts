/**
 * The command catalogue (src/command-catalogue.ts) is the one list of commands: the core handles
 * exactly the catalogued ones, every platform's menu is built from it, and every locale's /help
 * names every user command in it.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { commandFromSlash, SLASH_COMMANDS } from '../../adapters/discord/commands.js';
import { parseSlashText } from '../../adapters/slack/commands.js';
import { COMMANDS, findCommand, HELP_LOCALES, HELP_REVIEWED, helpText, menuCommands, moderatorHelp } from '../../src/command-catalogue.js';
import { startHarness, type Harness } from '../helpers/bot-harness.js';

const ROOT = join(import.meta.dirname, '..', '..');
const MOD = { id: 'mod1', displayName: 'Mia', roleIds: [] as string[] };

describe('the core handles exactly the catalogued commands', () => {
  let h: Harness;
  let unknown: string;
  beforeAll(async () => {
    h = await startHarness({ env: { MODERATOR_IDS: `fake:${MOD.id}` } });
    unknown = (await h.adapter.command('no-such-command')).text;
  });
  afterAll(async () => h.close());

  it('answers a command that is not in the catalogue with the unknown-command text', async () => {
    expect(findCommand('no-such-command')).toBeUndefined();
    const reply = await h.adapter.command('no-such-command');
    expect(reply.ok).toBe(false);
    expect(unknown.length).toBeGreaterThan(0);
  });

  it('handles every catalogued command (none falls through to "unknown")', async () => {
    for (const spec of COMMANDS) {
      const reply = await h.adapter.command(spec.name, [], MOD);
      expect(reply.text, spec.name).not.toBe(unknown);
    }
  });

  it('handles every catalogued case subcommand (none gets the usage text)', async () => {
    const usage = (await h.adapter.command('case', ['no-such-verb'], MOD)).text;
    for (const sub of findCommand('case')!.subcommands!) {
      const reply = await h.adapter.command('case', [sub.name, '1'], MOD);
      expect(reply.text, sub.name).not.toBe(usage);
      expect(reply.text, sub.name).not.toBe(unknown);
    }
  });

  it('has a catalogue entry for every command the handler switches on', () => {
    const source = readFileSync(join(ROOT, 'src', 'commands.ts'), 'utf8');
    const handled = [...source.matchAll(/case '([a-z]+)':/g)].map((m) => m[1]!);
    expect(handled.length).toBeGreaterThan(4);
    expect(handled.filter((name) => findCommand(name) === undefined)).toEqual([]);
  });
});

describe('every menu comes from the catalogue', () => {
  it('registers the same commands on Discord as the catalogue offers in menus, /language included', () => {
    expect(SLASH_COMMANDS.map((c) => c.name)).toEqual(COMMANDS.filter((c) => c.menu).map((c) => c.name));
    expect(SLASH_COMMANDS.map((c) => c.name)).toContain('language');
    expect(commandFromSlash({ commandName: 'language', subcommand: null, options: { code: 'es' } })).toEqual({ name: 'language', args: ['es'] });
    expect(commandFromSlash({ commandName: 'case', subcommand: 'web', options: {} })).toEqual({ name: 'case', args: ['web'] });
  });

  it('offers users every user command on Telegram, and moderators the case command too', () => {
    expect(menuCommands('everyone').map((c) => c.name)).toEqual(['start', 'help', 'forget', 'country', 'language', 'export']);
    expect(menuCommands('moderators').map((c) => c.name)).toEqual(['start', 'help', 'forget', 'country', 'language', 'export', 'case']);
  });

  it('takes every catalogued command as the first word of the Slack command', () => {
    for (const spec of COMMANDS) expect(parseSlashText(`${spec.name} x`).name).toBe(spec.name);
    expect(parseSlashText('language es')).toEqual({ name: 'language', args: ['es'] });
  });

  it('lists every moderator form in the moderator help', () => {
    const help = moderatorHelp();
    for (const sub of findCommand('case')!.subcommands!) expect(help).toContain(`/case ${sub.name}`);
    expect(help).toContain('/country community');
    expect(help).toContain('/language community');
  });
});

describe('help in every language comes from the catalogue', () => {
  const dir = join(ROOT, 'policies', 'texts');
  const files = readdirSync(dir).filter((f) => f.endsWith('.yaml'));
  const read = (file: string) => parse(readFileSync(join(dir, file), 'utf8')) as { locale: string; help: string; review: { native_speaker: string } };
  const userCommands = COMMANDS.filter((c) => c.audience === 'everyone' && c.menu);
  let h: Harness;
  beforeAll(async () => { h = await startHarness(); });
  afterAll(async () => h.close());

  it('lists exactly the languages of policies/texts', () => {
    expect([...HELP_LOCALES].sort()).toEqual(files.map((f) => f.replace(/\.yaml$/, '')).sort());
  });

  it('has help for every user command in every language (moderator forms: test/crisis/moderator-help.test.ts)', () => {
    expect(userCommands.length).toBeGreaterThan(4);
    for (const c of userCommands) {
      for (const locale of HELP_LOCALES) expect(c.local?.help[locale]?.trim(), `${c.name} ${locale}`).toBeTruthy();
    }
  });

  it('marks as reviewed only the languages whose texts a native speaker approved', () => {
    const approved = files.map(read).filter((t) => t.review.native_speaker === 'approved').map((t) => t.locale);
    expect([...HELP_REVIEWED].sort()).toEqual(approved.sort());
    expect(HELP_REVIEWED.size).toBeLessThan(HELP_LOCALES.length);
  });

  for (const locale of HELP_LOCALES) {
    it(`answers /help in ${locale} with the locale's introduction and the catalogue's commands, and no others`, async () => {
      const who = { id: `help-${locale}`, displayName: locale, roleIds: [] as string[] };
      await h.adapter.command('language', [locale], who);
      const help = (await h.adapter.command('help', [], who)).text;
      expect(help.startsWith(read(`${locale}.yaml`).help.trimEnd())).toBe(true);
      for (const c of userCommands) expect(help).toContain(`**${c.local!.usage}** ${c.local!.help[locale]}`);
      // The other way: every command the reply names is a catalogued user command.
      const named = [...help.matchAll(/\*\*\/([a-z]+)/g)].map((m) => m[1]!);
      expect(named.sort()).toEqual(userCommands.map((c) => c.name).sort());
    });
  }

  it('builds the same reply from the catalogue that the bot sends', async () => {
    const who = { id: 'help-pt-br', displayName: 'pt', roleIds: [] as string[] };
    await h.adapter.command('language', ['pt-BR'], who);
    expect((await h.adapter.command('help', [], who)).text).toBe(helpText('pt', read('pt.yaml').help));
  });
});
