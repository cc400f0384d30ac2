/**
 * Shared helpers for the crisis tests: the shipped policy folder, a copy-and-overlay for broken
 * fixtures, and an independent number scanner (deliberately not src/crisis/phone-like.ts, so a
 * bug there cannot hide a bad number from the tests).
 */
import { cpSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';

export const POLICY_DIR = join(import.meta.dirname, '..', '..', 'policies');
export const FIXTURE_DIR = join(import.meta.dirname, '..', 'fixtures', 'policies');

/** Every country of CRISIS.md §8, written out here so a deleted file fails a test. */
export const CRISIS_MD_COUNTRIES = [
  'US', 'CA', 'GB', 'IE', 'AU', 'NZ', 'DE', 'AT', 'CH', 'FR', 'ES', 'IT', 'NL', 'BR', 'MX', 'ZA', 'IN',
  'CN', 'HK', 'TW', 'JP', 'KR', 'SG', 'PH',
] as const;

/** Every country CRISIS.md §8b sources (crisis lines or emergency numbers only), written out likewise. */
export const CRISIS_8B_COUNTRIES = [
  'ID', 'PK', 'NG', 'BD', 'VN', 'RU', 'TR', 'EG', 'PL', 'TH', 'AR', 'CO', 'SA', 'UA', 'MY', 'PT', 'KE', 'BE',
  'SE', 'NO', 'DK', 'FI', 'IL', 'AE', 'CL', 'PE', 'GR', 'CZ', 'RO', 'HU', 'LI',
] as const;

/** §8b countries where no verified line is shown: the global fallback, the emergency number and a plain note. */
export const NO_LINE_COUNTRIES = ['BD', 'TR', 'SA', 'RO', 'DK', 'AE'] as const;

export const ALL_COUNTRIES = [...CRISIS_MD_COUNTRIES, ...CRISIS_8B_COUNTRIES] as const;

/** CRISIS.md §9 (and the brief): strings that must never reach a user. Independent of the YAML traps. */
export const TRAP_NUMBERS = [
  '1-800-273-8255', '1-833-456-4566', '1393', '0800-788-995', '1952', '199 284 284', '1850 60 90 90',
  '08457 90 90 90', '1-800-91-4416', '0570-046-556', '0570-0783-55', '141', '45645',
  // CRISIS.md §8b.3
  '500-454', '021-500-454', '0021 3983 2000', '042 3576 5951', '0800 800 2000', '0909 991 6463', '01779-554391',
  '09678 676 777', '+880 2 5086 5486', '09613427800', '09612119911', '18001567', '182', '800 70 2222',
  '03-7627 2929', '4962-0660', '1190', '0771-22 00 60', '284 016 666', '+36 80 820 111',
] as const;
export const TRAP_PHRASES = ['press 3', 'europe-wide 116 123', 'pan-european', 'option 2'] as const;

/**
 * Digit runs joined by single spaces or hyphens, not glued to Latin letters or digits. CJK
 * neighbours are allowed on purpose: "拨打12356" must still be found.
 */
export function numberRuns(text: string): string[] {
  return [...text.matchAll(/(?<![A-Za-z0-9])\+?\d+(?:[ \u00a0-]\d+)*(?![A-Za-z0-9])/g)].map((m) => m[0]);
}

export const digits = (s: string): string => s.replace(/\D/g, '');

/** A fresh copy of the shipped policies with a fixture folder's files laid over it. */
export function policyWithFixture(scenario: string): string {
  const dir = mkdtempSync(join(tmpdir(), `oyster-policy-${scenario}-`));
  cpSync(POLICY_DIR, dir, { recursive: true });
  cpSync(join(FIXTURE_DIR, scenario), dir, { recursive: true });
  return dir;
}

/** A country's emergency numbers as its YAML file lists them. */
export function emergencyDisplays(country: string): string[] {
  const data = parse(readFileSync(join(POLICY_DIR, 'resources', `${country}.yaml`), 'utf8')) as {
    emergency: { numbers: Array<{ display: string }> };
  };
  return data.emergency.numbers.map((n) => n.display);
}
