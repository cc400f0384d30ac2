/**
 * Chooses the language the bot writes to a person in (issue 12 item 5): their stored choice,
 * else the language of their message, else the fallback; Chinese readers in Hong Kong, Macao
 * and Taiwan, or who write in Traditional characters, get Traditional Chinese. The rules are
 * data in policies/locales.yaml, validated at load.
 */
import { z } from 'zod';
import { policyError, readPolicyYaml } from '../policy/policy-file.js';
import { loadShortWords } from './short-words.js';

const FILE = 'locales.yaml';
const Tag = z.string().regex(/^[a-z]{2,3}(-[A-Z][a-z]{3})?$/, 'expected a language code such as en or zh-Hant');

export const LocalePolicyFile = z.strictObject({
  fallback: Tag,
  traditional_chinese: z.strictObject({
    language: Tag,
    locale: Tag,
    countries: z.array(z.string().regex(/^[A-Z]{2}$/, 'expected an uppercase ISO country code')).min(1),
  }),
});
export type LocalePolicy = z.infer<typeof LocalePolicyFile>;

/** The stored preference holding a person's chosen language (set with /language), or a community's (`language community xx`). */
export const LANGUAGE_PREFERENCE = 'language';
/** The language the bot last wrote to a person in, from a message long enough to tell. */
export const LAST_LANGUAGE_PREFERENCE = 'last_language';

/**
 * True for a message too short to tell its language: at most three words, all in Latin letters
 * ("hola", "ok", "hallo", "merci beaucoup"), or no words at all (an emoji). A word in another
 * script tells its language at once ("はい", "спасибо"), so such a message is never too short.
 */
export function tooShortToTell(text: string): boolean {
  const words = text.normalize('NFKC').match(/[\p{L}\p{N}]+/gu) ?? [];
  if (words.some((w) => /[^\p{Script=Latin}\p{N}]/u.test(w))) return false;
  return words.length <= 3;
}

/**
 * Loads locales.yaml, checks that every locale it names has templates, and that crisis templates
 * and the bot's own texts cover the same languages (a Spanish reader must not get Spanish crisis
 * text and English help, or the reverse). Throws POLICY_INVALID.
 */
export function loadLocalePolicy(policyDir: string, available: ReadonlySet<string>, textLocales: readonly string[]): LocalePolicy {
  const policy = readPolicyYaml(policyDir, FILE, LocalePolicyFile);
  for (const t of available) {
    if (!textLocales.includes(t)) throw policyError(`texts/${t}.yaml`, '', `templates/${t}.yaml exists but the bot's own texts for "${t}" do not`, `add texts/${t}.yaml (copy texts/en.yaml and translate it)`);
  }
  for (const t of textLocales) {
    if (!available.has(t)) throw policyError(`templates/${t}.yaml`, '', `texts/${t}.yaml exists but the crisis templates for "${t}" do not`, `add templates/${t}.yaml`);
  }
  for (const [field, tag] of [['fallback', policy.fallback], ['traditional_chinese.locale', policy.traditional_chinese.locale]] as const) {
    if (!available.has(tag)) throw policyError(FILE, field, `"${tag}" has no templates`, `add policies/templates/${tag}.yaml and policies/texts/${tag}.yaml, or name a locale that has them`);
  }
  return policy;
}

export interface LocaleInput {
  /** The person's stored choice, if any. */
  preference?: string | undefined;
  /** The language the risk screen detected in the message ("es", "zh"…). */
  detected: string | undefined;
  /** The message text (to tell Traditional from Simplified Chinese). */
  text: string;
  /** The person's country, when known (only used to choose the written form of Chinese). */
  country?: string | undefined;
}

/** The locale to write in; always one of `available`. */
export function chooseLocale(policy: LocalePolicy, available: ReadonlySet<string>, input: LocaleInput): string {
  const preferred = matchTag(input.preference, available);
  if (preferred !== undefined) return preferred;
  const tc = policy.traditional_chinese;
  if (input.detected === tc.language) {
    const country = input.country?.trim().toUpperCase();
    if ((country !== undefined && tc.countries.includes(country)) || writtenInTraditional(input.text)) return tc.locale;
  }
  return matchTag(input.detected, available) ?? policy.fallback;
}

/** "ES", "es-MX", "zh_hant" → the available locale they name, if any. */
export function matchTag(tag: string | undefined, available: ReadonlySet<string>): string | undefined {
  if (tag === undefined) return undefined;
  const clean = tag.trim().replace('_', '-').toLowerCase();
  if (clean === '') return undefined;
  for (const a of available) if (a.toLowerCase() === clean) return a;
  const base = clean.split('-')[0]!;
  for (const a of available) if (a.toLowerCase() === base) return a;
  return undefined;
}

