/**
 * Schema of the message templates (policies/templates/<locale>.yaml) and the placeholder
 * contract for every template field. Placeholders are the only way a number reaches a
 * message: the loader rejects unknown placeholders, missing required ones, and any digits
 * written into a template by hand (CRISIS.md §1.2: numbers come from the directory only).
 */
import { z } from 'zod';

const Text = z.string().min(1);

const FORMAT_KEYS = [
  'bullet', 'line', 'call', 'text', 'text_keyword', 'call_or_text', 'whatsapp', 'chat', 'web',
  'email', 'or', 'methods_separator', 'qualified', 'hours_always', 'hours_limited', 'note',
  'emergency_unknown', 'emergency_label',
] as const;
export type FormatKey = (typeof FORMAT_KEYS)[number];

/** The `case` command's replies: refusals, mistakes, what an action did, and the parts of `case list`. */
export const MODERATION_KEYS = [
  'refused', 'usage', 'which_case', 'unknown_outcome', 'note_missing', 'note_too_long', 'not_found',
  'acknowledged', 'resolved', 'noted', 'paused', 'resumed',
  'already_resolved', 'already_acknowledged', 'another_moderator', 'already_paused', 'not_paused', 'cannot',
  'no_open_cases', 'list_paused', 'list_opened', 'list_acknowledged',
  // `case web` (src/dashboard/index.ts): a one-time sign-in link to the moderator dashboard.
  'web_refused', 'web_link', 'web_sent', 'web_dm_failed',
] as const;
export type ModerationKey = (typeof MODERATION_KEYS)[number];

/** Which ways of reaching the shown lines exist: every non-empty mix of call, text and chat, or web pages only. */
export const WAY_KEYS = ['call', 'text', 'chat', 'call_text', 'call_chat', 'text_chat', 'call_text_chat', 'web'] as const;
export type WayKey = (typeof WAY_KEYS)[number];

const shape = {
  // A language code, with a script subtag where one language has two written forms (zh-Hant).
  locale: z.string().regex(/^[a-z]{2,3}(-[A-Z][a-z]{3})?$/, 'expected a language code such as en, es or zh-Hant'),
  review: z.strictObject({
    clinical: z.enum(['pending', 'approved']),
    native_speaker: z.enum(['pending', 'approved']),
    notes: Text.optional(),
  }),
  private: z.strictObject({ moderate: Text, high: Text, imminent: Text }),
  third_party: z.strictObject({ moderate: Text, urgent: Text }),
  unreachable: z.strictObject({ moderate: Text, high: Text, imminent: Text }),
  public_note: z.strictObject({ moderate: Text, high: Text, imminent: Text }),
  // shown: names the country whose lines are shown and how to change it; unlisted: a country
  // with no resource file gets the international lines, said plainly (issue 12 item 2).
  // no_line: a country whose file has no line that may be shown (no_crisis_line): its note says so
  // and the international lines follow, so "these lines are for Turkey" would not be true.
  ask_country: z.strictObject({ default: Text, imminent: Text, shown: Text, no_line: Text, unlisted: Text }),
  fallback_reply: z.strictObject({ none: Text, low: Text, moderate: Text, high: Text, imminent: Text }),
  handoff_notice: Text,
  // The label of a button that opens a private chat with the bot, where the platform puts one
  // under a crisis text in a group (Telegram's deep link): in the reader's language too.
  private_chat_button: Text,
  // How the lines can be reached, chosen from the channels the shown lines really have
  // (issue 12 item 6): never "call, text or chat" where a country only has a phone line.
  ways: z.strictObject(Object.fromEntries(WAY_KEYS.map((k) => [k, Text])) as Record<WayKey, typeof Text>),
  // Said only when a moderator sink other than the log is configured: no promise of a person
  // who will never hear of it.
  moderator_note: z.strictObject({ self: Text, other: Text }),
  /** The `country` command's replies to the person (issue 12 item 5: the bot's own texts in their language). */
  country_command: z.strictObject({
    set: Text, cleared: Text, unknown: Text, lines_sent: Text, lines_queued: Text, current: Text, none_set: Text, usage: Text,
  }),
  /**
   * Replies to moderators' `country community …` and `language community …`, in the moderator's
   * language (their /language choice, else the language they last wrote in, else the community's).
   */
  community: z.strictObject({
    country_set: Text, country_cleared: Text, language_set: Text, language_cleared: Text, language_unknown: Text,
    moderators_only: Text, no_community: Text, usage: Text,
  }),
  /** Replies to the moderators' `case` command, in the moderator's language (src/crisis/moderation.ts). */
  moderation: z.strictObject(Object.fromEntries(MODERATION_KEYS.map((k) => [k, Text])) as Record<ModerationKey, typeof Text>),
  format: z.strictObject(Object.fromEntries(FORMAT_KEYS.map((k) => [k, z.string()])) as Record<FormatKey, z.ZodString>),
};

