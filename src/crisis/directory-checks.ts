/**
 * Cross-checks the schema cannot express: the CRISIS.md §8/§9 rules written as data checks.
 * Each failure throws POLICY_INVALID naming the file, the field and the fix, so an invalid
 * directory stops startup instead of showing a wrong number to someone in crisis.
 */
import type { Contact, CountryFile, GlobalFile, ShowByLevel, Trap } from './directory-schema.js';
import { NUMBER_CHANNELS } from './directory-schema.js';
import { digitsOf, findNumberTokens } from './phone-like.js';
import { policyError } from '../policy/policy-file.js';

const LEVELS = ['moderate', 'high', 'imminent'] as const;

export interface TrapEntry extends Trap {
  file: string;
}

/** Checks one country (or the global fallback) on its own. */
export function checkContacts(file: string, data: CountryFile | GlobalFile, no24: boolean): void {
  const ids = new Set<string>();
  data.contacts.forEach((c, i) => {
    const at = `contacts[${i}]`;
    if (ids.has(c.id)) throw policyError(file, `${at}.id`, `duplicate id "${c.id}"`, 'give every contact its own id');
    ids.add(c.id);
    checkContact(file, at, c, no24);
  });
  const byId = new Map(data.contacts.map((c) => [c.id, c]));
  const noLine = 'no_crisis_line' in data && data.no_crisis_line !== undefined;
  if (noLine && data.show !== undefined) {
    throw policyError(file, 'show', 'a country with no_crisis_line shows the global fallback, not its own lines', 'remove show, or remove no_crisis_line once a line is verified');
  }
  if (data.show === undefined) {
    if (!noLine) throw policyError(file, 'show', 'missing', 'list the contact ids to show per level, or add no_crisis_line with a note giving {emergency} (CRISIS.md §8b)');
    return;
  }
  for (const level of LEVELS) checkShow(file, level, data.show, byId, no24);
  checkRenderedDigits(file, data.contacts);
}

function checkContact(file: string, at: string, c: Contact, no24: boolean): void {
  if (NUMBER_CHANNELS.has(c.channel)) {
    if (c.dial === undefined) {
      throw policyError(file, `${at}.dial`, `a ${c.channel} contact needs dial`, 'add dial: the digits as dialled in the country, no spaces');
    }
    // CRISIS.md §8: never fake E.164 (+44116123). A "+" is allowed only where the provider writes one.
    // Chile's *4141 keeps its star in both (a tel: link must encode it as %2A).
    const dialOk = c.display.startsWith('+') ? /^\+\d+$/.test(c.dial) : c.display.startsWith('*') ? /^\*\d+$/.test(c.dial) : /^\d+$/.test(c.dial);
    if (!dialOk) {
      throw policyError(file, `${at}.dial`, `"${c.dial}" is not digits only`, 'write dial as plain digits (short codes stay short, no invented country prefix)');
    }
    if (digitsOf(c.display) !== digitsOf(c.dial)) {
      throw policyError(file, `${at}.dial`, `"${c.dial}" does not have the same digits as display "${c.display}"`, 'make dial the digits of display, in the same order');
    }
    const bare = c.display.replace(/^\*/, '');
    const tokens = findNumberTokens(bare);
    if (tokens.length !== 1 || tokens[0]!.text !== bare) {
      throw policyError(file, `${at}.display`, `"${c.display}" is not one number`, 'put exactly one number in display, as the provider writes it; use qualifier or note for anything else');
    }
    if (c.url !== undefined) throw policyError(file, `${at}.url`, `a ${c.channel} contact has no url`, 'remove url');
  } else {
    if (c.url === undefined) throw policyError(file, `${at}.url`, `a ${c.channel} contact needs url`, 'add the https:// or mailto: link');
    if (c.dial !== undefined) throw policyError(file, `${at}.dial`, `a ${c.channel} contact has no dial`, 'remove dial');
  }
  if (c.keyword !== undefined && c.channel !== 'sms') {
    throw policyError(file, `${at}.keyword`, 'only sms contacts have a keyword', 'remove keyword or set channel: sms');
  }
  try {
    new Intl.DateTimeFormat('en', { timeZone: c.hours.timezone });
  } catch {
    throw policyError(file, `${at}.hours.timezone`, `"${c.hours.timezone}" is not an IANA time zone`, 'use a zone such as Europe/Rome');
  }
  if (!c.hours.always_open && c.hours.summary === undefined) {
    throw policyError(file, `${at}.hours.summary`, 'a line that is not open 24/7 needs its hours', 'add hours.summary.en (CRISIS.md §4: never show a closed line without saying so)');
  }
  const unverified = new Set(c.unverified ?? []);
  const mustBeRecord = c.confidence === 'Low' || unverified.has('number') || unverified.has('keyword');
  if (mustBeRecord && c.use !== 'record-only') {
    throw policyError(file, `${at}.use`, `"${c.id}" has low confidence or an unverified number/keyword but use: ${c.use}`, 'set use: record-only until the provider\'s site confirms it');
  }
  // Where the country says it has no confirmed 24/7 line (no_24_7_line, shown first with the
  // emergency number), a line whose hours are unconfirmed may still lead, its hours shown.
  if (c.use === 'primary' && unverified.has('hours') && !no24) {
    throw policyError(file, `${at}.use`, `"${c.id}" has unverified hours and cannot be primary`, 'set use: secondary, or verify the hours and remove "hours" from unverified, or add no_24_7_line');
  }
}

