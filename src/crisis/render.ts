/**
 * Turns directory entries and a locale's templates into message text in the core markdown
 * subset (**bold**, [label](url)). Every number is inserted from a contact's `display`,
 * byte for byte, and recorded, so callers and tests can prove the text holds nothing else.
 * Pure: no I/O, no clock.
 */
import type { Contact, LocalText } from './directory-schema.js';
import type { TemplateFile } from './templates-schema.js';

/** Collects what a rendering put into the text, in order of first appearance. */
export class Collector {
  readonly numbers: string[] = [];
  readonly resourceIds: string[] = [];

  number(display: string): string {
    if (!this.numbers.includes(display)) this.numbers.push(display);
    return `**${display}**`;
  }

  resource(id: string): void {
    if (!this.resourceIds.includes(id)) this.resourceIds.push(id);
  }
}

/** Fills `{name}` from `values`. Unknown names were rejected at load, so they never reach here. */
export function fill(template: string, values: Record<string, () => string>): string {
  return template.replace(/\{([a-z_]+)\}/g, (whole, name: string) => {
    const value = values[name];
    return value === undefined ? whole : value();
  });
}

/**
 * Fills a whole message. A line that holds only a placeholder that rendered empty is
 * dropped ({ask_country} when the country is known), then blank runs collapse.
 */
export function fillMessage(template: string, values: Record<string, () => string>): string {
  const lines: string[] = [];
  for (const line of template.split('\n')) {
    const only = /^\s*\{([a-z_]+)\}\s*$/.exec(line);
    if (only !== null) {
      const value = values[only[1]!]?.() ?? line;
      if (value !== '') lines.push(value);
      continue;
    }
    lines.push(fill(line, values));
  }
  return lines.join('\n').replace(/\n{3,}/g, '\n\n').trim();
}

/** The text for a locale, else its base language (zh-Hant → zh), else English; undefined when there is none. */
export function local(text: Readonly<Record<string, string | undefined>> | undefined, locale: string): string | undefined {
  if (text === undefined) return undefined;
  return text[locale] ?? text[locale.split('-')[0]!] ?? text['en'];
}

type Format = TemplateFile['format'];

/** Consecutive contacts of one service form one line ("call or text **988**; chat at …"). */
export function groupByService(contacts: Contact[]): Contact[][] {
  const groups: Contact[][] = [];
  for (const c of contacts) {
    const last = groups[groups.length - 1];
    if (last !== undefined && last[0]!.service === c.service) last.push(c);
    else groups.push([c]);
  }
  return groups;
}

/** One service as a line without the bullet: "**Samaritans**: call **116 123** (24/7)". */
export function serviceLine(group: Contact[], f: Format, locale: string, out: Collector): string {
  const first = group[0]!;
  for (const c of group) out.resource(c.id);
  const num = (c: Contact): string => {
    const bold = out.number(c.display);
    const qualifier = local(c.qualifier, locale);
    return qualifier === undefined ? bold : fill(f.qualified, { number: () => bold, qualifier: () => qualifier });
  };
  const join = (cs: Contact[]) => cs.map(num).join(f.or);
  const of = (channel: Contact['channel']) => group.filter((c) => c.channel === channel);
  const voice = of('voice');
  const sms = of('sms');
  const methods: string[] = [];

  const plainSms = sms.filter((c) => c.keyword === undefined);
  const sameNumbers = voice.length > 0 && voice.length === plainSms.length && plainSms.length === sms.length &&
    voice.every((v, i) => v.display === plainSms[i]!.display && v.qualifier === undefined && plainSms[i]!.qualifier === undefined);
  if (sameNumbers) {
    // Render both contacts, but show the shared number once: "call or text **988**".
    for (const c of sms) out.resource(c.id);
    methods.push(fill(f.call_or_text, { numbers: () => join(voice) }));
  } else {
    if (voice.length > 0) methods.push(fill(f.call, { numbers: () => join(voice) }));
    if (plainSms.length > 0) methods.push(fill(f.text, { numbers: () => join(plainSms) }));
    for (const c of sms.filter((s) => s.keyword !== undefined)) {
      methods.push(fill(f.text_keyword, { keyword: () => `**${c.keyword!}**`, numbers: () => num(c) }));
    }
  }
  const whatsapp = of('whatsapp');
  if (whatsapp.length > 0) methods.push(fill(f.whatsapp, { numbers: () => join(whatsapp) }));
  const link = (c: Contact) => `[${c.display}](${c.url!})`;
  for (const c of of('chat')) methods.push(fill(f.chat, { link: () => link(c) }));
  for (const c of of('web')) methods.push(fill(f.web, { link: () => link(c) }));
  for (const c of of('email')) methods.push(fill(f.email, { link: () => link(c) }));

  const summary = local(first.hours.summary, locale);
  // A web directory has no opening hours worth printing; a line always does.
  const hours = group.every((c) => c.channel === 'web')
    ? ''
    : first.hours.always_open || summary === undefined ? f.hours_always : fill(f.hours_limited, { hours: () => summary });
  // locale_note only in its own locale: no English fallback (988's Spanish option is for Spanish readers).
  const notes = group
    .flatMap((c) => [local(c.note, locale), c.locale_note?.[locale]])
    .filter((n): n is string => n !== undefined);
  const note = notes.length === 0 ? '' : fill(f.note, { note: () => notes.join('; ') });
  // A translated name only for its own locale; otherwise the provider's own name, never the
  // English gloss (a Chinese reader should see 北京心理危机研究与干预中心, not its translation).
  const service = first.service_names?.[locale] ?? first.service;
  return fill(f.line, {
    service: () => service,
    methods: () => methods.join(f.methods_separator),
    hours: () => hours,
    note: () => note,
  });
}

export interface EmergencyView {
  numbers: Array<{ display: string; label?: LocalText | undefined }>;
}

/** "**15** (SAMU) or **112**", or the locale's "your local emergency number" when unknown. */
export function emergencyText(e: EmergencyView | undefined, f: Format, locale: string, out: Collector): string {
  if (e === undefined) return f.emergency_unknown;
  return e.numbers
    .map((n) => {
      const bold = out.number(n.display);
      const label = local(n.label, locale);
      return label === undefined ? bold : fill(f.emergency_label, { number: () => bold, label: () => label });
    })
    .join(f.or);
}
