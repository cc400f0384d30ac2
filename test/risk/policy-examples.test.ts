/**
 * Every detection rule carries its own examples (policies/detection/*.yaml). Each one runs
 * here on its own, so a failing example names its rule and sentence.
 */
import { describe, expect, it } from 'vitest';
import { normalizeText } from '../../src/risk/normalize.js';
import { ruleMatches } from '../../src/risk/rules.js';
import { assessor } from './helpers.js';

const matches = (rule: Parameters<typeof ruleMatches>[0], text: string) => {
  const n = normalizeText(text);
  return [n.text, ...n.variants].some((t) => ruleMatches(rule, t));
};

describe('detection rule examples', () => {
  const packs = assessor.policy.packs;

  it('loads full rule sets for English and Chinese, core sets for es/de/fr/pt/ja, minimal sets for seven more', () => {
    const size = (language: string) => packs.find((p) => p.language === language)?.rules.length ?? 0;
    expect(size('en')).toBeGreaterThanOrEqual(30);
    expect(size('zh')).toBeGreaterThanOrEqual(20);
    for (const language of ['es', 'de', 'fr', 'pt', 'ja']) expect(size(language)).toBeGreaterThanOrEqual(10);
    for (const language of ['ru', 'it', 'ko', 'ar', 'hi', 'vi', 'id']) expect(size(language)).toBeGreaterThanOrEqual(4);
  });

  for (const pack of packs) {
    describe(pack.language, () => {
      for (const rule of pack.rules) {
        for (const example of rule.examples.match) {
          it(`${rule.id} matches ${JSON.stringify(example)}`, () => {
            expect(matches(rule, example)).toBe(true);
          });
        }
        for (const example of rule.examples.no_match) {
          it(`${rule.id} does not match ${JSON.stringify(example)}`, () => {
            expect(matches(rule, example)).toBe(false);
          });
        }
      }
    });
  }
});