// Common characters that differ between the two forms, pair by pair (Traditional / Simplified).
const TRADITIONAL = '們這個說為會來時與對還沒嗎關體發點麼裡讓謝話電號線樂難過當應該覺開問題頭實現經從愛親將無機學長東車門間見氣殺傷盡錢媽歡處場聽幫種';
const SIMPLIFIED = '们这个说为会来时与对还没吗关体发点么里让谢话电号线乐难过当应该觉开问题头实现经从爱亲将无机学长东车门间见气杀伤尽钱妈欢处场听帮种';

/** Whether Chinese text uses more Traditional-only than Simplified-only characters. */
export function writtenInTraditional(text: string): boolean {
  let traditional = 0;
  let simplified = 0;
  for (const ch of text) {
    const t = TRADITIONAL.indexOf(ch);
    const s = SIMPLIFIED.indexOf(ch);
    // Each listed character belongs to one form only; anything else counts for neither.
    if (t >= 0 && s < 0) traditional++;
    else if (s >= 0 && t < 0) simplified++;
  }
  return traditional > simplified;
}

/** What the engine and the crisis step ask: the language for this person and message. */
export type LocaleChooser = (request: {
  /** Absent when the store cannot be read: then the message alone decides. */
  userKey?: string | undefined;
  communityKey?: string | undefined;
  /**
   * The language of the message (the risk screen's detection), or, with `text` empty, the caller's
   * own evidence (the language of the person's last crisis lines).
   */
  detected: string | undefined;
  /** The message; empty for a command or a send that carries no sentence of the person's. */
  text: string;
}) => Promise<string>;

export interface LocaleChooserDeps {
  policyDir: string;
  /** Locales with crisis templates, and locales with the bot's own texts: they must agree. */
  templateLocales: readonly string[];
  textLocales: readonly string[];
  preference(ownerKey: string, name: string): Promise<string | undefined>;
  /** Stores the language a person was last written to in (only when it changes). */
  setPreference?(ownerKey: string, name: string, value: string | undefined): Promise<void>;
  /** The person's country (their choice, the community's, the operator's), if known. */
  country(userKey: string, communityKey: string | undefined): Promise<string | undefined>;
  defaultCountry: string | undefined;
}

/**
 * Loads locales.yaml (throws POLICY_INVALID) and returns the chooser the engine uses for every message.
 *
 * Order: the person's stored choice; else the language of a message long enough to tell; for a
 * message too short to tell ("hola", "ok", "merci") or none at all, the language the person was last
 * written to in, else the one language its words name (policies/short-words.yaml), else the
 * community's language, else the best guess, else the fallback. Without this, a lone "hola" in a
 * Spanish conversation, or as a person's first message, was answered in English (issue 12 item 5).
 */
export function createLocaleChooser(deps: LocaleChooserDeps): LocaleChooser {
  const available = new Set(deps.templateLocales);
  const policy = loadLocalePolicy(deps.policyDir, available, deps.textLocales);
  const shortWords = loadShortWords(deps.policyDir, available);
  // Compared with the store at the message, so an unchanged language costs a read and no write.
  // A memory of what this process last stored went stale when another instance on the same store
  // had stored another language since: the skipped write left the store on the language before
  // last, and the next short message was answered in it.
  const remember = async (userKey: string, locale: string) => {
    if (!deps.setPreference) return;
    // Best effort: a failed read or write only means a later short message may fall back further.
    try {
      if ((await deps.preference(userKey, LAST_LANGUAGE_PREFERENCE)) === locale) return;
      await deps.setPreference(userKey, LAST_LANGUAGE_PREFERENCE, locale);
    } catch {
      // Nothing to do: see above.
    }
  };
  const known = async (owner: string | undefined, name: string) =>
    owner === undefined ? undefined : matchTag(await deps.preference(owner, name), available);

  return async ({ userKey, communityKey, detected, text }) => {
    const preference = userKey === undefined ? undefined : await deps.preference(userKey, LANGUAGE_PREFERENCE);
    if (matchTag(preference, available) !== undefined) return chooseLocale(policy, available, { preference, detected, text });
    const unsure = text === '' ? detected === undefined : tooShortToTell(text);
    if (unsure) {
      const last = await known(userKey, LAST_LANGUAGE_PREFERENCE);
      if (last !== undefined) return last;
      // The message's own words, where they name one language, say more of this person than the
      // community's default does; remembered, so a following "ok" stays in it.
      const named = text === '' ? undefined : shortWords(text);
      if (named !== undefined) {
        if (userKey !== undefined) await remember(userKey, named);
        return named;
      }
      const community = await known(communityKey, LANGUAGE_PREFERENCE);
      if (community !== undefined) return community;
    }
    // The country is read only where it matters: to choose between the two forms of Chinese.
    const country = detected !== policy.traditional_chinese.language
      ? undefined
      : userKey === undefined ? deps.defaultCountry : await deps.country(userKey, communityKey);
    const locale = chooseLocale(policy, available, { preference, detected, text, country });
    if (!unsure && text !== '' && userKey !== undefined) await remember(userKey, locale);
    return locale;
  };
}
