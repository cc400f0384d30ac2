/**
 * Arabic crisis texts address the reader in gender-inclusive wording (issue 12, pending native
 * review): no gendered imperative, no gendered second-person present verb and no adjective about
 * the reader, in any template the directory renders (every level and place, self and third party,
 * including the resource lines and notes) nor in the bot's own Arabic texts.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadDirectory } from '../../src/crisis/directory.js';
import { ALL_COUNTRIES, POLICY_DIR } from './directory-helpers.js';

/**
 * Forms that fix the reader's gender, written out here: masculine imperatives (اتصل، أرسل، اكتب،
 * أخبرني…), second-person present verbs that have a distinct feminine form (تستطيع/تستطيعين…),
 * and adjectives (مضطرًا، سعيد). Matched as whole words.
 */
const GENDERED = [
  'اتصل', 'فاتصل', 'اتصلوا', 'فاتصلوا', 'أرسل', 'اكتب', 'أخبرني', 'أخبر', 'اسأله', 'استمع', 'ساعده', 'ابتعد', 'ابقَ', 'اطلب', 'حاول',
  'تستطيع', 'تتواصل', 'تتصل', 'تشعر', 'تمر', 'تحمل', 'تفكر', 'تؤذي', 'تتصرف', 'تقوله', 'تسألني', 'تحب', 'تطلب', 'تفعل', 'تصل', 'تكون', 'ترسل', 'لترى',
  'مضطرًا', 'مضطرا', 'سعيد', 'أنت مهم', 'آسف',
];
const word = (w: string) => new RegExp(`(?<![\\p{L}\\p{M}])${w}(?![\\p{L}\\p{M}])`, 'u');

function gendered(text: string): string[] {
  return GENDERED.filter((w) => word(w).test(text));
}

describe('Arabic crisis texts', () => {
  const directory = loadDirectory(POLICY_DIR);

  it('use no gendered form of address in any rendered message, for any country, level, place or reader', () => {
    const found = new Map<string, string[]>();
    for (const country of [...ALL_COUNTRIES, undefined]) {
      for (const level of ['moderate', 'high', 'imminent'] as const) {
        for (const place of ['private', 'private-unreachable', 'public'] as const) {
          for (const about of ['self', 'other'] as const) {
            const { text } = directory.render({ country, level, locale: 'ar', place, about, moderators: true });
            const hits = gendered(text);
            if (hits.length > 0) found.set(`${country ?? 'global'} ${level} ${place} ${about}`, hits);
          }
        }
      }
    }
    expect(Object.fromEntries(found)).toEqual({});
  });

  it('use no gendered form of address in the reviewed fallback replies, the hand-off and the bot\'s own texts', () => {
    const texts = directory.texts('ar');
    const own = parse(readFileSync(join(POLICY_DIR, 'texts', 'ar.yaml'), 'utf8')) as Record<string, unknown>;
    const strings = [
      ...Object.values(texts.fallbackReply), texts.handoffNotice,
      ...Object.entries(own).filter(([k, v]) => k !== 'review' && typeof v === 'string').map(([, v]) => v as string),
    ];
    expect(strings.length).toBeGreaterThan(8);
    expect(strings.flatMap((s) => gendered(s).map((w) => `${w}: ${s.slice(0, 50)}`))).toEqual([]);
  });

  it('are marked pending native-speaker review', () => {
    const file = parse(readFileSync(join(POLICY_DIR, 'templates', 'ar.yaml'), 'utf8')) as { review: { native_speaker: string; notes: string } };
    expect(file.review.native_speaker).toBe('pending');
    expect(file.review.notes).toMatch(/gender-inclusive/);
  });
});
