/**
 * Which language a message is written in, when its script does not say (issue 11): Latin-script
 * messages in en, nl, de, pl, tr, id, es, fr, it, pt and vi. The screen's language decides the
 * language of a crisis reply and the learned model's per-language threshold, so a short Dutch
 * "ik kan niet slapen" read as English got English help.
 *
 * The data is policies/detection/language-id.yaml: per language, common words (function words
 * and chat words, written as people type them) and letters only that language uses among ours
 * (ğ ş ı for Turkish, ł ą ę for Polish). Its examples must identify as stated, or startup stops.
 *
 * A word written with accents counts for the languages that list it with exactly those accents
 * ("là" is Vietnamese, "la" is not); a word typed without accents counts for every language that
 * lists it with or without them ("khong", "tesekkurler", "dziekuje"), because many people type
 * without them.
 */
import { z } from 'zod';

export const LanguageIdFile = z.strictObject({
  /** Used when no language scores at all (nothing known). */
  fallback: z.string().regex(/^[a-z]{2}$/),
  // Keys are checked in checkLanguageIdExamples, where the message can name the key and the fix.
  languages: z.record(
    z.string(),
    z.strictObject({
      words: z.array(z.string().min(1)).min(10, 'list at least 10 common words'),
      letters: z.string().default(''),
    }),
  ),
  examples: z.array(z.strictObject({ text: z.string().min(1), language: z.string().regex(/^[a-z]{2}$/) })).min(1),
});
export type LanguageIdFile = z.infer<typeof LanguageIdFile>;

export interface LanguageIdTable {
  fallback: string;
  /** Language codes, in file order. */
  languages: string[];
  /** Word as written (lower case, NFC, accents kept) → language indexes. */
  exact: Map<string, number[]>;
  /** Word with accents and special letters folded → language indexes. */
  folded: Map<string, number[]>;
  /** Cue letter → language indexes. */
  letters: Map<string, number[]>;
}

// Apostrophes split words ("l'école" → l, école); the joined forms people also type ("jai", "dont") are listed too.
const APOSTROPHES = /['\u2018\u2019\u201B\u02BC\u0060\u00B4\uFF07]/g;
const WORD = /\p{L}+/gu;
const MARKED = /[^a-z]/;
/** Letters NFD does not decompose, read as their plain letter when a word is typed without them. */
const PLAIN: Record<string, string> = { ı: 'i', ł: 'l', đ: 'd', ø: 'o', ß: 'ss' };
/** Enough words to tell a language; a 2,000-character message is not read to its end. */
const MAX_WORDS = 48;

function foldWord(word: string): string {
  return word.normalize('NFD').replace(/[\u0300-\u036F]/g, '').replace(/[ıłđøß]/g, (c) => PLAIN[c]!);
}

const prepare = (text: string) => text.normalize('NFC').toLowerCase().replace(APOSTROPHES, ' ');

/**
 * `markers` are the Latin language packs' own common words (`markers:` in <lang>.yaml): they count
 * too, and a pack language the file does not list is added after the file's languages.
 */
export function compileLanguageId(file: LanguageIdFile, markers: ReadonlyMap<string, readonly string[]> = new Map()): LanguageIdTable {
  const languages = [...new Set([...Object.keys(file.languages), ...markers.keys()])];
  const table: LanguageIdTable = { fallback: file.fallback, languages, exact: new Map(), folded: new Map(), letters: new Map() };
  const add = (map: Map<string, number[]>, key: string, index: number) => {
    const list = map.get(key);
    if (!list) map.set(key, [index]);
    else if (!list.includes(index)) list.push(index);
  };
  languages.forEach((language, index) => {
    const entry = file.languages[language] ?? { words: [], letters: '' };
    for (const raw of [...entry.words, ...(markers.get(language) ?? [])]) {
      for (const word of prepare(raw).match(WORD) ?? []) {
        add(table.exact, word, index);
        add(table.folded, foldWord(word), index);
      }
    }
    for (const letter of prepare(entry.letters)) if (/\p{L}|[¿¡]/u.test(letter)) add(table.letters, letter, index);
  });
  return table;
}

/**
 * The best-scoring language of a Latin-script text: each word found, and each distinct cue letter,
 * gives one point shared among the languages that list it. Undefined when nothing scores or two
 * languages score the same (the caller decides what that means).
 */
export function identifyLatin(table: LanguageIdTable, raw: string): string | undefined {
  const text = prepare(raw);
  const scores = new Float64Array(table.languages.length);
  const credit = (list: number[] | undefined) => {
    if (!list) return false;
    // A word several languages share ("la", "de", "me") tells less than a word only one uses.
    for (const i of list) scores[i]! += 1 / list.length;
    return true;
  };
  let words = 0;
  WORD.lastIndex = 0;
  for (let m = WORD.exec(text); m !== null && words < MAX_WORDS; m = WORD.exec(text)) {
    words++;
    const word = m[0];
    if (!MARKED.test(word)) {
      credit(table.folded.get(word));
      continue;
    }
    // A word with accents speaks for the languages that write it so; else for its folded form.
    if (!credit(table.exact.get(word))) credit(table.folded.get(foldWord(word)));
  }
  const seen = new Set<string>();
  for (const ch of text) {
    if (ch < '\u00A1' || seen.has(ch)) continue;
    seen.add(ch);
    credit(table.letters.get(ch));
  }
  let best = -1;
  let bestScore = 0;
  let tied = false;
  scores.forEach((score, i) => {
    if (score > bestScore + 1e-9) {
      best = i;
      bestScore = score;
      tied = false;
    } else if (best >= 0 && Math.abs(score - bestScore) <= 1e-9) {
      tied = true;
    }
  });
  // A tie cannot tell ("hallo" is German and Dutch): the caller's fallback, not a coin toss.
  return best >= 0 && !tied ? table.languages[best] : undefined;
}

/** Examples that do not identify as stated, as fix-it lines (the loader stops startup on any). */
export function checkLanguageIdExamples(file: LanguageIdFile, table: LanguageIdTable, show: string): string[] {
  const out: string[] = [];
  for (const code of Object.keys(file.languages)) {
    if (!/^[a-z]{2}$/.test(code)) out.push(`${show}: languages.${code}: not a two-letter language code. Fix: use the code, such as nl for Dutch.`);
  }
  if (!(file.fallback in file.languages)) out.push(`${show}: fallback: "${file.fallback}" is not one of the languages. Fix: add it under languages.`);
  for (const [i, example] of file.examples.entries()) {
    const got = identifyLatin(table, example.text) ?? table.fallback;
    if (got !== example.language) {
      out.push(`${show}: examples.${i}: ${JSON.stringify(example.text)} reads as "${got}", not "${example.language}". Fix: add its common words to ${example.language}, or correct the example.`);
    }
  }
  return out;
}
