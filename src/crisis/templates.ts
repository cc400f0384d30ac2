/**
 * Loads policies/templates/<locale>.yaml, checks every field against its placeholder
 * contract, and merges each locale over English so a missing field falls back to English.
 * Templates may not carry digits of their own: a number typed into a template would bypass
 * the verified directory (CRISIS.md §1.2).
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { findTrapPhrase, trapReason, type TrapEntry } from './directory-checks.js';
import { findNumberTokens } from './phone-like.js';
import { policyError, readPolicyYaml } from '../policy/policy-file.js';
import {
  PartialTemplateFile,
  PLACEHOLDER_RULES,
  placeholdersOf,
  TemplateFile,
} from './templates-schema.js';

/** Locale → full template set (English merged under every other locale). */
export function loadTemplates(policyDir: string, traps: readonly TrapEntry[]): Map<string, TemplateFile> {
  const names = readdirSync(join(policyDir, 'templates')).filter((n) => n.endsWith('.yaml')).sort();
  if (!names.includes('en.yaml')) {
    throw policyError('templates/en.yaml', '', 'the file is missing', 'add the English templates; English is the fallback for every locale');
  }
  const en = readPolicyYaml(policyDir, 'templates/en.yaml', TemplateFile);
  checkLocale('templates/en.yaml', en.locale, 'en');
  checkStrings('templates/en.yaml', en, traps);
  const out = new Map<string, TemplateFile>([['en', en]]);
  for (const name of names.filter((n) => n !== 'en.yaml')) {
    const file = `templates/${name}`;
    const partial = readPolicyYaml(policyDir, file, PartialTemplateFile);
    checkLocale(file, partial.locale, name.replace(/\.yaml$/, ''));
    checkStrings(file, partial, traps);
    out.set(partial.locale, mergeOverEnglish(en, partial));
  }
  return out;
}

function checkLocale(file: string, locale: string, expected: string): void {
  if (locale !== expected) {
    throw policyError(file, 'locale', `"${locale}" does not match the file name`, `set locale: ${expected} or rename the file`);
  }
}

/** Walks every string field and applies its placeholder rule, the no-digits rule and the trap list. */
function checkStrings(file: string, data: object, traps: readonly TrapEntry[]): void {
  for (const [field, text] of stringFields(data)) {
    const rule = PLACEHOLDER_RULES[field];
    if (rule === undefined) continue; // locale, review.*: not shown to users
    const found = placeholdersOf(text);
    for (const name of found) {
      if (!rule.allowed.includes(name)) {
        const allowed = rule.allowed.length === 0 ? 'none (this text carries no directory data)' : rule.allowed.map((a) => `{${a}}`).join(', ');
        throw policyError(file, field, `unknown placeholder {${name}}`, `use only: ${allowed}`);
      }
    }
    for (const name of rule.required) {
      if (!found.includes(name)) {
        throw policyError(file, field, `missing placeholder {${name}}`, `add {${name}}; this text must show it (see policies/README.md)`);
      }
    }
    if (rule.order !== undefined) {
      const positions = rule.order.map((name) => text.indexOf(`{${name}}`));
      if (positions.some((p, i) => i > 0 && p < positions[i - 1]!)) {
        throw policyError(file, field, `placeholders must appear in the order ${rule.order.map((n) => `{${n}}`).join(' then ')}`, 'put them in that order (CRISIS.md §3: the emergency number first at imminent; the ways to reach the lines just before them)');
      }
    }
    const number = findNumberTokens(text).find((t) => t.digitCount >= 3);
    if (number !== undefined) {
      throw policyError(file, field, `contains the number "${number.text}"`, 'numbers come only from policies/resources/ through a placeholder; remove it');
    }
    const trap = findTrapPhrase(text, traps);
    if (trap !== undefined) {
      throw policyError(file, field, `contains the trap phrase "${trap.text}": ${trapReason(trap)}`, 'remove the phrase');
    }
  }
}

function stringFields(data: object, prefix = ''): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (const [key, value] of Object.entries(data)) {
    const path = prefix === '' ? key : `${prefix}.${key}`;
    if (typeof value === 'string') out.push([path, value]);
    else if (value !== null && typeof value === 'object') out.push(...stringFields(value as object, path));
  }
  return out;
}

function mergeOverEnglish(en: TemplateFile, partial: PartialTemplateFile): TemplateFile {
  return {
    locale: partial.locale,
    review: partial.review,
    private: over(en.private, partial.private),
    third_party: over(en.third_party, partial.third_party),
    unreachable: over(en.unreachable, partial.unreachable),
    public_note: over(en.public_note, partial.public_note),
    ask_country: over(en.ask_country, partial.ask_country),
    fallback_reply: over(en.fallback_reply, partial.fallback_reply),
    handoff_notice: partial.handoff_notice ?? en.handoff_notice,
    private_chat_button: partial.private_chat_button ?? en.private_chat_button,
    ways: over(en.ways, partial.ways),
    moderator_note: over(en.moderator_note, partial.moderator_note),
    country_command: over(en.country_command, partial.country_command),
    community: over(en.community, partial.community),
    moderation: over(en.moderation, partial.moderation),
    format: over(en.format, partial.format),
  };
}

/** English values, replaced by each field the locale defines. */
function over<T extends Record<string, string>>(base: T, part: { [K in keyof T]?: string | undefined } | undefined): T {
  const out = { ...base };
  for (const key of Object.keys(base) as Array<keyof T>) {
    const value = part?.[key];
    if (value !== undefined) out[key] = value as T[keyof T];
  }
  return out;
}