/** English: every field required (it is the fallback for every other locale). */
export const TemplateFile = z.strictObject(shape);
export type TemplateFile = z.infer<typeof TemplateFile>;

/** Other locales may leave fields out; each missing field falls back to English. */
export const PartialTemplateFile = z.strictObject({
  locale: shape.locale,
  review: shape.review,
  private: shape.private.partial().optional(),
  third_party: shape.third_party.partial().optional(),
  unreachable: shape.unreachable.partial().optional(),
  public_note: shape.public_note.partial().optional(),
  ask_country: shape.ask_country.partial().optional(),
  fallback_reply: shape.fallback_reply.partial().optional(),
  handoff_notice: Text.optional(),
  private_chat_button: Text.optional(),
  ways: shape.ways.partial().optional(),
  moderator_note: shape.moderator_note.partial().optional(),
  country_command: shape.country_command.partial().optional(),
  community: shape.community.partial().optional(),
  moderation: shape.moderation.partial().optional(),
  format: shape.format.partial().optional(),
});
export type PartialTemplateFile = z.infer<typeof PartialTemplateFile>;

export interface PlaceholderRule {
  allowed: readonly string[];
  required: readonly string[];
  /** Placeholders that must appear in this order (emergency before the crisis line at imminent). */
  order?: readonly string[];
}

const none: PlaceholderRule = { allowed: [], required: [] };
const full = (required: string[], order?: string[]): PlaceholderRule => ({
  allowed: ['resources', 'emergency', 'ask_country', 'ways', 'moderator'],
  required,
  ...(order ? { order } : {}),
});
const minimal = (required: string[], order?: string[]): PlaceholderRule => ({
  allowed: ['primary', 'emergency', 'ask_country'],
  required,
  ...(order ? { order } : {}),
});
const fmt = (...names: string[]): PlaceholderRule => ({ allowed: names, required: names });

