import { describe, expect, it } from 'vitest';
import { loadDirectory } from '../../src/crisis/directory.js';
import { POLICIES_DIR } from './helpers.js';

const directory = loadDirectory(POLICIES_DIR);

describe('every resource message names its country', () => {
  it('says whose lines it shows and how to change the country, at every level and place', () => {
    for (const level of ['moderate', 'high', 'imminent'] as const) {
      for (const place of ['private', 'private-unreachable'] as const) {
        const r = directory.render({ country: 'MX', level, locale: 'en', place });
        expect(r.text).toContain('These lines are for Mexico.');
        expect(r.text).toContain('/country');
        expect(r.askedCountry).toBe(false);
      }
    }
    expect(directory.render({ country: 'DE', level: 'high', locale: 'zh', place: 'private' }).text).toContain('这些是德国的热线');
  });

  it('says plainly when a real country has no checked lines, shows the international ones, and does not ask again', () => {
    const r = directory.render({ country: 'MN', level: 'imminent', locale: 'en', place: 'private' });
    expect(r.text).toContain("I don't have checked lines for Mongolia yet, so these are international services.");
    expect(r.text).toContain('findahelpline.com');
    expect(r.text).not.toContain('Which country are you in?');
    expect(r.askedCountry).toBe(false);
  });
});
