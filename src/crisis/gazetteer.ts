/**
 * The country answer (issue 12 item 2; CRISIS.md §7 step 3). After the bot asked "Which country
 * are you in?", a reply naming a country, or a well-known city or region, in any supported
 * language, is read here against policies/places.yaml. Only a reply that names exactly one
 * country counts: two countries, or none, and nothing is set (the country is never guessed).
 */
import { z } from 'zod';
import { policyError, readPolicyYaml } from '../policy/policy-file.js';

const Code = z.string().regex(/^[A-Z]{2}$/, 'must be an ISO 3166-1 alpha-2 code in capitals, such as MX');

const PlacesFile = z.strictObject({
  code_words: z.array(Code),
  countries: z.record(Code, z.strictObject({
    names: z.array(z.string().min(2)).min(1),
    places: z.array(z.string().min(2)),
  })),
});

export interface Gazetteer {
  /** The one country `text` names, or undefined for none or several. */
  countryIn(text: string): string | undefined;
  /** Codes with an entry. */
  codes(): string[];
}

/** Case, width and accents do not matter ("México" = "mexico", "ＤＥ" = "de"). */
export function foldPlace(text: string): string {
  return text.normalize('NFKC').toLowerCase().normalize('NFD').replace(/\p{M}/gu, '').normalize('NFC').replace(/\s+/g, ' ');
}

/** Scripts written without spaces between words: a name matches inside a sentence. */
const UNSPACED = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\p{Script=Thai}]/u;

interface Entry { name: string; code: string; unspaced: boolean }

/** Languages whose directory names are read too (resources/<ISO>.yaml `names`). */
const NAME_LOCALES = ['en', 'es', 'pt', 'fr', 'de', 'it', 'nl', 'pl', 'tr', 'id', 'ru', 'uk', 'ja', 'ko', 'zh', 'ar', 'hi', 'vi', 'th', 'el', 'he', 'sv', 'da', 'fi', 'no', 'nb', 'cs', 'hu', 'ro', 'ms', 'bn', 'ur', 'sw'];

/**
 * Loads and validates policies/places.yaml. The directory's own country names (`names` in each
 * resources/<ISO>.yaml) are added, so every country the bot has lines for can be named even
 * before places.yaml lists it; a name that would point at two countries stops startup.
 */
export function loadGazetteer(
  policyDir: string,
  directory: { countries(): string[]; name(country: string, locale: string): string | undefined },
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
      entries.push({ name, code, unspaced: UNSPACED.test(name) });
    }
  }
  const codeWords = new Set(data.code_words);
  // Longest names first, so "印度尼西亚" (Indonesia) is read before the "印度" (India) inside it.
  entries.sort((a, b) => b.name.length - a.name.length);
  const known = new Set([...Object.keys(data.countries), ...directory.countries()]);

  return {
    codes: () => [...known].sort(),
    countryIn(text) {
      const bare = text.trim().replace(/[.!]+$/, '');
      if (/^[A-Z]{2}$/.test(bare)) return known.has(bare) && !codeWords.has(bare) ? bare : undefined;
      let folded = foldPlace(text);
      const found = new Set<string>();
      for (const e of entries) {
        const at = e.unspaced ? folded.indexOf(e.name) : wordIndex(folded, e.name);
        if (at < 0) continue;
        found.add(e.code);
        // Blank the match out, so a shorter name inside it cannot count as a second country.
        folded = folded.slice(0, at) + ' '.repeat(e.name.length) + folded.slice(at + e.name.length);
      }
      return found.size === 1 ? [...found][0] : undefined;
    },
  };
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