function checkShow(file: string, level: keyof ShowByLevel, show: ShowByLevel, byId: Map<string, Contact>, no24: boolean): void {
  const list = show[level];
  const seen = new Set<string>();
  list.forEach((id, i) => {
    const at = `show.${level}[${i}]`;
    const c = byId.get(id);
    if (c === undefined) throw policyError(file, at, `unknown contact id "${id}"`, `use one of: ${[...byId.keys()].join(', ')}`);
    if (seen.has(id)) throw policyError(file, at, `"${id}" is listed twice`, 'list each contact once');
    seen.add(id);
    if (c.use === 'record-only') {
      throw policyError(file, at, `"${id}" is record-only and is never rendered`, 'remove it from show, or verify it and change its use');
    }
    if (i === 0 && c.use !== 'primary') {
      throw policyError(file, at, `the first contact "${id}" is not a primary line (use: ${c.use})`, `put a contact with use: primary first in show.${level}`);
    }
    if (i === 0 && !c.hours.always_open && !no24) {
      throw policyError(file, at, `the primary line "${id}" is not open 24/7`, 'lead with a 24/7 line, or add no_24_7_line with a note giving {emergency} (CRISIS.md §8)');
    }
  });
}

/** Digits in rendered text fields must be one of the file's own numbers ("988 Suicide & Crisis Lifeline"). */
function checkRenderedDigits(file: string, contacts: Contact[]): void {
  const known = new Set(contacts.filter((c) => c.use !== 'record-only').map((c) => c.display));
  contacts.forEach((c, i) => {
    const fields: Array<[string, string]> = [['service', c.service]];
    for (const [k, v] of Object.entries(c.service_names ?? {})) if (v !== undefined) fields.push([`service_names.${k}`, v]);
    for (const [k, v] of Object.entries(c.qualifier ?? {})) fields.push([`qualifier.${k}`, v]);
    for (const [k, v] of Object.entries(c.note ?? {})) fields.push([`note.${k}`, v]);
    for (const [k, v] of Object.entries(c.locale_note ?? {})) if (v !== undefined) fields.push([`locale_note.${k}`, v]);
    for (const [k, v] of Object.entries(c.hours.summary ?? {})) fields.push([`hours.summary.${k}`, v]);
    for (const [field, text] of fields) {
      for (const t of findNumberTokens(text)) {
        if (t.digitCount >= 3 && !known.has(t.text)) {
          throw policyError(file, `contacts[${i}].${field}`, `contains the number "${t.text}", which is not a display of this file`, 'numbers may appear only in display; remove it or add it as its own contact');
        }
      }
    }
  });
}

/** CRISIS.md §8: 116 123 only where the country assigns it. */
export function check116123(file: string, country: string, contacts: Contact[], assigns: readonly string[]): void {
  contacts.forEach((c, i) => {
    if (c.dial !== undefined && digitsOf(c.dial) === '116123' && !assigns.includes(country)) {
      throw policyError(file, `contacts[${i}].display`, `${country} does not assign 116 123 (it is not pan-European)`, `remove it, or add ${country} to assigns_116123 in resources/global.yaml with a source`);
    }
  });
}

/** CRISIS.md §9: no retired or misprinted number in any contact, whatever its use. */
export function checkTrapNumbers(file: string, contacts: Contact[], traps: readonly TrapEntry[], emergencyDials: string[] = []): void {
  const trapDigits = traps.filter((t) => t.kind === 'number').map((t) => ({ t, d: digitsOf(t.text) }));
  const check = (field: string, value: string) => {
    const hit = trapDigits.find((x) => x.d === digitsOf(value));
    if (hit) {
      throw policyError(file, field, `"${value}" is the trap number "${hit.t.text}": ${trapReason(hit.t)}`, 'use the current number from CRISIS.md §8');
    }
  };
  contacts.forEach((c, i) => {
    if (c.dial !== undefined) check(`contacts[${i}].display`, c.display);
  });
  emergencyDials.forEach((d, i) => check(`emergency.numbers[${i}].dial`, d));
}

/** The trap's reason without its final full stop, to sit inside an error sentence. */
export function trapReason(trap: Trap): string {
  return trap.reason.replace(/\.$/, '');
}

/** A trap phrase inside any text a user can see. */
export function findTrapPhrase(text: string, traps: readonly TrapEntry[]): TrapEntry | undefined {
  const lower = text.toLowerCase();
  return traps.find((t) => t.kind === 'phrase' && lower.includes(t.text.toLowerCase()));
}

export { LEVELS };
