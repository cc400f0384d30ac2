import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadDirectory } from '../../src/crisis/directory.js';
import { loadGazetteer } from '../../src/crisis/gazetteer.js';
import { POLICIES_DIR } from './helpers.js';

const directory = loadDirectory(POLICIES_DIR);
const gazetteer = loadGazetteer(POLICIES_DIR, directory);

describe('the country answer gazetteer', () => {
  it.each([
    ["I'm in Mexico", 'MX'],
    ['Germany', 'DE'],
    ['DE', 'DE'],
    ['estoy en la CDMX', 'MX'],
    ['Ich wohne in München', 'DE'],
    ['Je suis à Paris', 'FR'],
    ['moro em São Paulo', 'BR'],
    ['я живу в России', 'RU'],
    ['東京に住んでいます', 'JP'],
    ['서울에 살아요', 'KR'],
    ['我在台北', 'TW'],
    ['我在印度尼西亚', 'ID'],
    ['我在印度', 'IN'],
    ["İstanbul'dayım", 'TR'],
    ['Mieszkam w Polsce', 'PL'],
  ])('reads %j as %s', (text, code) => {
    expect(gazetteer.countryIn(text)).toBe(code);
  });

  it.each([
    ['de'],
    ['NO'],
    ['IT'],
    ['I am in a nice place right now'],
    ['somewhere in south america'],
    ["I'm from Mexico, I live in Germany"],
    ['it does not matter'],
  ])('sets nothing for %j (no country, or more than one)', (text) => {
    expect(gazetteer.countryIn(text)).toBeUndefined();
  });

  it('covers every country that has a resource file', () => {
    for (const code of directory.countries()) {
      expect(gazetteer.codes()).toContain(code);
      expect(gazetteer.countryIn(directory.name(code, 'en')!)).toBe(code);
    }
  });

  function withPlaces(edit: (text: string) => string): string {
    const dir = join(mkdtempSync(join(tmpdir(), 'oyster-places-')), 'policies');
    cpSync(POLICIES_DIR, dir, { recursive: true });
    const file = join(dir, 'places.yaml');
    const before = readFileSync(file, 'utf8');
    const after = edit(before);
    expect(after).not.toBe(before);
    writeFileSync(file, after);
    return dir;
  }

  it('refuses a place listed for two countries, naming the file, the field and the fix', () => {
    const dir = withPlaces((t) => t.replace('places: [toronto,', 'places: [toronto, paris,'));
    expect(() => loadGazetteer(dir, directory)).toThrow(/places\.yaml at countries\.(CA|FR)\.places\[\d+\]: "paris" is already listed for (CA|FR)\. Fix: remove it from both/);
  });

  it("refuses a place that is another country's name in the resource directory", () => {
    const dir = withPlaces((t) => t.replace('places: [toronto,', 'places: [toronto, germany,'));
    expect(() => loadGazetteer(dir, directory)).toThrow(/"germany" is already listed for (CA|DE)|"Germany" is listed for CA but is the name of DE/);
  });

  it('lets a person name a directory country that places.yaml does not list yet', () => {
    const dir = withPlaces((t) => t.replace(/\n {2}SG:\n.*\n.*\n/, '\n'));
    expect(loadGazetteer(dir, directory).countryIn('Singapore')).toBe('SG');
  });
});

