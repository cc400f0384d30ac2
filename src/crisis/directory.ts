/**
 * The verified resource directory: crisis lines and emergency numbers per country
 * (policies/resources/), message templates per locale (policies/templates/), and the one
 * renderer that turns them into the resource messages of CRISIS.md §4–§5. Numbers shown to
 * a user come only from here, byte for byte (team rule 1; CRISIS.md §1.2).
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { RiskLevel } from '../messages.js';
import { check116123, checkContacts, checkTrapNumbers, findTrapPhrase, trapReason, type TrapEntry } from './directory-checks.js';
import { type Contact, CountryFile, GlobalFile } from './directory-schema.js';
import { policyError, readPolicyYaml } from '../policy/policy-file.js';
import { Collector, emergencyText, fill, fillMessage, groupByService, local, serviceLine } from './render.js';
import { applyResourceNotes, templateLocalesIn } from './resource-notes.js';
import { loadTemplates } from './templates.js';
import type { TemplateFile, WayKey } from './templates-schema.js';

export type RenderPlace = 'private' | 'public' | 'private-unreachable';

export interface RenderRequest {
  /** ISO 3166-1 alpha-2 (any case; "UK" accepted), or undefined when not known yet. */
  country: string | undefined;
  level: RiskLevel;
  /** "en", "zh", "zh-CN"…; anything without templates falls back to English. */
  locale: string;
  /** private: DM with the full message; public: the short note in the channel; private-unreachable: DMs closed, minimal in place. */
  place: RenderPlace;
  /** "other" when the user is worried about someone else (CRISIS.md §4 DO 12). */
  about?: 'self' | 'other' | undefined;
  /**
   * Whether a moderator can hear of this case (a sink other than the log is configured). Only
   * then does the text say a moderator may check in; absent means no such promise.
   */
  moderators?: boolean | undefined;
}

export interface RenderedResources {
  /** Core markdown subset: **bold**, [label](url). */
  text: string;
  /** Every number in the text, each exactly a directory `display`, in order of first appearance. */
  numbers: string[];
  /** Contact and emergency record ids rendered (for the case record: "what the bot already sent"). */
  resourceIds: string[];
  /** True when the text asks which country the user is in (the country was unknown). */
  askedCountry: boolean;
  /** The label of a "talk to me privately" button, in the text's language (templates private_chat_button). */
  privateChatButton: string;
}

/** Static texts that carry no numbers. Levels none/low use their own fallback and the moderate note. */
export interface CrisisTexts {
  locale: string;
  /** Sent instead of a model reply that failed the output check. */
  fallbackReply: Readonly<Record<RiskLevel, string>>;
  /** One-time notice when a moderator takes over the conversation. */
  handoffNotice: string;
  /** "Which country are you in?" on its own. */
  askCountry: string;
  /** The `country` command's replies to the person. */
  countryCommand: Readonly<TemplateFile['country_command']>;
  /** Replies to moderators' community commands. */
  community: Readonly<TemplateFile['community']>;
  /** Replies to the moderators' `case` command. */
  moderation: Readonly<TemplateFile['moderation']>;
}

export interface ResourceDirectory {
  /** ISO codes with a directory entry, sorted. */
  countries(): string[];
  /** Whether `country` (any case, aliases such as UK accepted) has an entry. */
  has(country: string): boolean;
  /** The canonical ISO code for user input ("uk" → "GB"), or undefined when not in the directory. */
  code(country: string): string | undefined;
  /** The country's name in a locale (English fallback), or undefined when unknown. */
  name(country: string, locale: string): string | undefined;
  render(request: RenderRequest): RenderedResources;
  /** Locales that have their own templates ("en", "es", "zh-Hant"…), sorted. */
  locales(): string[];
  /** Every display and dial string that may be shown (record-only entries excluded). */
  verifiedNumbers(): ReadonlySet<string>;
  /** The numbers that may be shown to a person in `country`: its lines, its emergency numbers and the global fallback's. */
  numbersFor(country: string | undefined): ReadonlySet<string>;
  /**
   * Static texts in a locale. With `country`, the safe replies give that country's emergency
   * number; without one (or for a country with no file), the locale's words for "your local
   * emergency number".
   */
  texts(locale: string, country?: string): CrisisTexts;
}

type Level3 = 'moderate' | 'high' | 'imminent';
/** none/low get the gentle (moderate) texts when a caller renders resources for them. */
const level3 = (level: RiskLevel): Level3 => (level === 'high' || level === 'imminent' ? level : 'moderate');

