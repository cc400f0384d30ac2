/**
 * The bot's own texts (help, command replies, refusals, "can't reach my model"), one file per
 * language in policies/texts/<locale>.yaml, validated at load like the crisis templates. Every
 * language but English carries its review status; a missing locale falls back to English.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { policyError, readPolicyYaml } from './policy-file.js';

const Text = z.string().min(1);

export const BotTextFile = z.strictObject({
  locale: z.string().regex(/^[a-z]{2,3}(-[A-Z][a-z]{3})?$/, 'expected a language code such as en or zh-Hant'),
  review: z.strictObject({
    native_speaker: z.enum(['pending', 'approved']),
    notes: Text.optional(),
  }),
  model_unavailable: Text,
  /** Said instead of an answer while the database cannot be used (a store fault): required in every language. */
  store_unavailable: Text,
  rate_limited: Text,
  empty_message: Text,
  shortened: Text,
  help: Text,
  forget_confirm: Text,
  forgotten: Text.includes('{count}', { message: 'must contain {count}' }),
  unknown_command: Text,
  export_intro: Text,
  dashboard_off: Text,
  language_set: Text.includes('{language}', { message: 'must contain {language}' }),
  language_cleared: Text,
  language_unknown: Text.includes('{languages}', { message: 'must contain {languages}' }),
  // What an adapter says itself (issue 12 item 5: the bot's own texts in the person's language).
  command_failed: Text,
  button_expired: Text,
  sent_as_file: Text,
  sent_privately: Text,
  forget_button: Text,
  invite_private: Text.includes('{link}', { message: 'must contain {link}' }),
});
export type BotTextFile = z.infer<typeof BotTextFile>;
export type BotTexts = Omit<BotTextFile, 'locale' | 'review'>;

/** Locale → texts. English is required: it is the fallback. Throws POLICY_INVALID. */
export function loadBotTexts(policyDir: string): Map<string, BotTexts> {
  const names = readdirSync(join(policyDir, 'texts')).filter((n) => n.endsWith('.yaml')).sort();
  const out = new Map<string, BotTexts>();
  for (const name of names) {
    const file = `texts/${name}`;
    const data = readPolicyYaml(policyDir, file, BotTextFile);
    if (`${data.locale}.yaml` !== name) throw policyError(file, 'locale', `"${data.locale}" does not match the file name`, `set locale: ${name.replace(/\.yaml$/, '')} or rename the file`);
    // Numbers never belong in the bot's texts: a crisis number comes only from the directory.
    for (const [field, value] of Object.entries(data)) {
      if (typeof value === 'string' && /\d{3}/.test(value)) throw policyError(file, field, 'contains a number of three or more digits', 'remove it; numbers come only from policies/resources/');
    }
    const { locale, review: _review, ...texts } = data;
    out.set(locale, texts);
  }
  if (!out.has('en')) throw policyError('texts/en.yaml', '', 'the file is missing', 'add the English texts; English is the fallback for every locale');
  return out;
}