describe('countries without a resource file (ICU names)', () => {
  it.each([
    ["I'm in Iceland", 'IS'],
    ['Islandia', 'IS'],
    ['Estoy en Islandia', 'IS'],
    ['アイスランド', 'IS'],
    ['アイスランドに住んでいます', 'IS'],
    ['我在冰岛', 'IS'],
    ['我在冰島', 'IS'],
    ['아이슬란드에 있어요', 'IS'],
    ["J'habite en Islande", 'IS'],
    ['sono in Islanda', 'IS'],
    ['ik woon in IJsland', 'IS'],
    ['Я живу в Исландии', 'IS'],
    ['mieszkam w Islandii', 'IS'],
    ["İzlanda'dayım", 'IS'],
    ['أنا في آيسلندا', 'IS'],
    ['मैं आइसलैंड में हूँ', 'IS'],
    ['Saya di Islandia', 'IS'],
    ['I live in Myanmar', 'MM'],
    ['Burma', 'MM'],
    ['St. Lucia', 'LC'],
    ['Bosnia and Herzegovina', 'BA'],
    ['Ghana', 'GH'],
    ['TD', 'TD'],
    // A directory country's place wins over ICU's name for something smaller inside it.
    ['I am on the Canary Islands', 'ES'],
    ['我在内蒙古', 'CN'],
  ])('reads %j as %s', (text, code) => {
    expect(gazetteer.countryIn(text)).toBe(code);
  });

  it.each([
    ['I live on a small island'], // German "Island" is Iceland
    ['je suis en réunion'], // a meeting, not La Réunion
    ['ahora estoy en una reunión'],
    ['nadie gana nada así'], // "gana" is Ghana in Portuguese and Turkish
    ['la ira no se me pasa'], // Irã
    ['マリオが好き'], // マリ (Mali) inside a longer katakana word
    ['가나요?'], // 가나 (Ghana) as a verb ending
    ['오만 원만 빌려줘'], // 오만 (Oman) as 50,000
    ['我现在在沿海地区工作，每天都很累'], // 海地 (Haiti) inside 沿海地区
    ['我很喜欢马里奥这个游戏，每天都玩'], // 马里 (Mali) inside a longer sentence
    ["I'm in Congo"], // two Congos: never guessed
    ['I moved to Georgia last year'], // the country or the US state
    ['Bei meiner Oma'],
    ['tôi đã thử triệu tiền rồi'],
  ])('sets nothing for %j (an ordinary word, or a name two places share)', (text) => {
    expect(gazetteer.countryIn(text)).toBeUndefined();
  });

  it('knows every country ICU names, not only those with lines', () => {
    expect(gazetteer.codes()).toEqual(expect.arrayContaining(['IS', 'LU', 'MN', 'PR', 'XK']));
    // Groupings, reservations and withdrawn codes are not places a person is in.
    for (const code of ['EU', 'UN', 'IC', 'EA', 'SU', 'YU', 'ZZ']) expect(gazetteer.codes()).not.toContain(code);
  });
});

describe('names in the conversation\'s language', () => {
  it('reads a name that is an ordinary word elsewhere only in a conversation in its own language', () => {
    expect(gazetteer.countryIn('Island', 'de')).toBe('IS');
    expect(gazetteer.countryIn('ich wohne in Island', 'de')).toBe('IS');
    expect(gazetteer.countryIn('Island', 'en')).toBeUndefined();
    expect(gazetteer.countryIn('I live on an island', 'en')).toBeUndefined();
    // No language known: never guessed.
    expect(gazetteer.countryIn('Island')).toBeUndefined();
    // Names that are nobody's ordinary word do not depend on it.
    expect(gazetteer.countryIn('Iceland', 'de')).toBe('IS');
    expect(gazetteer.countryIn('Islandia')).toBe('IS');
  });

  it.each([
    ['tôi ở Pháp', 'FR'], ['Pháp', 'FR'], ['PHÁP ạ', 'FR'], ['mình đang sống bên Đức', 'DE'], ['nước Mỹ', 'US'],
    ['tôi ở Hoa Kỳ', 'US'], ['nhật bản', 'JP'], ['tôi ở Hà Nội', 'VN'], ['ở Áo', 'AT'],
  ])('reads the Vietnamese "%s" as %s', (text, code) => {
    expect(gazetteer.countryIn(text, 'vi')).toBe(code);
  });

  it.each([
    'có phương pháp nào khác không', 'biện pháp', 'hợp pháp', 'đạo đức', 'thẩm mỹ', 'chị Nga đến chơi', 'áo khoác',
    'toi o phap', "I'm in my room", 'bi', "c'est sec",
  ])('reads no country in "%s" (a syllable of another word, a given name, or the marks gone)', (text) => {
    expect(gazetteer.countryIn(text, 'vi')).toBeUndefined();
    expect(gazetteer.countryIn(text, 'en')).toBeUndefined();
  });
});

describe('when the conversation\'s language matters', () => {
  it('says so only for a text holding a name that depends on it', () => {
    expect(gazetteer.languageMatters('Island')).toBe(true);
    expect(gazetteer.languageMatters('ich bin in Island')).toBe(true);
    expect(gazetteer.languageMatters("I'm in Mexico")).toBe(false);
    expect(gazetteer.languageMatters('Iceland')).toBe(false);
    expect(gazetteer.languageMatters('hallo')).toBe(false);
  });
});