/** Loads, validates and cross-checks policies/resources and policies/templates. Throws POLICY_INVALID. */
export function loadDirectory(policyDir: string): ResourceDirectory {
  const names = readdirSync(join(policyDir, 'resources')).filter((n) => n.endsWith('.yaml')).sort();
  if (!names.includes('global.yaml')) {
    throw policyError('resources/global.yaml', '', 'the file is missing', 'create it with aliases, assigns_116123, contacts, show and traps (see policies/README.md)');
  }
  const global = readPolicyYaml(policyDir, 'resources/global.yaml', GlobalFile);
  checkContacts('resources/global.yaml', global, false);
  const traps: TrapEntry[] = global.traps.map((t) => ({ ...t, file: 'resources/global.yaml' }));

  const countries = new Map<string, CountryFile>();
  for (const name of names.filter((n) => n !== 'global.yaml')) {
    const file = `resources/${name}`;
    if (!/^[A-Z]{2}\.yaml$/.test(name)) {
      throw policyError(file, '', 'unexpected file name', 'name country files by their uppercase ISO code, such as DE.yaml');
    }
    const data = readPolicyYaml(policyDir, file, CountryFile);
    if (`${data.country}.yaml` !== name) {
      throw policyError(file, 'country', `"${data.country}" does not match the file name`, `set country: ${name.slice(0, 2)} or rename the file`);
    }
    if (data.country in global.aliases) {
      throw policyError(file, 'country', `"${data.country}" is an alias of ${global.aliases[data.country]!}`, `move the entries to resources/${global.aliases[data.country]!}.yaml`);
    }
    checkContacts(file, data, data.no_24_7_line !== undefined);
    check116123(file, data.country, data.contacts, global.assigns_116123);
    for (const key of ['no_24_7_line', 'no_crisis_line'] as const) {
      for (const [loc, note] of Object.entries(data[key]?.note ?? {})) {
        const ph = [...note.matchAll(/\{([a-z_]+)\}/g)].map((m) => m[1]);
        if (!ph.includes('emergency') || ph.some((p) => p !== 'emergency')) {
          throw policyError(file, `${key}.note.${loc}`, 'the note must give {emergency} and no other placeholder', 'write the note so it tells the user to call {emergency} (CRISIS.md §8)');
        }
      }
    }
    for (const t of data.traps ?? []) traps.push({ ...t, file });
    countries.set(data.country, data);
  }
  if (countries.size === 0) throw policyError('resources', '', 'no country files', 'add at least one <ISO>.yaml');
  for (const [alias, target] of Object.entries(global.aliases)) {
    if (!countries.has(target)) {
      throw policyError('resources/global.yaml', `aliases.${alias}`, `target ${target} has no file`, `add resources/${target}.yaml or remove the alias`);
    }
  }
  global.assigns_116123.forEach((c, i) => {
    if (!countries.has(c)) throw policyError('resources/global.yaml', `assigns_116123[${i}]`, `${c} has no file`, `add resources/${c}.yaml or remove ${c}`);
  });

  // Every shown note in every template language (policies/resource-notes/), before the trap
  // check so the translations are checked for trap phrases too.
  applyResourceNotes(policyDir, [
    { file: 'resources/global.yaml', data: global },
    ...[...countries].map(([code, data]) => ({ file: `resources/${code}.yaml`, data })),
  ], templateLocalesIn(policyDir));

  // Traps are checked last: a trap listed under one country must not appear in any other.
  checkTrapNumbers('resources/global.yaml', global.contacts, traps);
  for (const [code, data] of countries) {
    checkTrapNumbers(`resources/${code}.yaml`, data.contacts, traps, data.emergency.numbers.map((n) => n.dial));
    checkTrapPhrases(`resources/${code}.yaml`, data, traps);
  }
  checkTrapPhrases('resources/global.yaml', global, traps);

  const templates = loadTemplates(policyDir, traps);
  return new Directory(countries, global, templates);
}

