import { beforeAll, describe, expect, it } from 'vitest';
import { loadDirectory, type RenderRequest, type ResourceDirectory } from '../../src/crisis/directory.js';
import { ALL_COUNTRIES, emergencyDisplays, NO_LINE_COUNTRIES, POLICY_DIR } from './directory-helpers.js';

const LEVELS3 = ['moderate', 'high', 'imminent'] as const;

describe('rendering resource messages', () => {
  let dir: ResourceDirectory;
  const render = (r: Partial<RenderRequest> & Pick<RenderRequest, 'country'>) =>
    dir.render({ level: 'moderate', locale: 'en', place: 'private', ...r });
  beforeAll(() => {
    dir = loadDirectory(POLICY_DIR);
  });

  it('shows the emergency number before the crisis line at imminent in every country', () => {
    for (const country of ALL_COUNTRIES.filter((c) => !(NO_LINE_COUNTRIES as readonly string[]).includes(c))) {
      const emergency = emergencyDisplays(country);
      for (const locale of ['en', 'zh']) {
        for (const place of ['private', 'private-unreachable'] as const) {
          const what = `${country} ${locale} ${place}`;
          const r = render({ country, level: 'imminent', locale, place });
          expect(r.resourceIds[0], what).toBe(`${country.toLowerCase()}-emergency`);
          // Indonesia's line is a web service (healing119.id): no number of its own.
          const line = country === 'ID' ? '[healing119.id]' : `**${r.numbers.find((n) => !emergency.includes(n))!}**`;
          expect(r.text.indexOf(line), what).toBeGreaterThanOrEqual(0);
          const emergencyAt = r.text.indexOf(`**${emergency[0]!}**`);
          expect(emergencyAt, what).toBeGreaterThanOrEqual(0);
          expect(emergencyAt, what).toBeLessThan(r.text.indexOf(line));
        }
      }
    }
  });

  it('gives Italy 112 and says there is no 24/7 national line, at every level and in every private place', () => {
    for (const level of ['low', ...LEVELS3] as const) {
      for (const place of ['private', 'private-unreachable'] as const) {
        const en = render({ country: 'IT', level, place });
        expect(en.text).toContain('Italy has no national 24/7 suicide line');
        expect(en.numbers).toContain('112');
        expect(en.text).toContain('**02 2327 2327** (daily 10:00–24:00)');
        const zh = render({ country: 'IT', level, place, locale: 'zh' });
        expect(zh.text).toContain('意大利没有全国性的全天候自杀危机热线');
        expect(zh.numbers).toContain('112');
      }
    }
  });

  it('leads China with the 24-hour Beijing line and shows 120 and 110 with it when risk is high', () => {
    for (const level of LEVELS3) {
      const r = render({ country: 'CN', level, locale: 'zh' });
      expect(r.resourceIds.find((id) => id !== 'cn-emergency')).toBe('cn-bj-voice');
      expect(r.text).toContain('**010-82951332**');
      expect(r.text).toContain('北京心理危机研究与干预中心');
      if (level !== 'moderate') {
        expect(r.numbers).toEqual(expect.arrayContaining(['120', '110', '010-82951332']));
      }
    }
    expect(render({ country: 'CN', level: 'moderate' }).text).toContain('**12356** (at least 18 hours a day, not always 24 h)');
    expect(render({ country: 'CN', level: 'moderate' }).text).toContain('Beijing Psychological Crisis Research & Intervention Center');
  });

  it('shows 116 123 only in countries that assign it', () => {
    const assigning = new Set<string>();
    for (const country of ALL_COUNTRIES) {
      for (const level of LEVELS3) {
        if (render({ country, level }).numbers.includes('116 123')) assigning.add(country);
      }
    }
    expect([...assigning].sort()).toEqual(['CZ', 'DE', 'GB', 'HU', 'IE', 'NO', 'PL']);
  });

  it('shows Taiwan 1925 with its call-back note and a second verified line', () => {
    for (const level of LEVELS3) {
      const r = render({ country: 'TW', level });
      expect(r.numbers).toEqual(expect.arrayContaining(['1925', '1995']));
      expect(r.text).toContain('leave your number after "#"');
    }
  });

  it('shows the exact SMS keyword with its short code', () => {
    expect(render({ country: 'US' }).text).toContain('text **HOME** to **741741**');
    expect(render({ country: 'GB' }).text).toContain('text **SHOUT** to **85258**');
    expect(render({ country: 'CA' }).text).toContain('text **CONNECT** to **686868**');
    expect(render({ country: 'IE', locale: 'zh' }).text).toContain('发送 **HELP** 至 **51444**');
  });

  it('falls back to the global directory and asks for the country when the country is unknown', () => {
    for (const country of [undefined, 'ZZ']) {
      for (const level of LEVELS3) {
        const r = render({ country, level });
        expect(r.askedCountry).toBe(true);
        expect(r.text).toContain('[findahelpline.com](https://findahelpline.com)');
        expect(r.text).toContain('Which country are you in?');
        expect(r.numbers).toEqual([]);
      }
      const imminent = render({ country, level: 'imminent' });
      expect(imminent.text).toContain('Please call your local emergency number now');
      expect(imminent.text.indexOf('local emergency number')).toBeLessThan(imminent.text.indexOf('findahelpline.com'));
    }
    expect(render({ country: 'DE' }).askedCountry).toBe(false);
    expect(render({ country: 'DE' }).text).not.toContain('Which country');
  });

  it('does not guess the country from the language', () => {
    const r = render({ country: undefined, locale: 'es', level: 'high' });
    expect(r.askedCountry).toBe(true);
    for (const n of ['024', '800 911 2000', '988', '112', '911']) expect(r.text).not.toContain(`**${n}**`);
  });

  it('keeps the public note free of lines, details and the user\'s words, giving only the emergency number at imminent', () => {
    for (const level of ['none', 'low', ...LEVELS3] as const) {
      for (const locale of ['en', 'zh']) {
        const r = render({ country: 'US', level, locale, place: 'public' });
        expect(r.numbers).toEqual(level === 'imminent' ? ['911'] : []);
        expect(r.resourceIds).toEqual(level === 'imminent' ? ['us-emergency'] : []);
        expect(r.text).not.toContain('988');
        expect(r.text).toMatch(/private message|私信/);
      }
    }
    // Without a known country the note still points to the local emergency number, in words.
    expect(render({ country: undefined, level: 'imminent', place: 'public' }).text).toContain('your local emergency number');
  });

  it('gives a single primary line when DMs are closed', () => {
    for (const country of ALL_COUNTRIES) {
      const r = render({ country, level: 'moderate', place: 'private-unreachable' });
      expect(r.text).not.toContain('•');
      const services = new Set(r.resourceIds.filter((id) => !id.endsWith('-emergency')).map((id) => id.split('-').slice(0, 2).join('-')));
      expect(services.size, country).toBe(1);
    }
    expect(render({ country: 'US', place: 'private-unreachable' }).text).toContain('**988 Suicide & Crisis Lifeline**: call or text **988**');
  });

  it('speaks to the helper, not the person at risk, when someone is worried about a friend', () => {
    const moderate = render({ country: 'DE', about: 'other' });
    expect(moderate.text).toContain('Thank you for looking out for them');
    expect(moderate.text).toContain('whether they are thinking about suicide');
    expect(moderate.numbers).toEqual(expect.arrayContaining(['0800 111 0 111', '112']));
    const urgent = render({ country: 'DE', about: 'other', level: 'imminent' });
    expect(urgent.text.startsWith('If your friend might be in immediate danger, please call **112** now')).toBe(true);
    expect(render({ country: 'DE', about: 'self' }).text).not.toContain('looking out for them');
  });

  it('renders each language for its tags and English for locales without templates', () => {
    for (const locale of ['zh', 'zh-CN', 'ZH']) {
      expect(render({ country: 'HK', locale }).text).toContain('我是一个机器人');
    }
    expect(render({ country: 'MX', locale: 'es-MX' }).text).toContain('Soy un bot');
    expect(render({ country: 'FR', locale: 'fr' }).text).toContain('Je suis un bot');
    for (const locale of ['en', 'en-GB', 'xx', '']) {
      expect(render({ country: 'HK', locale }).text).toContain("I'm a bot");
    }
  });

  it('asks directly about suicide in a private message and about immediate safety when risk is high', () => {
    expect(render({ country: 'GB' }).text).toContain('are you thinking about suicide?');
    expect(render({ country: 'GB', level: 'high' }).text).toContain('Are you safe right now?');
    expect(render({ country: 'GB', locale: 'zh' }).text).toContain('你是否有自杀的想法？');
  });

  it('uses the gentle moderate message for none and low', () => {
    expect(render({ country: 'AU', level: 'low' }).text).toBe(render({ country: 'AU', level: 'moderate' }).text);
    expect(render({ country: 'AU', level: 'none' }).text).toBe(render({ country: 'AU', level: 'moderate' }).text);
  });

  it('offers fallback replies, public notes and a hand-off notice without numbers in every locale', () => {
    expect(dir.texts('fr-CA').locale).toBe('fr');
    expect(dir.texts('xx').locale).toBe('en');
    for (const locale of dir.locales()) {
      const t = dir.texts(locale);
      expect(t.locale).toBe(locale);
      for (const level of ['none', 'low', ...LEVELS3] as const) {
        expect(t.fallbackReply[level].length).toBeGreaterThan(20);
        expect(t.fallbackReply[level]).not.toMatch(/\d{3}/);
        const note = dir.render({ country: 'GB', level, locale, place: 'public' });
        expect(note.text.length).toBeGreaterThan(10);
        expect(note.numbers).toEqual(level === 'imminent' ? ['999', '112'] : []);
      }
      expect(t.handoffNotice.length).toBeGreaterThan(20);
      expect(t.askCountry.length).toBeGreaterThan(5);
    }
  });
});
