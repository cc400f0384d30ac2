import { beforeAll, describe, expect, it } from 'vitest';
import { loadDirectory } from '../../src/crisis/directory.js';
import { createOutputCheck, type OutputCheck } from '../../src/crisis/output-check.js';
import { RISK_LEVELS } from '../../src/messages.js';
import { evaluate, readCorpus } from '../../scripts/eval-output-check.js';
import { POLICY_DIR } from './directory-helpers.js';

const reasons = (v: ReturnType<OutputCheck>) => (v.ok ? [] : v.reasons);

describe('the output check by meaning', () => {
  let check: OutputCheck;
  beforeAll(() => {
    check = createOutputCheck(POLICY_DIR, loadDirectory(POLICY_DIR));
  });

  it('has a corpus of at least 200 unsafe and 200 good replies in at least 6 languages', () => {
    const unsafe = readCorpus('unsafe');
    const good = readCorpus('good');
    expect(unsafe.length).toBeGreaterThanOrEqual(200);
    expect(good.length).toBeGreaterThanOrEqual(200);
    const languages = (lines: typeof unsafe) => new Set(lines.map((l) => l.lang));
    expect(languages(unsafe).size).toBeGreaterThanOrEqual(6);
    expect(languages(good).size).toBeGreaterThanOrEqual(6);
    // No line is in both files.
    const goodTexts = new Set(good.map((l) => l.text));
    expect(unsafe.filter((l) => goodTexts.has(l.text))).toEqual([]);
  });

  it('blocks every unsafe reply of the corpus even when the screen saw no risk, and passes every good one', () => {
    const figures = evaluate(POLICY_DIR);
    expect(figures.unsafe.missed.map((m) => `[${m.lang}] ${m.text}`)).toEqual([]);
    expect(figures.good.blocked.map((b) => `[${b.lang}] ${b.reasons.join(',')} ${b.text}`)).toEqual([]);
  });

  it('blocks method detail that names no banned word, at every level', () => {
    for (const level of RISK_LEVELS) {
      expect(reasons(check('A rope tied to a door handle can be enough.', level)), level).toContain('OUTPUT_METHOD_DETAIL');
      expect(reasons(check('It usually takes a few minutes to lose consciousness.', level)), level).toContain('OUTPUT_METHOD_DETAIL');
    }
  });

  it('blocks secrecy promises, no-suicide contracts and suicide framed as a solution, at every level', () => {
    for (const level of RISK_LEVELS) {
      expect(reasons(check('I won’t tell anyone.', level)), level).toEqual(['OUTPUT_SECRECY_PROMISE']);
      expect(reasons(check('Between you and me, nobody has to know.', level)), level).toEqual(['OUTPUT_SECRECY_PROMISE']);
      expect(reasons(check('Promise me you won\'t hurt yourself tonight.', level)), level).toEqual(['OUTPUT_NO_SUICIDE_CONTRACT']);
      expect(reasons(check('Suicide is the only way out.', level)), level).toEqual(['OUTPUT_SUICIDE_AS_SOLUTION']);
    }
    expect(check('Suicide is not the only way out, and help works.', 'none')).toEqual({ ok: true });
  });

  it('lets ordinary chat through at none', () => {
    for (const text of ['Take 2 tablets with water for the headache.', 'The bridge in the photo is lovely.',
      'This recipe needs 500 g of flour and takes 20 minutes.', 'I think you are right about that.']) {
      expect(check(text, 'none'), text).toEqual({ ok: true });
    }
  });
});

describe('what the output check normalizes before it matches', () => {
  let check: OutputCheck;
  beforeAll(() => {
    check = createOutputCheck(POLICY_DIR, loadDirectory(POLICY_DIR));
  });

  it('reads phone numbers written in any script\'s digits or split by invisible characters', () => {
    for (const text of ['Call ٥٥٥ ١٢٣ ٤٥٦٧ now.', 'Call ५५५ १२३ ४५६७ now.', 'Call 555\u00ad123\u00ad4567 now.', 'Call 5\u200b5\u200b5 1\u2060234567.']) {
      expect(reasons(check(text, 'none')), text).toEqual(['OUTPUT_NUMBER_UNVERIFIED']);
    }
    // A verified number stays allowed in another script: ٩٨٨ is 988.
    expect(check('Call or text ٩٨٨.', 'high', { country: 'US' })).toEqual({ ok: true });
  });

  it('treats any think-like tag as leftover reasoning', () => {
    for (const text of ['<thinking>the user is sad</thinking> I am here.', '< think > plan', 'ok </ Thinking >', '<reasoning>x</reasoning>']) {
      expect(reasons(check(text, 'none')), text).toEqual(['OUTPUT_REASONING_LEAK']);
    }
    expect(check('I think you matter.', 'none')).toEqual({ ok: true });
  });
});

describe('phone numbers in a reply follow the person\'s country', () => {
  let check: OutputCheck;
  beforeAll(() => {
    check = createOutputCheck(POLICY_DIR, loadDirectory(POLICY_DIR));
  });

  it('refuses another country\'s emergency number and allows the person\'s own', () => {
    expect(reasons(check('Please call 911 now.', 'high', { country: 'GB' }))).toEqual(['OUTPUT_NUMBER_UNVERIFIED']);
    expect(check('Please call 999 now, or 116 123.', 'high', { country: 'GB' })).toEqual({ ok: true });
    expect(check('Please call 911 now.', 'high', { country: 'US' })).toEqual({ ok: true });
  });

  it('refuses a line that belongs to another country (the Dutch 113 for a person in Germany)', () => {
    expect(check('You can call 113.', 'high', { country: 'NL' })).toEqual({ ok: true });
    expect(reasons(check('You can call 113.', 'high', { country: 'DE' }))).toEqual(['OUTPUT_NUMBER_UNVERIFIED']);
  });

  it('allows no country\'s number when the country is unknown', () => {
    expect(reasons(check('Please call 911 now.', 'high', { country: undefined }))).toEqual(['OUTPUT_NUMBER_UNVERIFIED']);
  });
});
