import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadDirectory, type ResourceDirectory } from '../../src/crisis/directory.js';
import { ALL_COUNTRIES, CRISIS_8B_COUNTRIES, digits, NO_LINE_COUNTRIES, POLICY_DIR, TRAP_NUMBERS } from './directory-helpers.js';

const CRISIS_MD = join(POLICY_DIR, '..', '..', 'shared', 'docs', 'CRISIS.md');

interface RawContact { id: string; display: string; dial?: string; use: string; confidence: string; source_urls: string[]; last_verified: string; verifier: string }
interface RawProvenance { source_urls: string[]; last_verified: string }
interface RawCountry {
  country: string;
  contacts: RawContact[];
  emergency: RawProvenance & { numbers: Array<{ display: string; dial: string }> };
  no_24_7_line?: RawProvenance;
  no_crisis_line?: RawProvenance;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
/** How a source may write a date: 2025-12, Dec 2025, or 2020/01/03 in a URL. */
function dateForms(date: string): string[] {
  const [y, m] = date.split('-');
  const forms = [date, date.replaceAll('-', '/')];
  if (m !== undefined && date.length === 7) forms.push(`${MONTHS[Number(m) - 1]!} ${y!}`);
  return forms;
}

function rawCountries(): RawCountry[] {
  return readdirSync(join(POLICY_DIR, 'resources'))
    .filter((n) => /^[A-Z]{2}\.yaml$/.test(n))
    .map((n) => parse(readFileSync(join(POLICY_DIR, 'resources', n), 'utf8')) as RawCountry);
}

describe('resource directory', () => {
  let dir: ResourceDirectory;
  beforeAll(() => {
    dir = loadDirectory(POLICY_DIR);
  });

  it('has every country of the CRISIS.md §8 and §8b tables and no other', () => {
    expect(dir.countries()).toEqual([...ALL_COUNTRIES].sort());
  });

  it('accepts lowercase codes and UK as an alias of GB', () => {
    expect(dir.has('gb')).toBe(true);
    expect(dir.code('uk')).toBe('GB');
    expect(dir.code(' Uk ')).toBe('GB');
    expect(dir.code('ZZ')).toBeUndefined();
    expect(dir.has('EU')).toBe(false);
    expect(dir.render({ country: 'UK', level: 'moderate', locale: 'en', place: 'private' }).numbers).toContain('116 123');
  });

  it('names countries per locale: the file\'s own name, else the name in the reader\'s language, else English', () => {
    expect(dir.name('DE', 'en')).toBe('Germany');
    expect(dir.name('DE', 'zh')).toBe('德国');
    expect(dir.name('DE', 'fr')).toBe('Allemagne');
    expect(dir.name('MX', 'es')).toBe('México');
    expect(dir.name('DE', 'xx')).toBe('Germany');
    expect(dir.name('ZZ', 'en')).toBeUndefined();
  });

  it('counts display and dial strings of renderable entries as verified, and nothing else', () => {
    const verified = dir.verifiedNumbers();
    for (const n of ['988', '741741', '116 123', '116123', '010-82951332', '01082951332', '9-8-8', '112', '15']) {
      expect(verified.has(n), n).toBe(true);
    }
    // record-only entries (Low confidence, "verify", not bolded in CRISIS.md)
    for (const n of ['717 003 717', '400-161-9995', '1588-9191', '03-5774-0992', '2382 0000', '1980']) {
      expect(verified.has(n), n).toBe(false);
    }
    for (const trap of TRAP_NUMBERS) expect(verified.has(trap), trap).toBe(false);
  });

  it('records source, date, verifier and confidence for every contact', () => {
    for (const country of rawCountries()) {
      for (const c of country.contacts) {
        expect(c.source_urls.length, c.id).toBeGreaterThan(0);
        expect(c.last_verified, c.id).toMatch(/^(\d{4}(-\d{2}(-\d{2})?)?|undated)$/);
        expect(c.verifier, c.id).toBe('CRISIS.md table (oyster-bot docs)');
        expect(['High', 'Medium', 'Low'], c.id).toContain(c.confidence);
      }
    }
  });

  it('never stores a short code as a fake E.164 number', () => {
    for (const country of rawCountries()) {
      for (const c of country.contacts) {
        if (c.dial === undefined) continue;
        expect(c.dial, c.id).toMatch(/^\*?\d+$/); // Chile's *4141 keeps its star
        expect(digits(c.dial), c.id).toBe(digits(c.display));
      }
    }
  });

  // The shared docs sit beside the repository on the team's machines; a checkout without them
  // still runs every other test. The byte-for-byte test of rendered text does not need this file.
  const crisisMdMissing = existsSync(CRISIS_MD) ? '' : ` (skipped: ${CRISIS_MD} not found; the team's shared docs sit beside the repository)`;
  it(`copies every number byte for byte from CRISIS.md${crisisMdMissing}`, (ctx) => {
    if (crisisMdMissing) {
      // Say why in the output, not only in the source.
      process.stderr.write(`directory.test.ts: CRISIS.md check${crisisMdMissing}\n`);
      ctx.skip(`${CRISIS_MD} not found`);
      return;
    }
    const md = readFileSync(CRISIS_MD, 'utf8');
    let checked = 0;
    for (const country of rawCountries()) {
      for (const c of country.contacts) {
        expect(md.includes(c.display), `${c.id} "${c.display}"`).toBe(true);
        checked++;
      }
      for (const n of country.emergency.numbers) {
        expect(md.includes(n.display), `${country.country} emergency "${n.display}"`).toBe(true);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(90);
  });

  it('dates every record by what its sources show, never by when the file was compiled', () => {
    let dated = 0;
    const problems: string[] = [];
    for (const country of rawCountries()) {
      const records: Array<[string, RawProvenance]> = [
        ...country.contacts.map((c): [string, RawProvenance] => [c.id, c]),
        [`${country.country} emergency`, country.emergency],
      ];
      if (country.no_24_7_line) records.push([`${country.country} no_24_7_line`, country.no_24_7_line]);
      if (country.no_crisis_line) records.push([`${country.country} no_crisis_line`, country.no_crisis_line]);
      for (const [what, r] of records) {
        expect(r.last_verified, what).not.toBe('2026-11');
        if (r.last_verified === 'undated') continue;
        // The date (or a longer form of it) is written in one of the cited sources.
        if (!r.source_urls.some((u) => dateForms(r.last_verified).some((d) => u.includes(d)))) problems.push(`${what}: ${r.last_verified} not in ${r.source_urls.join('; ')}`);
        dated++;
      }
    }
    expect(problems).toEqual([]);
    expect(dated).toBeGreaterThan(60);
  });

  it('shows the §8b countries without a verified line the global fallback, their emergency number and a plain note', () => {
    for (const country of NO_LINE_COUNTRIES) {
      for (const level of ['moderate', 'high', 'imminent'] as const) {
        const r = dir.render({ country, level, locale: 'en', place: 'private' });
        expect(r.text, country).toMatch(/I don't have (a verified crisis line|a crisis line)/);
        expect(r.text, country).toContain('[findahelpline.com](https://findahelpline.com)');
        expect(r.numbers.length, country).toBeGreaterThan(0);
        expect(r.askedCountry, country).toBe(false);
      }
    }
    expect(dir.render({ country: 'TR', level: 'high', locale: 'en', place: 'private' }).numbers).toEqual(['112']);
  });

  it('renders a line for every other §8b country', () => {
    for (const country of CRISIS_8B_COUNTRIES.filter((c) => !(NO_LINE_COUNTRIES as readonly string[]).includes(c))) {
      const r = dir.render({ country, level: 'moderate', locale: 'en', place: 'private' });
      expect(r.resourceIds.some((id) => !id.endsWith('-emergency')), country).toBe(true);
      expect(r.resourceIds.some((id) => id.startsWith('global-')), country).toBe(false);
    }
  });

  it('never shows Japan\'s regional Yorisoi number, which CRISIS.md does not bold', () => {
    for (const level of ['moderate', 'high', 'imminent'] as const) {
      for (const place of ['private', 'private-unreachable'] as const) {
        const r = dir.render({ country: 'JP', level, locale: 'en', place });
        expect(r.text).not.toContain('0120-279-226');
        expect(r.numbers).toContain('0120-279-338');
      }
    }
    expect(dir.verifiedNumbers().has('0120-279-226')).toBe(false);
  });

  it('gives Chile\'s star code exactly as written, and Peru\'s 113 with its menu option', () => {
    expect(dir.render({ country: 'CL', level: 'moderate', locale: 'en', place: 'private' }).numbers).toContain('*4141');
    expect(dir.render({ country: 'PE', level: 'moderate', locale: 'en', place: 'private' }).text).toMatch(/\*\*113\*\*[^\n]*option 5/);
  });
});