/** Field path → placeholder contract. Every string field of a template file is listed. */
export const PLACEHOLDER_RULES: Readonly<Record<string, PlaceholderRule>> = {
  'private.moderate': full(['ways', 'resources', 'ask_country', 'moderator'], ['ways', 'resources']),
  'private.high': full(['ways', 'resources', 'emergency', 'ask_country', 'moderator'], ['ways', 'resources']),
  'private.imminent': full(['emergency', 'ways', 'resources', 'ask_country', 'moderator'], ['emergency', 'ways', 'resources']),
  'third_party.moderate': full(['ways', 'resources', 'ask_country', 'moderator'], ['ways', 'resources']),
  'third_party.urgent': full(['emergency', 'ways', 'resources', 'ask_country', 'moderator'], ['emergency', 'ways', 'resources']),
  // Posted where others read it (DMs closed): no word about the person's risk (issue 12 item 8).
  'unreachable.moderate': minimal(['primary', 'ask_country']),
  'unreachable.high': minimal(['primary', 'ask_country']),
  'unreachable.imminent': minimal(['emergency', 'primary', 'ask_country'], ['emergency', 'primary']),
  'public_note.moderate': none,
  'public_note.high': none,
  // The public note follows the level: at imminent it gives the emergency number (issue 12 item 8).
  'public_note.imminent': { allowed: ['emergency'], required: ['emergency'] },
  'ask_country.default': none,
  'ask_country.imminent': none,
  'ask_country.shown': fmt('country'),
  'ask_country.no_line': fmt('country'),
  'ask_country.unlisted': fmt('country'),
  'fallback_reply.none': none,
  'fallback_reply.low': none,
  'fallback_reply.moderate': none,
  'fallback_reply.high': none,
  // Once the country is known, its emergency number, not "your local emergency number" (issue 12).
  'fallback_reply.imminent': { allowed: ['emergency'], required: ['emergency'] },
  handoff_notice: none,
  private_chat_button: none,
  ...Object.fromEntries(WAY_KEYS.map((k) => [`ways.${k}`, none])),
  'moderator_note.self': none,
  'moderator_note.other': none,
  'country_command.set': fmt('country'),
  'country_command.cleared': none,
  'country_command.unknown': fmt('value'),
  'country_command.lines_sent': none,
  'country_command.lines_queued': none,
  'country_command.current': fmt('country'),
  'country_command.none_set': none,
  'country_command.usage': none,
  'community.country_set': fmt('country'),
  'community.country_cleared': none,
  'community.language_set': fmt('language'),
  'community.language_cleared': none,
  'community.language_unknown': fmt('value', 'languages'),
  'community.moderators_only': none,
  'community.no_community': none,
  'community.usage': none,
  'moderation.refused': none,
  'moderation.usage': fmt('outcomes'),
  'moderation.which_case': none,
  'moderation.unknown_outcome': fmt('value', 'outcomes'),
  'moderation.note_missing': none,
  'moderation.note_too_long': fmt('max'),
  'moderation.not_found': fmt('id'),
  'moderation.acknowledged': fmt('id', 'by'),
  'moderation.resolved': fmt('id', 'by', 'outcome'),
  'moderation.noted': fmt('id'),
  'moderation.paused': fmt('id'),
  'moderation.resumed': fmt('id'),
  'moderation.already_resolved': fmt('id'),
  'moderation.already_acknowledged': fmt('id', 'by'),
  'moderation.another_moderator': none,
  'moderation.already_paused': fmt('id'),
  'moderation.not_paused': fmt('id'),
  'moderation.cannot': fmt('id'),
  'moderation.no_open_cases': none,
  'moderation.list_paused': none,
  'moderation.list_opened': fmt('at'),
  'moderation.list_acknowledged': fmt('by'),
  'moderation.web_refused': none,
  'moderation.web_link': fmt('url', 'minutes'),
  'moderation.web_sent': fmt('minutes'),
  'moderation.web_dm_failed': none,
  'format.bullet': fmt('line'),
  'format.line': fmt('service', 'methods', 'hours', 'note'),
  'format.call': fmt('numbers'),
  'format.text': fmt('numbers'),
  'format.text_keyword': fmt('keyword', 'numbers'),
  'format.call_or_text': fmt('numbers'),
  'format.whatsapp': fmt('numbers'),
  'format.chat': fmt('link'),
  'format.web': fmt('link'),
  'format.email': fmt('link'),
  'format.or': none,
  'format.methods_separator': none,
  'format.qualified': fmt('number', 'qualifier'),
  'format.hours_always': none,
  'format.hours_limited': fmt('hours'),
  'format.note': fmt('note'),
  'format.emergency_unknown': none,
  'format.emergency_label': fmt('number', 'label'),
};

/** `{name}` placeholders in a template string, in order of appearance. */
export function placeholdersOf(text: string): string[] {
  return [...text.matchAll(/\{([a-z_]+)\}/g)].map((m) => m[1]!);
}
