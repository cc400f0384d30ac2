/**
 * The country answer (issue 12 item 2; CRISIS.md §7 step 3). After the bot asked "Which country
 * are you in?", a reply naming a country, or a well-known city or region, in any supported
 * language, is read here against policies/places.yaml. Only a reply that names exactly one
 * country counts: two countries, or none, and nothing is set (the country is never guessed).
 */
import { z } from 'zod';
import { policyError, readPolicyYaml } from '../policy/policy-file.js';
import { displayNames, namesOf, regionCodes } from './region-names.js';
import { createSyllableNames, markedPlace, type SyllableName } from './syllable-names.js';

const Code = z.string().regex(/^[A-Z]{2}$/, 'must be an ISO 3166-1 alpha-2 code in capitals, such as MX');

const Language = z.string().regex(/^[a-z]{2}$/, 'must be a two-letter language code such as en');

const PlacesFile = z.strictObject({
  code_words: z.array(Code),
  not_names: z.array(z.string().min(2)),
  ordinary_words: z.record(Language, z.array(z.string().min(2))),
  vietnamese: z.strictObject({
    place_words: z.array(z.string().min(1)),
    fillers: z.array(z.string().min(1)),
    countries: z.record(Code, z.array(z.string().min(2)).min(1)),
  }),
  countries: z.record(Code, z.strictObject({
    names: z.array(z.string().min(2)).min(1),
    places: z.array(z.string().min(2)),
  })),
});

export interface Gazetteer {
  /**
   * The one country `text` names, or undefined for none or several. `language` is the
   * conversation's ("de", "zh-Hant"): it decides names that are ordinary words in another language
   * ("Island" is Iceland in German, a word in English); without it such names choose nothing.
   */
  countryIn(text: string, language?: string): string | undefined;
  /** Whether `text` holds a name whose reading depends on the conversation's language, so the caller need find it only then. */
  languageMatters(text: string): boolean;
  /** Codes with an entry. */
  codes(): string[];
}

/**
 * Case, width and accents do not matter ("México" = "mexico", "ＤＥ" = "de"), nor Arabic short-vowel
 * signs. Only those marks go: Devanagari vowel signs and Japanese voicing marks are letters of the
 * word (without them "मिला", met, would read as "माली"/Mali, and "パナマ" as "ハナマ").
 */
export function foldPlace(text: string): string {
  return text.normalize('NFKC').toLowerCase().normalize('NFD').replace(/[\u0300-\u036f\u064b-\u065f\u0670]/gu, '').normalize('NFC').replace(/\s+/g, ' ');
}

/** Scripts written without spaces between words: a name matches inside a sentence. */
const UNSPACED = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\p{Script=Thai}]/u;

interface Entry {
  name: string;
  code: string;
  unspaced: boolean;
  /** Set for ICU's names, which are matched more strictly (derivedIndex). */
  derived?: { short: boolean; katakana: boolean; hangul: boolean };
  /** A name that is an ordinary word elsewhere: it counts only in a conversation in one of these languages. */
  onlyIn?: ReadonlySet<string>;
}

/** "zh-Hant" → "zh": names belong to languages, not to their written forms. */
const baseLanguage = (tag: string): string => tag.split('-')[0]!.toLowerCase();

/** Languages whose directory names are read too (resources/<ISO>.yaml `names`). */
const NAME_LOCALES = ['en', 'es', 'pt', 'fr', 'de', 'it', 'nl', 'pl', 'tr', 'id', 'ru', 'uk', 'ja', 'ko', 'zh', 'ar', 'hi', 'vi', 'th', 'el', 'he', 'sv', 'da', 'fi', 'no', 'nb', 'cs', 'hu', 'ro', 'ms', 'bn', 'ur', 'sw'];

/**
 * Loads and validates policies/places.yaml. The directory's own country names (`names` in each
 * resources/<ISO>.yaml) are added, so every country the bot has lines for can be named even
 * before places.yaml lists it; a name that would point at two countries stops startup.
 */
