/**
 * The resource files' notes in every template language (issue 12 item 5; CRISIS.md §4 DO 5:
 * "the hours when a line is not 24/7"). A note such as Italy's "no national 24/7 line", a line's
 * hours, a qualifier ("from a mobile") or an emergency number's label is written once in English
 * in policies/resources/*.yaml; policies/resource-notes/<locale>.yaml gives it in each template
 * language, keyed by that English text. At load every shown note gets its text in every template
 * language, so a Spanish reader never meets an English sentence in the middle of their lines.
 *
 * Checked at load, with a fix-it error: a missing entry, an entry whose numbers differ from the
 * English text's (a note must never change a time, an age or a menu option), an entry that drops
 * or adds a {placeholder}, and an entry whose English text no longer appears in any resource file
 * (it would hide a changed note behind an old translation).
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { policyError, readPolicyYaml } from '../policy/policy-file.js';
import type { CountryFile, GlobalFile, LocalText } from './directory-schema.js';

export const ResourceNotesFile = z.strictObject({
  locale: z.string().regex(/^[a-z]{2}(-[A-Za-z]{2,4})?$/, 'expected a template locale such as es or zh-Hant'),
  review: z.strictObject({
    native_speaker: z.enum(['pending', 'approved']),
    notes: z.string().min(1).optional(),
  }),
  /** English text, exactly as the resource file writes it → the text in this locale. */
  notes: z.record(z.string().min(1), z.string().min(1)),
});
export type ResourceNotesFile = z.infer<typeof ResourceNotesFile>;

/** One localizable text of a resource file, where it is (for error messages), and its texts. */
interface NoteField {
  file: string;
  field: string;
  text: LocalText;
}

/** Every note a reader can be shown: record-only contacts are never rendered, so they are left out. */
function noteFields(file: string, data: CountryFile | GlobalFile): NoteField[] {
  const out: NoteField[] = [];
  const add = (field: string, text: LocalText | undefined) => { if (text !== undefined) out.push({ file, field, text }); };
  if ('country' in data) {
    add('no_24_7_line.note', data.no_24_7_line?.note);
    add('no_crisis_line.note', data.no_crisis_line?.note);
    data.emergency.numbers.forEach((n, i) => add(`emergency.numbers[${i}].label`, n.label));
  }
  data.contacts.forEach((c, i) => {
    if (c.use === 'record-only') return;
    add(`contacts[${i}].note`, c.note);
    add(`contacts[${i}].qualifier`, c.qualifier);
    add(`contacts[${i}].hours.summary`, c.hours.summary);
  });
  return out;
}

/** The numbers a text gives ("09:00–13:00" → 09, 00, 13, 00), sorted: word order may change, digits may not. */
const numbersOf = (text: string): string => [...text.matchAll(/\d+/g)].map((m) => m[0]).sort().join(' ');
const placeholdersOf = (text: string): string => [...text.matchAll(/\{([a-z_]+)\}/g)].map((m) => m[1]).sort().join(' ');

/**
 * Fills every shown note with its text in each template locale (in place), from
 * policies/resource-notes/. A locale a note already carries in its resource file keeps it.
 * Throws POLICY_INVALID naming the file and entry to fix.
 */
export function applyResourceNotes(
  policyDir: string,
  files: ReadonlyArray<{ file: string; data: CountryFile | GlobalFile }>,
  templateLocales: readonly string[],
): void {
  const fields = files.flatMap(({ file, data }) => noteFields(file, data));
  const english = new Set(fields.map((f) => f.text.en));
  const dir = join(policyDir, 'resource-notes');
  const present = existsSync(dir) ? readdirSync(dir).filter((n) => n.endsWith('.yaml')) : [];
  for (const locale of templateLocales.filter((l) => l !== 'en')) {
    const file = `resource-notes/${locale}.yaml`;
    if (!present.includes(`${locale}.yaml`)) {
      throw policyError(file, '', `the file is missing, so ${locale} readers would see the resource notes in English`,
        `create it with locale: ${locale}, review.native_speaker: pending and a notes entry for every note (copy resource-notes/es.yaml and translate)`);
    }
    const notes = readPolicyYaml(policyDir, file, ResourceNotesFile);
    if (notes.locale !== locale) {
      throw policyError(file, 'locale', `"${notes.locale}" does not match the file name`, `set locale: ${locale} or rename the file`);
    }
    for (const [en, text] of Object.entries(notes.notes)) {
      const at = `notes."${en.slice(0, 60)}"`;
      if (!english.has(en)) {
        throw policyError(file, at, 'no resource file has this English note any more', 'remove the entry, or key it by the note\'s current English text and re-translate it');
      }
      if (numbersOf(text) !== numbersOf(en)) {
        throw policyError(file, at, `the numbers differ from the English text's (${numbersOf(en) || 'none'} there, ${numbersOf(text) || 'none'} here)`,
          'write every number exactly as the English text does: never add, drop or change a number in a crisis note');
      }
      if (placeholdersOf(text) !== placeholdersOf(en)) {
        throw policyError(file, at, 'the {placeholders} differ from the English text\'s', `use exactly: ${placeholdersOf(en) || 'no placeholder'}`);
      }
    }
    for (const f of fields) {
      if (f.text[locale] !== undefined) continue;
      const text = notes.notes[f.text.en];
      if (text === undefined) {
        throw policyError(file, 'notes', `no entry for "${f.text.en}" (${f.file} at ${f.field})`, 'add the English text as a key with its translation, pending native-speaker review');
      }
      f.text[locale] = text;
    }
  }
}

/** The template locales, read from the templates folder (the directory loads the files themselves later). */
export function templateLocalesIn(policyDir: string): string[] {
  return readdirSync(join(policyDir, 'templates')).filter((n) => n.endsWith('.yaml')).map((n) => n.replace(/\.yaml$/, '')).sort();
}
