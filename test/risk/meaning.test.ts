/**
 * Rules by meaning (issue 11 item 1): concept lexicons plus a small grammar. Means with an act
 * or possession and the writer as subject is risk without any suicide word; filler words, word
 * order and a typo change nothing; a frame (the past, fiction, news, support, a harmless
 * purpose) sets aside what it frames; a broken lexicon stops the policy from loading.
 */
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BotError } from '../../src/errors.js';
import { riskRank, type RiskLevel } from '../../src/messages.js';
import { loadDetectionPolicy } from '../../src/risk/policy-loader.js';
import { assessor, levelOf, POLICY_DIR, screen } from './helpers.js';

const atLeast = (text: string, level: RiskLevel) => expect(riskRank(levelOf(text)), `${text} → ${levelOf(text)}`).toBeGreaterThanOrEqual(riskRank(level));
const below = (text: string, level: RiskLevel) => expect(riskRank(levelOf(text)), `${text} → ${levelOf(text)}`).toBeLessThan(riskRank(level));

describe('means, acts and the writer, with no suicide word', () => {
  it.each([
    ['I have the pills in my hand, tonight', 'imminent'],
    ['I bought a rope today', 'imminent'],
    ['took all the tablets I had about an hour ago', 'imminent'],
  ] as const)('"%s" reads at least %s', (text, level) => atLeast(text, level));

  it('gives a reason code that names the language and the grammar rule', () => {
    expect(screen('I bought a rope today').reasons).toContain('en.grammar.means-at-hand-now');
  });

  it('reads the same with a filler word inserted, the words reordered or one typo', () => {
    atLeast('tonight, the pills are in my hand', 'imminent');
    atLeast('I have the pills honestly just in my hand, tonight', 'imminent');
    atLeast('I bougth a rope today', 'imminent');
  });

  it('reads someone else as the subject as concern for them, not the writer\'s own risk', () => {
    const result = screen('my brother bought a rope today');
    expect(result.level).toBe('moderate');
    expect(result.reasons.some((r) => r.endsWith(':other'))).toBe(true);
  });

  it.each([
    ["my roommate told me she's swallowing her whole bottle of meds tonight", 'other'],
    ["my sister gave me her pills and I'm taking them all tonight", 'self'],
    ['ella tiene las pastillas y se las va a tomar esta noche', 'other'],
    ['tengo las pastillas y me las voy a tomar esta noche', 'self'],
    ['meine Schwester hat gerade eine ganze Packung Tabletten geschluckt', 'other'],
  ] as const)('reads who is in danger from the person word nearest the act: "%s" is about %s', (text, who) => {
    const result = screen(text);
    expect(result.level).toBe('imminent');
    expect(result.about ?? 'self').toBe(who);
  });

  it('lets a negation just before the act cancel it', () => {
    below("I won't take the pills tonight, I flushed them", 'high');
  });
});

describe('veiled and worn-down words (issue 11 class 3)', () => {
  it.each([
    ["I won't be a problem for anyone much longer", 'moderate'],
    ['thinking about s.u.i.c.i.d.e a lot', 'high'],
    ['hab keinen Bock mehr auf dieses Leben', 'moderate'],
    ['não aguento mais viver', 'moderate'],
    ['устала жить', 'moderate'],
  ] as const)('"%s" reads at least %s', (text, level) => atLeast(text, level));
});

describe('frames lower what they frame', () => {
  it.each([
    'when I was fifteen I was suicidal, I am doing well now',
    'in the movie he jumps off a bridge at the end',
    "if you're ever feeling suicidal you can talk to me",
    'bought a rope for camping this weekend',
    'best way to cut onions without crying?',
  ])('"%s" raises no resources', (text) => below(text, 'moderate'));

  it('keeps a method question framed as "for a story" (issue 11 class 2)', () => {
    atLeast('asking for a story: how many sleeping pills would be fatal', 'high');
  });

  it('keeps a present first-person finding in another clause', () => {
    atLeast('the film was about a bridge. I bought a rope today', 'imminent');
  });

  it.each([
    'si algún día tienes pensamientos suicidas, puedes hablar conmigo',
    'se hai pensieri suicidi, puoi scrivermi quando vuoi',
    "si tu as des idées suicidaires, tu peux m'en parler",
    'in the film, the girl takes all her pills and dies',
  ])('lets an offer of support, a story or a report speak for its whole sentence: "%s" raises no resources', (text) => below(text, 'moderate'));

  it('keeps the writer\'s own words in a framed sentence', () => {
    atLeast('in the film the hero jumps off a bridge, and I want to die too', 'moderate');
    atLeast('if you ever feel like this, I get it, I bought a rope today', 'imminent');
  });
});

describe('the concept lexicon files', () => {
  const dirs: string[] = [];
  afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
  const broken = (name: string, body: string): string => {
    const dir = mkdtempSync(join(tmpdir(), 'oyster-concepts-'));
    dirs.push(dir);
    cpSync(join(POLICY_DIR, 'detection'), join(dir, 'detection'), { recursive: true });
    writeFileSync(join(dir, 'detection', name), body);
    try {
      loadDetectionPolicy(dir, { checkExamples: 'always' });
    } catch (error) {
      expect(error).toBeInstanceOf(BotError);
      return (error as BotError).message;
    }
    throw new Error('the broken lexicon loaded');
  };

  it('are loaded and compiled with the policy', () => {
    expect(assessor.policy.meaning?.files.map((f) => f.language)).toContain('en');
  });

  it('refuse an example that does not fire its rule, naming the file and the fix', () => {
    const message = broken(
      'concepts.en.yaml',
      'language: en\nname: English\nconcepts:\n  means: [rope]\nexamples:\n  match:\n    - { text: "a quiet afternoon", rule: grammar.means-at-hand }\n',
    );
    expect(message).toContain('concepts.en.yaml: examples.match.0 "a quiet afternoon" does not fire grammar.means-at-hand');
  });

  it('refuse an unknown concept and an upper-case entry', () => {
    expect(broken('concepts.en.yaml', 'language: en\nname: English\nconcepts:\n  weapons: [rope]\n')).toContain('concepts.en.yaml');
    expect(broken('concepts.en.yaml', 'language: en\nname: English\nconcepts:\n  means: [Rope]\n')).toContain('lower case');
  });
});