export function loadGazetteer(
  policyDir: string,
  directory: { countries(): string[]; name(country: string, locale: string): string | undefined; locales(): string[] },
): Gazetteer {
  const file = 'places.yaml';
  const data = readPolicyYaml(policyDir, file, PlacesFile);
  const owner = new Map<string, string>();
  const entries: Entry[] = [];
  for (const [code, country] of Object.entries(data.countries)) {
    for (const [list, values] of [['names', country.names], ['places', country.places]] as const) {
      values.forEach((raw, i) => {
        const name = foldPlace(raw.trim());
        const seen = owner.get(name);
        if (seen !== undefined) {
          const fix = seen === code ? 'list it once' : 'remove it from both: an ambiguous place must never choose a country';
          throw policyError(file, `countries.${code}.${list}[${i}]`, `"${raw}" is already listed${seen === code ? '' : ` for ${seen}`}`, fix);
        }
        owner.set(name, code);
        entries.push({ name, code, unspaced: UNSPACED.test(name) });
      });
    }
  }
  // Vietnamese names: folded, they would be ordinary syllables ("phap"), so their folded form is
  // taken here, and ICU's same name cannot come back as a folded one.
  const syllables: SyllableName[] = [];
  for (const [code, names] of Object.entries(data.vietnamese.countries)) {
    names.forEach((raw, i) => {
      const folded = foldPlace(raw.trim());
      const seen = owner.get(folded);
      if (seen !== undefined) throw policyError(file, `vietnamese.countries.${code}[${i}]`, `"${raw}" is already listed${seen === code ? '' : ` for ${seen}`}`, 'list it once');
      owner.set(folded, code);
      syllables.push({ name: markedPlace(raw.trim()), code });
    });
  }
  for (const code of directory.countries()) {
    for (const locale of NAME_LOCALES) {
      const raw = directory.name(code, locale);
      if (raw === undefined) continue;
      const name = foldPlace(raw.trim());
      const seen = owner.get(name);
      if (seen === code) continue;
      if (seen !== undefined) {
        throw policyError(file, `countries.${seen}`, `"${raw}" is listed for ${seen} but is the name of ${code} in resources/${code}.yaml`, 'remove it from places.yaml');
      }
      owner.set(name, code);
      if (locale === 'vi' && markedPlace(raw.trim()) !== name) syllables.push({ name: markedPlace(raw.trim()), code });
      else entries.push({ name, code, unspaced: UNSPACED.test(name) });
    }
  }
  const ordinary = new Map<string, Set<string>>();
  for (const [language, words] of Object.entries(data.ordinary_words)) {
    for (const w of words) {
      const name = foldPlace(w.trim());
      ordinary.set(name, (ordinary.get(name) ?? new Set()).add(language));
    }
  }
  const codeWords = new Set(data.code_words);
  const notNames = new Set(data.not_names.map((n) => foldPlace(n.trim())));
  const listed = new Set([...Object.keys(data.countries), ...directory.countries()]);
  // Every other country's names come from ICU, on first use (region-names.ts).
  let everything: Names | undefined;
  const all = () => (everything ??= withRegionNames(entries, owner, notNames, ordinary, listed, directory.locales(), syllables));
  let vietnamese: ReturnType<typeof createSyllableNames> | undefined;
  const syllableNames = () => (vietnamese ??= (all(), createSyllableNames(syllables, data.vietnamese.place_words, data.vietnamese.fillers)));

  return {
    codes: () => [...all().known].sort(),
    languageMatters(text) {
      const folded = foldPlace(text);
      return candidates(all(), folded).some((e) => e.onlyIn !== undefined && wordIndex(folded, e.name) >= 0);
    },
    countryIn(text, language) {
      const names = all();
      const bare = text.trim().replace(/[.!]+$/, '');
      if (/^[A-Z]{2}$/.test(bare)) return names.known.has(bare) && !codeWords.has(bare) ? bare : undefined;
      // Vietnamese first, on the text with its tone marks; what it read is blanked for the rest.
      const { codes: found, rest } = syllableNames().read(markedPlace(text));
      let folded = foldPlace(rest);
      const shortAnswer = [...folded.replace(/\s/gu, '')].length <= SHORT_ANSWER;
      const conversation = language === undefined ? undefined : baseLanguage(language);
      for (const e of candidates(names, folded)) {
        if (e.onlyIn && (conversation === undefined || !e.onlyIn.has(conversation))) continue;
        const at = e.derived ? derivedIndex(folded, e.name, e.derived, shortAnswer) : e.unspaced ? folded.indexOf(e.name) : wordIndex(folded, e.name);
        if (at < 0) continue;
        found.add(e.code);
        // Blank the match out, so a shorter name inside it cannot count as a second country.
        folded = folded.slice(0, at) + ' '.repeat(e.name.length) + folded.slice(at + e.name.length);
      }
      return found.size === 1 ? [...found][0] : undefined;
    },
  };
}

interface Names {
  /** Longest first, so "印度尼西亚" (Indonesia) is read before the "印度" (India) inside it. */
  entries: Entry[];
  known: Set<string>;
  /** Entry positions by the first word of a spaced name, or the first character of an unspaced one. */
  byFirst: Map<string, number[]>;
}

const WORD = /[\p{L}\p{N}]+/gu;
const firstKey = (e: Entry): string => (e.unspaced ? [...e.name][0]! : e.name.match(WORD)?.[0] ?? e.name);

/**
 * The entries that may occur in `text`, in the longest-first order: only those whose first word
 * (or, unspaced, first character) is in the text. About 5,000 names are known; a message names
 * few of their first words, so this reads a handful instead of all (about 0.5 ms a message before).
 */
function candidates(names: Names, text: string): Entry[] {
  const at = new Set<number>();
  for (const key of new Set([...(text.match(WORD) ?? []), ...text])) {
    for (const i of names.byFirst.get(key) ?? []) at.add(i);
  }
  return [...at].sort((a, b) => a - b).map((i) => names.entries[i]!);
}

