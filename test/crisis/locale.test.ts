import { beforeAll, describe, expect, it } from 'vitest';
import { loadDirectory } from '../../src/crisis/directory.js';
import { chooseLocale, loadLocalePolicy, matchTag, writtenInTraditional, type LocalePolicy } from '../../src/crisis/locale.js';
import { tooShortToTell } from '../../src/crisis/locale.js';
import { loadModelPolicy } from '../../src/policy/model-policy.js';
import { POLICY_DIR } from './directory-helpers.js';

describe('choosing the language to write in', () => {
  let policy: LocalePolicy;
  let available: Set<string>;
  beforeAll(() => {
    available = new Set(loadDirectory(POLICY_DIR).locales());
    policy = loadLocalePolicy(POLICY_DIR, available, loadModelPolicy(POLICY_DIR).textLocales());
  });

  it('writes in the language of the message when templates exist for it', () => {
    expect(chooseLocale(policy, available, { detected: 'es', text: 'hola' })).toBe('es');
    expect(chooseLocale(policy, available, { detected: 'de', text: 'hallo' })).toBe('de');
  });

  it('falls back to English for a language without templates, or none detected', () => {
    expect(chooseLocale(policy, available, { detected: 'xx', text: '...' })).toBe('en');
    expect(chooseLocale(policy, available, { detected: undefined, text: '...' })).toBe('en');
  });

  it('lets a stored preference override the language of the message', () => {
    expect(chooseLocale(policy, available, { preference: 'fr', detected: 'es', text: 'hola' })).toBe('fr');
    // A stored choice the bot can no longer write in is ignored, not obeyed into English.
    expect(chooseLocale(policy, available, { preference: 'xx', detected: 'es', text: 'hola' })).toBe('es');
  });

  it('never lets the country choose the language, except between the two forms of Chinese', () => {
    expect(chooseLocale(policy, available, { detected: 'en', text: 'hi', country: 'MX' })).toBe('en');
    expect(chooseLocale(policy, available, { detected: 'es', text: 'hola', country: 'US' })).toBe('es');
  });

  it('writes Traditional Chinese for Hong Kong, Macao and Taiwan, and for a message written in it', () => {
    const simplified = '我一直在想自杀，不知道怎么办。';
    expect(chooseLocale(policy, available, { detected: 'zh', text: simplified, country: 'HK' })).toBe('zh-Hant');
    expect(chooseLocale(policy, available, { detected: 'zh', text: simplified, country: 'tw' })).toBe('zh-Hant');
    expect(chooseLocale(policy, available, { detected: 'zh', text: simplified, country: 'CN' })).toBe('zh');
    expect(chooseLocale(policy, available, { detected: 'zh', text: simplified })).toBe('zh');
    expect(chooseLocale(policy, available, { detected: 'zh', text: '我一直在想自殺，不知道怎麼辦。' })).toBe('zh-Hant');
    // A stored choice of Simplified still wins in Hong Kong.
    expect(chooseLocale(policy, available, { preference: 'zh', detected: 'zh', text: simplified, country: 'HK' })).toBe('zh');
  });

  it('matches tags in any case and with a region', () => {
    expect(matchTag('ES-mx', available)).toBe('es');
    expect(matchTag('pt_BR', available)).toBe('pt');
    expect(matchTag('', available)).toBeUndefined();
    expect(matchTag('tlh', available)).toBeUndefined();
  });

  it('tells Traditional from Simplified Chinese by the characters used', () => {
    expect(writtenInTraditional('我一直在想自殺，不知道怎麼辦。')).toBe(true);
    expect(writtenInTraditional('我一直在想自杀，不知道怎么办。')).toBe(false);
    expect(writtenInTraditional('hello')).toBe(false);
  });

  it('refuses a policy naming a locale without templates', () => {
    expect(() => loadLocalePolicy(POLICY_DIR, new Set(['de']), ['de'])).toThrow(/locales\.yaml at fallback: "en" has no templates/);
  });

  it('refuses crisis templates without the bot\'s own texts in the same language, and the reverse', () => {
    expect(() => loadLocalePolicy(POLICY_DIR, available, [...available].filter((l) => l !== 'es'))).toThrow(/texts\/es\.yaml/);
    expect(() => loadLocalePolicy(POLICY_DIR, available, [...available, 'tlh'])).toThrow(/templates\/tlh\.yaml/);
  });
});

describe('a message too short to tell its language', () => {
  it.each(['hola', 'ok', 'hallo', 'merci', 'merci beaucoup', 'yes please ok', '👍', '  ', 'ok!!'])('%j is too short', (text) => {
    expect(tooShortToTell(text)).toBe(true);
  });
  it.each(['I want to talk to someone', 'estoy muy cansado hoy', 'はい', 'спасибо', '谢谢', 'شكرا', 'ok 谢谢'])('%j is not: four Latin words, or any word in another script', (text) => {
    expect(tooShortToTell(text)).toBe(false);
  });
});