function checkTrapPhrases(file: string, data: CountryFile | GlobalFile, traps: readonly TrapEntry[]): void {
  const texts: Array<[string, string]> = [];
  data.contacts.forEach((c, i) => {
    texts.push([`contacts[${i}].service`, c.service]);
    for (const [k, v] of Object.entries(c.note ?? {})) texts.push([`contacts[${i}].note.${k}`, v]);
    for (const [k, v] of Object.entries(c.qualifier ?? {})) texts.push([`contacts[${i}].qualifier.${k}`, v]);
    for (const [k, v] of Object.entries(c.locale_note ?? {})) if (v !== undefined) texts.push([`contacts[${i}].locale_note.${k}`, v]);
  });
  for (const key of ['no_24_7_line', 'no_crisis_line'] as const) {
    if (!(key in data)) continue;
    for (const [k, v] of Object.entries((data as CountryFile)[key]?.note ?? {})) texts.push([`${key}.note.${k}`, v]);
  }
  for (const [field, text] of texts) {
    const hit = findTrapPhrase(text, traps);
    if (hit) throw policyError(file, field, `contains the trap phrase "${hit.text}": ${trapReason(hit)}`, 'remove the phrase');
  }
}

class Directory implements ResourceDirectory {
  private readonly verified: ReadonlySet<string>;

  private readonly perCountry = new Map<string, ReadonlySet<string>>();
  private readonly globalNumbers: ReadonlySet<string>;

  constructor(
    private readonly byCountry: Map<string, CountryFile>,
    private readonly global: GlobalFile,
    private readonly templates: Map<string, TemplateFile>,
  ) {
    const add = (set: Set<string>) => (c: Contact) => {
      if (c.use === 'record-only' || c.dial === undefined) return;
      set.add(c.display);
      set.add(c.dial);
      // A star code (*4141) is found by number scanners as its digits.
      if (c.display.startsWith('*')) set.add(c.display.slice(1));
    };
    const globalSet = new Set<string>();
    global.contacts.forEach(add(globalSet));
    this.globalNumbers = globalSet;
    const all = new Set<string>(globalSet);
    for (const [code, data] of byCountry) {
      const set = new Set<string>(globalSet);
      data.contacts.forEach(add(set));
      for (const n of data.emergency.numbers) {
        set.add(n.display);
        set.add(n.dial);
      }
      this.perCountry.set(code, set);
      for (const n of set) all.add(n);
    }
    this.verified = all;
  }

  numbersFor(country: string | undefined): ReadonlySet<string> {
    const data = country === undefined ? undefined : this.lookup(country);
    return data === undefined ? this.globalNumbers : this.perCountry.get(data.country)!;
  }

  countries(): string[] {
    return [...this.byCountry.keys()].sort();
  }

  has(country: string): boolean {
    return this.lookup(country) !== undefined;
  }

  code(country: string): string | undefined {
    return this.lookup(country)?.country;
  }

  name(country: string, locale: string): string | undefined {
    const data = this.lookup(country);
    if (data === undefined) return undefined;
    const loc = this.locale(locale);
    // The file's own name first, then ICU's name in the reader's language, English last.
    return data.names[loc] ?? regionName(data.country, loc) ?? local(data.names, loc);
  }

  verifiedNumbers(): ReadonlySet<string> {
    return this.verified;
  }

  locales(): string[] {
    return [...this.templates.keys()].sort();
  }

  texts(locale: string, country?: string): CrisisTexts {
    const t = this.template(locale);
    const data = country === undefined ? undefined : this.lookup(country);
    // The numbers go into the text only; nothing here records a sent resource.
    const emergency = () => emergencyText(data?.emergency, t.format, t.locale, new Collector());
    const fallbackReply = Object.fromEntries(
      Object.entries(t.fallback_reply).map(([level, text]) => [level, fill(text, { emergency })]),
    ) as Record<RiskLevel, string>;
    return {
      locale: t.locale,
      fallbackReply,
      handoffNotice: t.handoff_notice,
      countryCommand: { ...t.country_command },
      community: { ...t.community },
      moderation: { ...t.moderation },
      askCountry: t.ask_country.default,
    };
  }

