/**
 * The per-rule pre-check (src/risk/prefilter.ts) may only ever skip a rule that cannot match:
 * every match of a pattern contains one of its required literals. Checked on hand-picked
 * patterns, on random strings against tricky patterns, and on every rule of the shipped policy
 * against every example and probe sentence. Also the literal index the screen scans with.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { normalizeText } from '../../src/risk/normalize.js';
import { LiteralIndex } from '../../src/risk/literal-index.js';
import { requiredLiterals } from '../../src/risk/prefilter.js';
import { assessor } from './helpers.js';

const contains = (literals: string[] | undefined, text: string) => !literals || literals.some((l) => text.includes(l));

describe('required literals of a pattern', () => {
  it.each([
    ['\\bkill(?:ing)? myself\\b', 'kill'],
    ['\\b(?:im|i am)\\b[^.!?]{0,20}\\bsuicidal\\b', 'suici'],
  ])('%s needs %j', (source, literal) => {
    expect(requiredLiterals(source)).toContain(literal);
  });

  it('cuts Chinese literals to about two characters (each is about a word)', () => {
    expect(requiredLiterals('(?:想|好想)死')).toEqual(['想死', '好想']);
  });

  it.each([['\\w+'], ['.*'], ['(?:a|b)'], ['(?:kill)?\\s*'], ['x\\1'], ['[a-z]{3,}']])(
    '%s needs no literal, so it is always run',
    (source) => {
      expect(requiredLiterals(source)).toBeUndefined();
    },
  );

  it('prefers a distinctive word to a run of common words', () => {
    expect(requiredLiterals('\\bhow (?:do|can) i\\b[^.!?]{0,20}\\bcut myself\\b')).toEqual(['cut']);
  });

  it('never misses a match of tricky patterns on random text', () => {
    const patterns = [
      '\\b(?:i|me)\\b[^.!?]{0,10}\\b(?:want|need) (?:to )?(?:die|vanish)\\b',
      '(?<!not )\\bkill(?:ing|ed)? ?(?:my ?self)\\b(?! off)',
      '(?:^|[.,] ?)(?:its|it is) time\\b',
      '\\b(a|b)c[^]{0,5}?(?!\\1)(?:a|b)c\\b',
      '[xy]{2}z|zz(?:top)?',
      'go(?:od)?bye(?: forever)?|fare ?well',
    ];
    const alphabet = fc.constantFrom(...'abcdeghiklmnorstvwxyz ,.'.split(''), 'kill', 'myself', 'die', 'time', 'its', 'want', 'to ', 'goodbye', 'well');
    for (const source of patterns) {
      const literals = requiredLiterals(source, 1);
      const regex = new RegExp(source);
      fc.assert(
        fc.property(fc.array(alphabet, { maxLength: 12 }), (parts) => {
          const text = parts.join('');
          return !regex.test(text) || contains(literals, text);
        }),
        { numRuns: 400 },
      );
    }
  });
});

describe('the shipped policy', () => {
  const rules = assessor.policy.packs.flatMap((pack) => pack.rules);
  const sentences = [
    ...rules.flatMap((rule) => [...rule.examples.match, ...rule.examples.no_match]),
    ...readdirSync(fileURLToPath(new URL('.', import.meta.url)))
      .filter((name) => name.startsWith('probes-'))
      .flatMap((name) => [...readFileSync(fileURLToPath(new URL(name, import.meta.url)), 'utf8').matchAll(/['"]([^'"\n]{3,200})['"]/g)].map((m) => m[1]!)),
  ];

  it('gives nearly every rule a pre-check', () => {
    const gated = rules.filter((rule) => rule.gate).length;
    expect(gated / rules.length).toBeGreaterThan(0.95);
  });

  it('never skips a rule whose pattern matches an example or probe sentence', () => {
    const missed: string[] = [];
    for (const sentence of sentences) {
      const n = normalizeText(sentence);
      for (const form of [n.text, ...n.variants]) {
        for (const rule of rules) {
          rule.match.lastIndex = 0;
          if (rule.match.test(form) && !contains(rule.gate, form)) missed.push(`${rule.id}: ${form}`);
        }
      }
    }
    expect(missed).toEqual([]);
    expect(sentences.length).toBeGreaterThan(1000);
  });
});

describe('the literal index', () => {
  const index = new LiteralIndex();
  index.add('kill', 0);
  index.add('od', 1);
  index.add('死', 2);
  index.add('suici', 3);
  index.add('kms', 3);
  index.add('реж', 4);
  index.add('🙂x', 5);
  const scan = (text: string) => {
    const marks = new Uint8Array(6);
    index.scan(text, marks);
    return [...marks.keys()].filter((i) => marks[i] === 1);
  };

  it.each([
    ['kill', [0]],
    ['i want to kill', [0]],
    ['good food', [1]],
    ['od', [1]],
    ['想死了', [2]],
    ['kms lol', [3]],
    ['feeling suicidal', [3]],
    ['я режу', [4]],
    ['ok 🙂x', [5]],
    ['killed the mood', [0, 1]],
    ['', []],
    ['k', []],
    ['nothing here', []],
  ] as Array<[string, number[]]>)('marks the literals found in %j', (text, ids) => {
    expect(scan(text)).toEqual(ids);
  });
});
