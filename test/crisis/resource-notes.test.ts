/**
 * The resource files' notes (hours, "no 24/7 line", qualifiers, labels) in every template
 * language (issue 12 item 5), through the real directory loader and renderer: a reader sees no
 * English note in the middle of their lines, and a translation that changes a number, loses a
 * placeholder, is missing or is left behind after the English changed stops startup.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadDirectory } from '../../src/crisis/directory.js';
import { ALL_COUNTRIES, POLICY_DIR } from './directory-helpers.js';

const directory = loadDirectory(POLICY_DIR);
const LEVELS = ['moderate', 'high', 'imminent'] as const;

/** English note → its Spanish, Japanese… text, as the shipped notes files give them. */
function notesOf(locale: string): Record<string, string> {
  return (parse(readFileSync(join(POLICY_DIR, 'resource-notes', `${locale}.yaml`), 'utf8')) as { notes: Record<string, string> }).notes;
}

/** A copy of the shipped policies whose notes file for `locale` is rewritten by `edit`. */
function policiesWithNotes(locale: string, edit: (text: string) => string): string {
  const dir = mkdtempSync(join(tmpdir(), 'oyster-notes-'));
  cpSync(POLICY_DIR, dir, { recursive: true });
  const file = join(dir, 'resource-notes', `${locale}.yaml`);
  writeFileSync(file, edit(readFileSync(file, 'utf8')));
  return dir;
}

describe('resource notes in the reader\'s language', () => {
  const locales = directory.locales().filter((l) => l !== 'en');

  it('exist for every template language the bot has', () => {
    expect(locales.length).toBeGreaterThanOrEqual(17);
    for (const locale of locales) expect(Object.keys(notesOf(locale)).length, locale).toBeGreaterThan(0);
  });

  // About 2,900 renders: a generous deadline for a loaded machine.
  it('replace every English note in every country\'s lines, at every level, in every template language', { timeout: 120_000 }, () => {
    const english = Object.keys(notesOf('es'));
    for (const locale of locales) {
      const notes = notesOf(locale);
      // Names such as "SAMU" or "CareText" read the same in every language; only real sentences count.
      const sentences = english.filter((en) => notes[en] !== en && /[a-z]{3,} [a-z]{3,}/.test(en));
      for (const country of [...ALL_COUNTRIES, 'global']) {
        for (const level of LEVELS) {
          const text = directory.render({ country: country === 'global' ? undefined : country, level, locale, place: 'private', about: 'self' }).text;
          for (const en of sentences) expect(text.includes(en), `${locale} ${country} ${level}: "${en}"`).toBe(false);
        }
      }
    }
  });

  it("gives Italy's missing 24/7 line and Telefono Amico's hours in Spanish, numbers unchanged", () => {
    const text = directory.render({ country: 'IT', level: 'high', locale: 'es', place: 'private', about: 'self' }).text;
    expect(text).toContain('Italia no tiene una línea nacional contra el suicidio abierta 24/7');
    expect(text).toContain('10:00–24:00');
    expect(text).not.toContain('Italy has no national 24/7 suicide line');
  });

  it('gives Hong Kong readers the call-back note in Traditional Chinese, not Simplified', () => {
    const text = directory.render({ country: 'HK', level: 'high', locale: 'zh-Hant', place: 'private', about: 'self' }).text;
    expect(text).toContain('會在30分鐘內回電');
    expect(text).not.toContain('会在30分钟内回电');
  });

  it('keeps a note a resource file already carries in that language', () => {
    // PE.yaml writes its menu note in Spanish itself; the notes file must not override it.
    const text = directory.render({ country: 'PE', level: 'high', locale: 'es', place: 'private', about: 'self' }).text;
    expect(text).toContain('luego marca la opción 5, salud mental');
  });
});

describe('a notes file that would mislead a reader stops startup', () => {
  const load = (dir: string) => () => loadDirectory(dir);
  let dir: string | undefined;
  const cleanup = () => { if (dir) rmSync(dir, { recursive: true, force: true }); dir = undefined; };

  it('when a translation changes a number', () => {
    dir = policiesWithNotes('es', (t) => t.replace('"todos los días, 10:00–24:00"', '"todos los días, 10:00–23:00"'));
    expect(load(dir)).toThrow(/resource-notes\/es\.yaml.*numbers differ/s);
    cleanup();
  });

  it('when a translation drops the {emergency} placeholder', () => {
    dir = policiesWithNotes('fr', (t) => t.replace(/(Italie n'a pas[^"]*)appelle le \{emergency\}\./, '$1appelle les secours.'));
    expect(load(dir)).toThrow(/resource-notes\/fr\.yaml.*placeholders/s);
    cleanup();
  });

  it('when a shown note has no translation', () => {
    dir = policiesWithNotes('ja', (t) => t.split('\n').filter((l) => !l.startsWith('  "then press 1"')).join('\n'));
    expect(load(dir)).toThrow(/resource-notes\/ja\.yaml.*no entry for "then press 1"/s);
    cleanup();
  });

  it('when an entry\'s English text no longer appears in any resource file', () => {
    dir = policiesWithNotes('de', (t) => `${t}  "open on Sundays only": "nur sonntags"\n`);
    expect(load(dir)).toThrow(/resource-notes\/de\.yaml.*no resource file has this English note/s);
    cleanup();
  });

  it('when a template language has no notes file at all', () => {
    dir = policiesWithNotes('ko', (t) => t);
    rmSync(join(dir, 'resource-notes', 'ko.yaml'));
    expect(load(dir)).toThrow(/resource-notes\/ko\.yaml.*the file is missing/s);
    cleanup();
  });
});