  render(request: RenderRequest): RenderedResources {
    const t = this.template(request.locale);
    const locale = t.locale;
    const level = level3(request.level);
    const data = request.country === undefined ? undefined : this.lookup(request.country);
    const out = new Collector();
    const f = t.format;
    // A country without a verified line (no_crisis_line) shows the global fallback with its note.
    const source = data?.show !== undefined ? { contacts: data.contacts, show: data.show } : this.global;
    const byId = new Map(source.contacts.map((c) => [c.id, c]));
    const groups = groupByService(source.show[level].map((id) => byId.get(id)!));
    const emergency = () => {
      if (data === undefined) return emergencyText(undefined, f, locale, out);
      out.resource(data.emergency.id);
      return emergencyText(data.emergency, f, locale, out);
    };
    // Italy: say there is no 24/7 line and give the emergency number (CRISIS.md §8).
    const notice = (): string[] => {
      const limits = data?.no_crisis_line ?? data?.no_24_7_line;
      const note = limits === undefined ? undefined : local(limits.note, locale);
      return note === undefined ? [] : [fill(note, { emergency })];
    };
    if (request.place === 'public') {
      // No list and no details in public; at imminent the one emergency number (CRISIS.md §5, issue 12 item 8).
      const text = fill(t.public_note[level], { emergency });
      return { text, numbers: out.numbers, resourceIds: out.resourceIds, askedCountry: false, privateChatButton: t.private_chat_button };
    }
    let asked = false;
    const values: Record<string, () => string> = {
      ways: () => t.ways[wayKey(groups.flat())],
      moderator: () => (request.moderators === true ? t.moderator_note[request.about === 'other' ? 'other' : 'self'] : ''),
      resources: () => [...notice(), ...groups.map((g) => fill(f.bullet, { line: () => serviceLine(g, f, locale, out) }))].join('\n'),
      primary: () => [...notice(), serviceLine(groups[0]!, f, locale, out)].join('\n'),
      emergency,
      ask_country: () => {
        // Every resource message names the country whose lines it shows and how to change it.
        // A country with no line to show (no_crisis_line) gets the international lines: name it
        // as the person's country, not as the country of those lines.
        if (data !== undefined) {
          return fill(data.show === undefined ? t.ask_country.no_line : t.ask_country.shown, { country: () => this.name(data.country, locale) ?? data.country });
        }
        const unlisted = request.country === undefined ? undefined : regionName(request.country.trim().toUpperCase(), locale);
        if (unlisted !== undefined) return fill(t.ask_country.unlisted, { country: () => unlisted });
        asked = true;
        return level === 'imminent' ? t.ask_country.imminent : t.ask_country.default;
      },
    };
    const template =
      request.place === 'private-unreachable'
        ? t.unreachable[level]
        : request.about === 'other'
          ? level === 'moderate' ? t.third_party.moderate : t.third_party.urgent
          : t.private[level];
    const text = fillMessage(template, values);
    return { text, numbers: out.numbers, resourceIds: out.resourceIds, askedCountry: asked, privateChatButton: t.private_chat_button };
  }

  private lookup(country: string): CountryFile | undefined {
    const code = country.trim().toUpperCase();
    return this.byCountry.get(this.global.aliases[code] ?? code);
  }

  private locale(locale: string): string {
    return this.template(locale).locale;
  }

  /** "zh-Hant" exactly, else the language alone ("es-MX" → es), else English. */
  private template(locale: string): TemplateFile {
    const tag = locale.trim().replace('_', '-');
    const primary = tag.toLowerCase().split('-')[0] ?? '';
    const exact = [...this.templates.keys()].find((k) => k.toLowerCase() === tag.toLowerCase());
    return this.templates.get(exact ?? primary) ?? this.templates.get('en')!;
  }
}

/** Which ways the shown contacts really offer: a voice line is "call", SMS and WhatsApp "text", a chat "chat". */
function wayKey(contacts: readonly Contact[]): WayKey {
  const has = (channels: readonly Contact['channel'][]) => contacts.some((c) => channels.includes(c.channel));
  const ways = [has(['voice']) ? 'call' : '', has(['sms', 'whatsapp']) ? 'text' : '', has(['chat']) ? 'chat' : ''].filter((w) => w !== '');
  return ways.length === 0 ? 'web' : (ways.join('_') as WayKey);
}

/** The name of a real country with no resource file (ICU's region names); undefined for a code that names none. */
function regionName(code: string, locale: string): string | undefined {
  // User-assigned codes (AA, QM-QZ, XA-XZ, ZZ) name no country.
  if (!/^[A-Z]{2}$/.test(code) || /^(AA|Q[M-Z]|X[A-Z]|ZZ)$/.test(code)) return undefined;
  try {
    let names = regionNamers.get(locale);
    if (names === undefined) regionNamers.set(locale, (names = new Intl.DisplayNames([locale, 'en'], { type: 'region', fallback: 'none' })));
    return names.of(code);
  } catch {
    return undefined;
  }
}

/** One ICU namer per locale: making one costs far more than asking it (hundreds at start otherwise). */
const regionNamers = new Map<string, Intl.DisplayNames>();
