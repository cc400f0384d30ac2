/**
 * Text normalization (src/risk/normalize.ts): disguised writing reads like plain writing, and
 * ordinary text (numbers, doses, CJK) survives unchanged in meaning.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { normalizeText } from '../../src/risk/normalize.js';
import { levelOf } from './helpers.js';

const norm = (s: string) => normalizeText(s).text;

describe('normalizeText', () => {
  it.each([
    ['ＫＩＬＬ　ＭＹＳＥＬＦ', 'kill myself'],
    ['k1ll mys3lf', 'kill myself'],
    ['$u1c1d3', 'suicide'],
    ['k\u200Bi\u200Cl\u200Dl\u2060 me', 'kill me'],
    ['\u202Ekill\u202C myself', 'kill myself'],
    ['kіll myѕelf', 'kill myself'], // Cyrillic і and ѕ
    ['k i l l  m y s e l f', 'kill myself'],
    ['k.i.l.l', 'kill'],
    ['thinking about s.u.i.c.i.d.e a lot', 'thinking about suicide a lot'],
    ['e-n-d i-t', 'end it'],
    ["don't", 'dont'],
    ['I’m done', 'im done'],
    ['suicídio', 'suicidio'],
    ['lebensmüde und groß', 'lebensmude und gross'],
    ['我想自殺，跳樓', '我想自杀,跳楼'],
    ['  lots   of\n\nspace ', 'lots of space'],
  ])('%j → %j', (raw, expected) => {
    expect(norm(raw)).toBe(expected);
  });

  it('keeps numbers and doses: "took 10 pills", "500mg", "3am"', () => {
    expect(norm('took 10 pills')).toBe('took 10 pills');
    expect(norm('500mg at 3am')).toBe('500mg at 3am');
    expect(norm('covid19')).toBe('covid19');
  });

  it('keeps Japanese kana and kanji as written (no Chinese folding, dakuten intact)', () => {
    expect(norm('死にたいです。ガンバる')).toBe('死にたいです。ガンバる');
    expect(norm('自殺したい')).toBe('自殺したい');
  });

  it('strips every default-ignorable code point of Unicode, tag characters, VS17+, U+2800 and U+FFF9-FFFB', () => {
    // Every code point Unicode marks Default_Ignorable, found by scanning the whole code space,
    // inserted inside a word; the list is not written by hand, so a new one cannot be missed.
    const ignorable = /^\p{Default_Ignorable_Code_Point}$/u;
    const points: number[] = [];
    for (let cp = 0; cp <= 0x10ffff; cp++) {
      if (cp >= 0xd800 && cp <= 0xdfff) continue;
      if (ignorable.test(String.fromCodePoint(cp))) points.push(cp);
    }
    // Named in issue 17: tag characters, VS17 and above, the blank Braille pattern, interlinear annotation.
    points.push(0xe0041, 0xe007f, 0xe0100, 0xe01ef, 0x2800, 0xfff9, 0xfffa, 0xfffb, 0x180e, 0x1d173);
    expect(points.length).toBeGreaterThan(4000);
    const kept = points.filter((cp) => norm(`ki${String.fromCodePoint(cp)}ll mys${String.fromCodePoint(cp)}elf`) !== 'kill myself');
    expect(kept.map((cp) => cp.toString(16))).toEqual([]);
    expect(levelOf('i want to k\u{E0069}ill myself\u2800')).toBe(levelOf('i want to kill myself'));
  });

  it('offers a squeezed variant for stretched letters', () => {
    const n = normalizeText('i want to diiiiie');
    expect(n.text).toBe('i want to diie');
    expect(n.variants).toEqual(['i want to die']);
  });

  it('invisible characters inserted anywhere never change the result', () => {
    const invisible = fc.constantFrom('\u200B', '\u200C', '\u200D', '\u2060', '\uFEFF', '\u202A', '\u202C', '\u202E', '\u2066', '\u2069', '\u00AD');
    fc.assert(
      fc.property(fc.constantFrom('kill myself', 'i want to die', '我想死', 'quiero matarme', '死にたい'), fc.array(fc.tuple(fc.nat(), invisible), { maxLength: 6 }), (text, inserts) => {
        let disguised = text;
        for (const [at, ch] of inserts) {
          const i = at % (disguised.length + 1);
          disguised = disguised.slice(0, i) + ch + disguised.slice(i);
        }
        expect(norm(disguised)).toBe(norm(text));
      }),
      { numRuns: 200 },
    );
  });

  it('full-width forms of ASCII read like ASCII', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[a-z ]{1,20}$/), (ascii) => {
        const wide = [...ascii].map((c) => (c === ' ' ? '\u3000' : String.fromCharCode(c.charCodeAt(0) + 0xfee0))).join('');
        expect(norm(wide)).toBe(norm(ascii));
      }),
      { numRuns: 200 },
    );
  });
});
