/**
 * Schemas for the verified resource directory (policies/resources/*.yaml) in the CRISIS.md §8
 * shape. Objects are strict so a typo ("dispaly") fails at load instead of silently dropping
 * a field. Each schema and its inferred type share a name (ARCHITECTURE.md §5).
 */
import { z } from 'zod';

export const Confidence = z.enum(['High', 'Medium', 'Low']);
export type Confidence = z.infer<typeof Confidence>;

/** CRISIS.md §8 channels. `web` is a directory page (findahelpline.com), not a line. */
export const Channel = z.enum(['voice', 'sms', 'whatsapp', 'chat', 'email', 'web']);
export type Channel = z.infer<typeof Channel>;

/** Channels reached through a number: they need `dial`, and their `display` is a number. */
export const NUMBER_CHANNELS: ReadonlySet<Channel> = new Set(['voice', 'sms', 'whatsapp']);

/**
 * primary: may lead a level's list; secondary: may follow it; record-only: kept for
 * reviewers (low confidence, "verify", not bolded in CRISIS.md) and never rendered.
 */
export const Use = z.enum(['primary', 'secondary', 'record-only']);
export type Use = z.infer<typeof Use>;

/** What CRISIS.md §8 still asks to verify for an entry. number/keyword/hours block `primary`. */
export const Unverified = z.enum(['number', 'keyword', 'hours', 'languages', 'cost']);

/** Per-locale text; English is required because it is the fallback locale. */
export const LocalText = z.strictObject({ en: z.string().min(1) }).catchall(z.string().min(1));
export type LocalText = z.infer<typeof LocalText>;

/**
 * "2025", "2025-08" or "2025-08-19": the date the source itself shows, as precise as it gives
 * it; "undated" when no source shows a date. Never the date the file was compiled: that would
 * make an old entry look freshly checked.
 */
const PartialDate = z
  .string()
  .regex(/^(\d{4}(-\d{2}(-\d{2})?)?|undated)$/, 'expected the date the source shows (YYYY, YYYY-MM or YYYY-MM-DD in quotes), or "undated"');

const Provenance = {
  source_urls: z.array(z.string().min(1)).min(1, 'at least one source is required'),
  last_verified: PartialDate,
  verification_note: z.string().min(1).optional(),
  verifier: z.string().min(1),
  confidence: Confidence,
  /** The table's exact wording when confidence differs by aspect ("High (number) / Medium (hours)"). */
  confidence_detail: z.string().min(1).optional(),
};

export const Hours = z.strictObject({
  always_open: z.boolean(),
  /** IANA zone the hours are written in; validated with Intl at load. */
  timezone: z.string().min(1),
  /** Required when not always open: shown to the user, so a closed line is never a surprise. */
  summary: LocalText.optional(),
});

export const Contact = z.strictObject({
  id: z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'expected a kebab-case id such as us-988-voice'),
  /** The service name as the provider writes it. */
  service: z.string().min(1),
  /** Names for other locales (an English gloss for a Chinese-only name, say). */
  service_names: LocalText.partial().optional(),
  channel: Channel,
  /** Exactly as the provider writes it; rendered byte for byte. */
  display: z.string().min(1),
  /** What goes in tel:/sms:: digits as dialled in the country, short codes stay short. */
  dial: z.string().optional(),
  /** For chat/web/email: https:// or mailto: link. */
  url: z.string().regex(/^(https:\/\/|mailto:)\S+$/, 'expected an https:// or mailto: link').optional(),
  keyword: z.string().regex(/^[A-Z0-9]+$/, 'expected the SMS keyword in capitals, exactly as the provider writes it').optional(),
  /** Shown after the number: "from Iwate, Miyagi or Fukushima". */
  qualifier: LocalText.optional(),
  /** Shown after the line: "if busy, leave a number for a call-back". */
  note: LocalText.optional(),
  /**
   * Shown after the line only to readers of that exact locale, never as an English fallback:
   * 988's Spanish menu option matters to a Spanish speaker and is noise to anyone else.
   */
  locale_note: LocalText.partial().optional(),
  hours: Hours,
  languages: z.array(z.string().min(1)).min(1),
  languages_note: z.string().min(1).optional(),
  audience: z.string().min(1),
  cost: z.enum(['free', 'free, not on bill', 'toll-free', 'charged', 'not stated']),
  use: Use,
  unverified: z.array(Unverified).optional(),
  ...Provenance,
});
export type Contact = z.infer<typeof Contact>;

export const EmergencyNumber = z.strictObject({
  display: z.string().min(1),
  dial: z.string().regex(/^\d+$/, 'expected digits only'),
  /** Only where CRISIS.md labels it: "SAMU", "ambulance", "mobile". */
  label: LocalText.optional(),
});

export const Emergency = z.strictObject({
  id: z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/),
  numbers: z.array(EmergencyNumber).min(1, 'at least one emergency number is required'),
  ...Provenance,
  // The emergency table in CRISIS.md names no source; allow an empty list with a note.
  source_urls: z.array(z.string().min(1)),
});

/** A Show list per level: contact ids in render order; the first must be `use: primary`. */
export const ShowByLevel = z.strictObject({
  moderate: z.array(z.string()).min(1),
  high: z.array(z.string()).min(1),
  imminent: z.array(z.string()).min(1),
});
export type ShowByLevel = z.infer<typeof ShowByLevel>;

/** A string that must never be rendered (CRISIS.md §9): a retired or misprinted number, or a phrase. */
export const Trap = z.strictObject({
  kind: z.enum(['number', 'phrase']),
  text: z.string().min(1),
  reason: z.string().min(1),
});
export type Trap = z.infer<typeof Trap>;

export const CountryFile = z.strictObject({
  country: z.string().regex(/^[A-Z]{2}$/, 'expected an uppercase ISO 3166-1 alpha-2 code'),
  names: LocalText,
  emergency: Emergency,
  /** Set where there is no national 24/7 suicide line (Italy): the note must give {emergency}. */
  no_24_7_line: z
    .strictObject({ note: LocalText, ...Provenance })
    .optional(),
  /**
   * Set where CRISIS.md has no crisis line to show (TR, SA; BD, RO unsourced; DK, AE whose lines
   * are record-only): the global fallback is shown instead, and the note must give {emergency}
   * and say plainly that no verified line is listed.
   */
  no_crisis_line: z
    .strictObject({ note: LocalText, ...Provenance })
    .optional(),
  /** Record-only entries may stay here for reviewers even when nothing is shown. */
  contacts: z.array(Contact).default([]),
  /** Required unless no_crisis_line is set. */
  show: ShowByLevel.optional(),
  traps: z.array(Trap).optional(),
});
export type CountryFile = z.infer<typeof CountryFile>;

export const GlobalFile = z.strictObject({
  /** Other spellings accepted for a country code ("UK" → "GB"). */
  aliases: z.record(z.string().regex(/^[A-Z]{2}$/), z.string().regex(/^[A-Z]{2}$/)),
  /** Countries that assign the EU's 116 123 (CRISIS.md §8: it is not pan-European). */
  assigns_116123: z.array(z.string().regex(/^[A-Z]{2}$/)),
  /** The fallback for unknown countries (findahelpline.com and friends). */
  contacts: z.array(Contact).min(1),
  show: ShowByLevel,
  traps: z.array(Trap),
});
export type GlobalFile = z.infer<typeof GlobalFile>;
