import { beforeAll, describe, expect, it } from 'vitest';
import { loadDirectory, type ResourceDirectory } from '../../src/crisis/directory.js';
import { createOutputCheck, type OutputCheck } from '../../src/crisis/output-check.js';
import { RISK_LEVELS } from '../../src/messages.js';
import { CRISIS_MD_COUNTRIES, POLICY_DIR } from './directory-helpers.js';

const COUNTRIES = [...CRISIS_MD_COUNTRIES, undefined];

/** How each language says "I'm a bot" (CRISIS.md §4 DO 2); a new locale must add its own. */
const BOT_WORDS: Record<string, string> = {
  de: 'Ich bin ein Bot', en: "I'm a bot", es: 'Soy un bot', fr: 'Je suis un bot', it: 'Sono un bot', pt: 'Sou um bot',
  zh: '我是一个机器人', 'zh-Hant': '我是一個機器人', ja: '私はボット', ko: '저는 봇', ru: 'Я бот', nl: 'Ik ben een bot',
  pl: 'Jestem botem', tr: 'Ben bir botum', id: 'Aku adalah bot', vi: 'Mình là một bot', hi: 'मैं एक बॉट हूँ', ar: 'أنا بوت',
};
const PLACES = ['private', 'public', 'private-unreachable'] as const;

describe('crisis message templates', () => {
  let dir: ResourceDirectory;
  let check: OutputCheck;
  beforeAll(() => {
    dir = loadDirectory(POLICY_DIR);
    check = createOutputCheck(POLICY_DIR, dir);
  });

  function* allTexts(): Generator<{ what: string; text: string; level: (typeof RISK_LEVELS)[number]; place: string }> {
    for (const country of COUNTRIES) {
      for (const level of RISK_LEVELS) {
        for (const place of PLACES) {
          for (const locale of dir.locales()) {
            for (const about of ['self', 'other'] as const) {
              const text = dir.render({ country, level, locale, place, about, moderators: true }).text;
              yield { what: `${country} ${level} ${place} ${locale} ${about}`, text, level, place };
            }
          }
        }
      }
    }
    for (const locale of dir.locales()) {
      const t = dir.texts(locale);
      for (const level of RISK_LEVELS) {
        yield { what: `fallback ${level} ${locale}`, text: t.fallbackReply[level], level, place: 'fallback' };
      }
      yield { what: `handoff ${locale}`, text: t.handoffNotice, level: 'imminent', place: 'handoff' };
    }
  }

  // Thousands of renderings, each read by meaning: generous on a loaded machine.
  it('passes its own output check at the strictest level', { timeout: 180_000 }, () => {
    const failures: string[] = [];
    const seen = new Set<string>();
    for (const { what, text } of allTexts()) {
      if (seen.has(text)) continue;
      seen.add(text);
      const verdict = check(text, 'imminent');
      if (!verdict.ok) failures.push(`${what}: ${verdict.reasons.join(',')}`);
    }
    expect(failures).toEqual([]);
    expect(seen.size).toBeGreaterThan(1000);
  });

  it('never uses unsafe phrasing, promises secrecy or moralises', () => {
    const banned = [/committed suicide/i, /between us/i, /won't tell/i, /think of your family/i, /selfish/i, /successful attempt/i,
      /我不会告诉任何人/, /保密/, /自杀成功/, /I can't help with that/i];
    const found: string[] = [];
    for (const { what, text } of allTexts()) for (const b of banned) if (b.test(text)) found.push(`${what}: ${b}`);
    expect(found).toEqual([]);
  });

  it('says it is a bot in every message, and promises a moderator only when one can hear of the case', () => {
    const missing: string[] = [];
    expect(Object.keys(BOT_WORDS).sort()).toEqual(dir.locales());
    for (const locale of dir.locales()) {
      const note = dir.render({ country: 'US', level: 'moderate', locale, place: 'private', moderators: true }).text;
      const without = dir.render({ country: 'US', level: 'moderate', locale, place: 'private', moderators: false }).text;
      // The moderator sentence is exactly what differs.
      expect(note.length, locale).toBeGreaterThan(without.length + 10);
      for (const country of COUNTRIES) {
        for (const level of ['moderate', 'high', 'imminent'] as const) {
          for (const about of ['self', 'other'] as const) {
            for (const moderators of [true, false]) {
              const text = dir.render({ country, level, locale, place: 'private', about, moderators }).text;
              if (!text.includes(BOT_WORDS[locale]!)) missing.push(`${locale} ${country} ${level} ${about}: bot`);
              const promised = text.length !== dir.render({ country, level, locale, place: 'private', about, moderators: !moderators }).text.length;
              if (!promised) missing.push(`${locale} ${country} ${level} ${about}: moderator line not conditional`);
            }
          }
          const unreachable = dir.render({ country, level, locale, place: 'private-unreachable' }).text;
          if (!unreachable.includes(BOT_WORDS[locale]!)) missing.push(`${locale} unreachable ${country} ${level}`);
        }
      }
    }
    expect(missing).toEqual([]);
  });

  it('ends the full message with hope and offers a choice of how to reach out', () => {
    const en = dir.render({ country: 'US', level: 'moderate', locale: 'en', place: 'private' }).text;
    expect(en).toContain('whichever feels easiest');
    expect(en.split('\n').at(-1)).toMatch(/get through|alone/);
  });

  it('keeps every message short enough to read on a phone', () => {
    const limits: Record<string, number> = { private: 1400, 'private-unreachable': 500, public: 200, fallback: 300, handoff: 250 };
    const tooLong: string[] = [];
    let longestPrivate = 0;
    for (const { what, text, place } of allTexts()) {
      if (place === 'private') longestPrivate = Math.max(longestPrivate, text.length);
      if (text.length > limits[place]!) tooLong.push(`${what}: ${text.length}`);
    }
    expect(tooLong).toEqual([]);
    expect(longestPrivate).toBeGreaterThan(500);
  });

  it('keeps the DMs-closed message free of the user\'s words and of lists', () => {
    for (const country of COUNTRIES) {
      const text = dir.render({ country, level: 'high', locale: 'en', place: 'private-unreachable' }).text;
      expect(text).not.toContain('•');
      expect(text.split('\n').length).toBeLessThanOrEqual(6);
    }
  });
});
