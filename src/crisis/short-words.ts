/**
 * The language of a lone short message read from its words (policies/short-words.yaml): "hola"
 * is Spanish, "xin chào" Vietnamese, "hallo zusammen" German. Used only when the message is too
 * short for the screen to tell and nothing is known of the person (src/crisis/locale.ts); before,
 * such a first message got the English texts (issue 12). A message names a language only when
 * every word is covered by the table and the entries agree on exactly one; otherwise no guess.
 */
import { z } from 'zod';
import { policyError, readPolicyYaml } from '../policy/policy-file.js';

const FILE = 'short-words.yaml';

const Entry = z.string().regex(/^\p{Ll}[\p{Ll}\p{M}]*( \p{Ll}[\p{Ll}\p{M}]*){0,2}$/u, 'expected one to three lowercase words, letters and single spaces only');

const ShortWordsFile = z.strictObject({
  review: z.strictObject({ native_speaker: z.enum(['pending', 'approved']) }),
  languages: z.record(z.string(), z.array(Entry).min(1)),
});

/** Reads the language a short message's words name, or undefined when they name none or several. */
type ShortWordLanguage = (text: string) => string | undefined;

/** Lowercase words as the table writes them: NFC (so "chào" typed with a combining mark matches), no punctuation. */
function wordsOf(text: string): string[] {
  // Lowercasing "İ" leaves a combining dot above the i; the table writes Turkish words without it.
  return text.normalize('NFC').toLowerCase().replace(/i\u0307/g, 'i').normalize('NFC').match(/[\p{L}\p{M}]+/gu) ?? [];
}

/** Loads and checks the table (throws POLICY_INVALID): each language must have templates, no entry twice in one language. */
export function loadShortWords(policyDir: string, available: ReadonlySet<string>): ShortWordLanguage {
  const file = readPolicyYaml(policyDir, FILE, ShortWordsFile);
  const byPhrase = new Map<string, Set<string>>();
  let longest = 1;
  for (const [language, entries] of Object.entries(file.languages)) {
    if (!available.has(language)) {
      throw policyError(FILE, `languages.${language}`, `"${language}" has no templates`, 'use a language of policies/templates/, such as es or fr');
    }
    const seen = new Set<string>();
    entries.forEach((entry, i) => {
      if (entry.normalize('NFC') !== entry) {
        throw policyError(FILE, `languages.${language}[${i}]`, `"${entry}" is not in composed (NFC) form`, 'retype the word with precomposed letters');
      }
      if (seen.has(entry)) throw policyError(FILE, `languages.${language}[${i}]`, `"${entry}" is listed twice`, 'remove the second one');
      seen.add(entry);
      const languages = byPhrase.get(entry) ?? new Set<string>();
      languages.add(language);
      byPhrase.set(entry, languages);
      longest = Math.max(longest, entry.split(' ').length);
    });
  }

  return (text) => {
    const words = wordsOf(text);
    if (words.length === 0) return undefined;
    let agreed: Set<string> | undefined;
    // Longest entry first at each word: "buenas tardes" is one entry, "hola" + "qué tal" two.
    for (let at = 0; at < words.length;) {
      const phrase = (size: number) => words.slice(at, at + size).join(' ');
      let size = Math.min(longest, words.length - at);
      while (size > 0 && !byPhrase.has(phrase(size))) size--;
      // A word the table does not know could be any language: no guess.
      if (size === 0) return undefined;
      const found = byPhrase.get(phrase(size))!;
      const previous: Set<string> | undefined = agreed;
      agreed = previous === undefined ? new Set(found) : new Set([...found].filter((l) => previous.has(l)));
      at += size;
    }
    return agreed !== undefined && agreed.size === 1 ? [...agreed][0] : undefined;
  };
}