/**
 * Adds ICU's names of every country in every template language. The hand-written places.yaml
 * and the directory's names win over ICU's; a name ICU gives two countries ("Congo") and the
 * ordinary words in `not_names` ("réunion" is a meeting in French and Spanish) choose none.
 */
function withRegionNames(
  curated: readonly Entry[], owner: ReadonlyMap<string, string>, notNames: ReadonlySet<string>,
  ordinary: ReadonlyMap<string, ReadonlySet<string>>, listed: ReadonlySet<string>, locales: readonly string[],
  syllables: SyllableName[],
): Names {
  const codes = regionCodes();
  const claims = new Map<string, Set<string>>();
  /** The languages in which each name is a country's name. */
  const languages = new Map<string, Set<string>>();
  /** Vietnamese names as written, tone marks kept. */
  const marked = new Map<string, string>();
  for (const locale of locales) {
    const names = displayNames(locale);
    for (const code of codes) {
      for (const raw of namesOf(code, locale, names)) {
        const name = foldPlace(raw);
        if (owner.has(name) || notNames.has(name)) continue;
        const by = claims.get(name) ?? new Set<string>();
        by.add(code);
        claims.set(name, by);
        languages.set(name, (languages.get(name) ?? new Set()).add(baseLanguage(locale)));
        if (baseLanguage(locale) === 'vi' && markedPlace(raw) !== name) marked.set(name, markedPlace(raw));
      }
    }
  }
  const derived: Entry[] = [];
  for (const [name, by] of claims) {
    if (by.size !== 1) continue;
    const code = [...by][0]!;
    const spoken = languages.get(name)!;
    // A Vietnamese-only name whose marks matter (Áo, Bỉ, Séc) is read as a syllable (syllable-names.ts).
    const viName = marked.get(name);
    if (viName !== undefined && spoken.size === 1) {
      syllables.push({ name: viName, code });
      continue;
    }
    const wordIn = ordinary.get(name);
    const onlyIn = wordIn ? new Set([...spoken].filter((l) => !wordIn.has(l))) : undefined;
    const unspaced = UNSPACED.test(name);
    derived.push({
      name, code, unspaced,
      derived: { short: unspaced && [...name].length <= 2, katakana: KATAKANA.test(name[0]!), hangul: HANGUL.test(name[0]!) },
      ...(onlyIn ? { onlyIn } : {}),
    });
  }
  const entries = [...curated, ...derived].sort((a, b) => b.name.length - a.name.length);
  const byFirst = new Map<string, number[]>();
  entries.forEach((e, i) => {
    const key = firstKey(e);
    byFirst.set(key, [...(byFirst.get(key) ?? []), i]);
  });
  return { entries, known: new Set([...listed, ...codes]), byFirst };
}

/**
 * A two-character ICU name in Chinese or Korean (冰岛, 이란) counts only in a short answer such as
 * "我在冰岛" or "冰岛。": inside longer text such names are too often part of other words.
 */
const SHORT_ANSWER = 12;
const KATAKANA = /[\p{Script=Katakana}ー]/u;
const HANGUL = /\p{Script=Hangul}/u;

/**
 * Where an ICU name stands in `text`, more strictly than a hand-written one, because ICU's short
 * names are often parts of ordinary words: in Japanese a katakana name must not run on into more
 * katakana (マリ, Mali, inside マリオ); in Korean a name must start a word and a two-syllable one
 * may be followed only by 에 ("in") or a non-Hangul character (말리, Mali, inside 말리다); and a
 * two-character name counts only in a short answer.
 */
function derivedIndex(text: string, name: string, how: NonNullable<Entry['derived']>, shortAnswer: boolean): number {
  if (how.short && !shortAnswer) return -1;
  if (!how.katakana && !how.hangul) return UNSPACED.test(name) ? text.indexOf(name) : wordIndex(text, name);
  for (let from = 0; ; ) {
    const at = text.indexOf(name, from);
    if (at < 0) return -1;
    from = at + 1;
    const before = at === 0 ? '' : text[at - 1]!;
    const after = text[at + name.length] ?? '';
    if (how.katakana && (KATAKANA.test(before) || KATAKANA.test(after))) continue;
    if (how.hangul && (HANGUL.test(before) || (how.short && HANGUL.test(after) && after !== '에'))) continue;
    return at;
  }
}

/** Index of `name` in `text` as a whole word (no letter or digit on either side), or -1. */
function wordIndex(text: string, name: string): number {
  for (let from = 0; ; ) {
    const at = text.indexOf(name, from);
    if (at < 0) return -1;
    const before = at === 0 ? '' : text[at - 1]!;
    const after = text[at + name.length] ?? '';
    if (!/[\p{L}\p{N}]/u.test(before) && !/[\p{L}\p{N}]/u.test(after)) return at;
    from = at + 1;
  }
}
