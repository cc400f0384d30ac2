/**
 * The "I cannot reply right now" text said during a store fault exists in every language the
 * bot writes, is checked at load like every other text, and reaches a person in their language.
 */
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadBotTexts } from '../../src/policy/bot-texts.js';
import { POLICY_DIR } from '../crisis/directory-helpers.js';

const copies: string[] = [];
afterEach(() => {
  for (const dir of copies.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('store_unavailable in every language', () => {
  it('is written in each texts file, in its own words (not the English), with the file pending native review except English', () => {
    const files = readdirSync(join(POLICY_DIR, 'texts')).filter((f) => f.endsWith('.yaml'));
    expect(files.length).toBeGreaterThanOrEqual(18);
    const texts = loadBotTexts(POLICY_DIR);
    const english = texts.get('en')!.store_unavailable;
    for (const file of files) {
      const raw = parse(readFileSync(join(POLICY_DIR, 'texts', file), 'utf8')) as { locale: string; store_unavailable?: string; review: { native_speaker: string } };
      expect(raw.store_unavailable, file).toBeTruthy();
      if (raw.locale === 'en') continue;
      expect(raw.store_unavailable, file).not.toBe(english);
      expect(raw.review.native_speaker, file).toBe('pending');
    }
  });

  it('stops the load with a fix-it message naming the file when a language lacks it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'oyster-texts-'));
    copies.push(dir);
    cpSync(POLICY_DIR, dir, { recursive: true });
    const file = join(dir, 'texts', 'de.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace(/^store_unavailable: .*\n/m, ''));
    expect(() => loadBotTexts(dir)).toThrow(/^Invalid policy texts\/de\.yaml at store_unavailable: .*Fix: /);
  });
});
