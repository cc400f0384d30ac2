import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadDirectory, type ResourceDirectory } from '../../src/crisis/directory.js';
import { CRISIS_MD_COUNTRIES, digits, POLICY_DIR, TRAP_NUMBERS } from './directory-helpers.js';

const CRISIS_MD = join(POLICY_DIR, '..', '..', 'shared', 'docs', 'CRISIS.md');

interface RawContact { id: string; display: string; dial?: string; use: string; confidence: string; source_urls: string[]; last_verified: string; verifier: string }
interface RawCountry { country: string; contacts: RawContact[]; emergency: { numbers: Array<{ display: string; dial: string }> } }

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

  it('has every country of the CRISIS.md table and no other', () => {
    expect(dir.countries()).toEqual([...CRISIS_MD_COUNTRIES].sort());
  });

  it('accepts lowercase codes and UK as an alias of GB', () => {
    expect(dir.has('gb')).toBe(true);
    expect(dir.code('uk')).toBe('GB');
    expect(dir.code(' Uk ')).toBe('GB');
    expect(dir.code('ZZ')).toBeUndefined();
    expect(dir.has('EU')).toBe(false);
    expect(dir.render({ country: 'UK', level: 'moderate', locale: 'en', place: 'private' }).numbers).toContain('116 123');
  });

  it('names countries per locale with English as the fallback', () => {
    expect(dir.name('DE', 'en')).toBe('Germany');
    expect(dir.name('DE', 'zh')).toBe('德国');
    expect(dir.name('DE', 'fr')).toBe('Germany');
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
        expect(c.last_verified, c.id).toMatch(/^\d{4}(-\d{2}(-\d{2})?)?$/);
        expect(c.verifier, c.id).toBe('CRISIS.md table (oyster-bot docs)');
        expect(['High', 'Medium', 'Low'], c.id).toContain(c.confidence);
      }
    }
  });

  it('never stores a short code as a fake E.164 number', () => {
    for (const country of rawCountries()) {
      for (const c of country.contacts) {
        if (c.dial === undefined) continue;
        expect(c.dial, c.id).toMatch(/^\d+$/);
        expect(c.dial, c.id).toBe(digits(c.display));
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
});
