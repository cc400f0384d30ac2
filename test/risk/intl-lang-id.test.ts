/**
 * The screen's language for Latin-script messages (policies/detection/language-id.yaml, issue 11):
 * short Dutch, Polish, Turkish and Indonesian messages were read as English, so the person got
 * English crisis text. Checked on the screen, on the table itself, at policy load, and through the
 * real engine (the bot's "can't reach my model" text, with the model down).
 */
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createRiskAssessor } from '../../src/risk/assessor.js';
import { compileLanguageId, identifyLatin, type LanguageIdFile } from '../../src/risk/language-id.js';
import { loadDetectionPolicy } from '../../src/risk/policy-loader.js';
import { loadModelPolicy } from '../../src/policy/model-policy.js';
import { startHarness, type Harness } from '../helpers/bot-harness.js';

const assessor = createRiskAssessor({ policyDir: 'policies' });
const languageOf = (text: string) => assessor.screen({ text, recent: [], now: new Date() }).language;

describe('the language of a short everyday message', () => {
  for (const [text, language] of [
    ['ik ga zo naar huis', 'nl'],
    ['wat doe je vanavond', 'nl'],
    ['nie wiem co robić', 'pl'],
    ['nie wiem co robic', 'pl'],
    ['bugün çok yoruldum', 'tr'],
    ['bugun cok yoruldum', 'tr'],
    ['yarın sinemaya gidelim mi', 'tr'],
    ['aku belum makan dari pagi', 'id'],
    ['hari ini capek banget', 'id'],
    ['hôm nay mệt ghê', 'vi'],
    ['hom nay met qua', 'vi'],
    ['ma mère ne comprend rien', 'fr'],
    ['mia sorella non mi parla', 'it'],
    ['minha irmã não fala comigo', 'pt'],
    ['mi hermana no me habla', 'es'],
    ['meine schwester redet nicht mit mir', 'de'],
    ['my sister is not talking to me', 'en'],
  ] as const) {
    it(`"${text}" is read as ${language}`, () => {
      expect(languageOf(text)).toBe(language);
    });
  }

  it('still follows a risk finding in that language', () => {
    expect(languageOf('ik wil niet meer leven')).toBe('nl');
    expect(languageOf('artık yaşamak istemiyorum')).toBe('tr');
  });

  it('is English when nothing tells (the fallback)', () => {
    expect(languageOf('zzz')).toBe('en');
    expect(languageOf('👍')).toBe('en');
  });
});

describe('the language-identification table', () => {
  const file: LanguageIdFile = {
    fallback: 'en',
    languages: {
      en: { words: ['the', 'is', 'my', 'a', 'and', 'to', 'of', 'it', 'in', 'you'], letters: '' },
      es: { words: ['la', 'el', 'es', 'mi', 'y', 'que', 'de', 'no', 'en', 'un'], letters: 'ñ' },
      fr: { words: ['la', 'le', 'est', 'je', 'et', 'de', 'il', 'un', 'pas', 'ça'], letters: '' },
      it: { words: ['il', 'la', 'era', 'e', 'di', 'che', 'non', 'un', 'mi', 'ho'], letters: '' },
      vi: { words: ['là', 'và', 'không', 'mình', 'có', 'được', 'của', 'này', 'rồi', 'quá'], letters: 'đơư' },
      tr: { words: ['ben', 'bir', 've', 'çok', 'değil', 'için', 'ne', 'bu', 'mi', 'var'], letters: 'ğşı' },
    },
    examples: [{ text: 'ben', language: 'tr' }],
  };
  const table = compileLanguageId(file);

  it('counts a word written with accents only for the languages that write it so', () => {
    // "là" is Vietnamese; the Spanish, French and Italian "la" must not read as it, nor it as them.
    expect(identifyLatin(table, 'là')).toBe('vi');
    expect(identifyLatin(table, 'la')).not.toBe('vi');
  });

  it('counts a word typed without its accents for every language that lists it', () => {
    expect(identifyLatin(table, 'khong')).toBe('vi');
    expect(identifyLatin(table, 'cok degil')).toBe('tr');
  });

  it('gives a word several languages share less weight than a word one language uses', () => {
    // "il" is French and Italian, "era" only Italian: Italian, though French is listed first.
    expect(identifyLatin(table, 'il film era bello')).toBe('it');
  });

  it('reads letters only one language uses, in words it does not list', () => {
    expect(identifyLatin(table, 'ağaçlar')).toBe('tr');
    expect(identifyLatin(table, 'señora')).toBe('es');
  });

  it('names nothing when nothing scores, or when two languages score the same', () => {
    expect(identifyLatin(table, 'zzz qqq')).toBeUndefined();
    expect(identifyLatin(table, 'un')).toBeUndefined();
    expect(identifyLatin(table, 'un bir')).toBe('tr');
  });

  it('adds a language pack\'s own markers to its words', () => {
    const withMarkers = compileLanguageId(file, new Map([['nl', ['ik', 'niet', 'het']]]));
    expect(identifyLatin(withMarkers, 'ik niet')).toBe('nl');
  });

  it('reads no further than the first few dozen words of a long message', () => {
    const long = `${'the is my and '.repeat(20)}${'bir ve çok değil için '.repeat(200)}`;
    expect(identifyLatin(table, long)).toBe('en');
  });
});

describe('language-id.yaml at load', () => {
  const copy = (edit: (yaml: string) => string) => {
    const dir = mkdtempSync(join(tmpdir(), 'oyster-lang-id-'));
    cpSync('policies', dir, { recursive: true });
    const path = join(dir, 'detection', 'language-id.yaml');
    writeFileSync(path, edit(readFileSync(path, 'utf8')));
    return dir;
  };

  it('stops startup when an example does not read as the language it states, naming the fix', () => {
    const dir = copy((yaml) => yaml.replace('examples:\n', 'examples:\n  - { text: "ik ga zo naar huis", language: tr }\n'));
    expect(() => loadDetectionPolicy(dir)).toThrow(/language-id\.yaml: examples\.0: "ik ga zo naar huis" reads as "nl", not "tr"\. Fix:/);
  });

  it('stops startup when the fallback is not one of its languages', () => {
    const dir = copy((yaml) => yaml.replace('fallback: en', 'fallback: xx'));
    expect(() => loadDetectionPolicy(dir)).toThrow(/language-id\.yaml: fallback: "xx" is not one of the languages/);
  });

  it('stops startup on a language code that is not two letters', () => {
    const dir = copy((yaml) => yaml.replace('\n  nl:\n', '\n  dutch:\n'));
    expect(() => loadDetectionPolicy(dir)).toThrow(/language-id\.yaml: languages\.dutch: not a two-letter language code\. Fix:/);
  });
});

describe('the language the bot answers a Dutch message in (real engine, model down)', () => {
  let h: Harness | undefined;
  afterEach(async () => { await h?.close(); h = undefined; });

  it('is Dutch for an everyday Dutch message of a few words', async () => {
    const texts = (locale: string) => loadModelPolicy('policies').texts(locale);
    h = await startHarness({ reply: () => ({ status: 503, content: '' }) });
    await h.adapter.receive({ text: 'ik kan vannacht weer niet slapen' });
    expect(h.adapter.sent.at(-1)!.text).toBe(texts('nl').model_unavailable);
  });
});
