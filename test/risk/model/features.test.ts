/**
 * The hashed n-gram features: the fast path and the named slow path agree, a range of a text
 * reads as those words alone, and a very long message keeps its head and tail.
 */
import { describe, expect, it } from 'vitest';
import { clip, describeFeatures, extractBuckets, FeatureBuffer, MAX_CHARS, MAX_FEATURES, uniqueBuckets } from '../../../src/risk/model/features.js';

const buckets = (text: string, bits = 16) => {
  const out = new Int32Array(MAX_FEATURES);
  return Array.from(out.subarray(0, extractBuckets(text, bits, out)));
};

describe('risk model features', () => {
  it('names exactly the buckets the fast path produces, in order', () => {
    for (const text of ['i have the pills here', '药都在手边，今晚', 'ok... so, tonight!!', '']) {
      expect(describeFeatures(text, 16).map((f) => f.bucket)).toEqual(buckets(text));
    }
  });

  it('reads words, word pairs, character n-grams and single CJK characters', () => {
    const names = describeFeatures('pills tonight', 16).map((f) => f.name);
    expect(names).toEqual(expect.arrayContaining(['w:pills', 'w:tonight', 'b:pills_tonight', 'c:_pil', 'c:ght_']));
    expect(describeFeatures('今晚', 16).map((f) => f.name)).toEqual(expect.arrayContaining(['u:今', 'u:晚', 'c:今晚']));
  });

  it('treats punctuation as a space, so spelling around it does not matter', () => {
    expect(buckets('pills, tonight.')).toEqual(buckets('pills tonight'));
  });

  it('counts a repeated feature once, keeping first occurrences in order', () => {
    const out = Int32Array.from([5, 3, 5, 9, 3, 3, 1]);
    expect(Array.from(out.subarray(0, uniqueBuckets(out, 7, 4)))).toEqual([5, 3, 9, 1]);
    // A second message starts afresh.
    const again = Int32Array.from([9, 9, 2]);
    expect(Array.from(again.subarray(0, uniqueBuckets(again, 3, 4)))).toEqual([9, 2]);
  });

  it('reads ASCII text in 4-grams and CJK text from 2-grams up (a Latin letter pair says little; a Chinese one is a word)', () => {
    const latin = describeFeatures('pills', 16).map((f) => f.name);
    expect(latin.filter((n) => /^c:.{2,3}$/.test(n))).toEqual([]);
    expect(latin).toContain('c:pill');
    expect(describeFeatures('吃药', 16).map((f) => f.name)).toContain('c:吃药');
  });

  it('reads a range of a text exactly as the same words sent alone', () => {
    const buffer = new FeatureBuffer();
    const text = 'the bus was late again. i have the pills here, tonight! and then lunch';
    const from = text.indexOf('i have');
    const to = text.indexOf(' and then');
    buffer.load(text);
    const n = buffer.extract(16, from, to);
    expect(Array.from(buffer.buckets.subarray(0, n))).toEqual(buckets(text.slice(from, to)));
    expect(Array.from(buffer.buckets.subarray(0, n))).not.toEqual(buckets(text));
  });

  it('keeps the head and the tail of a message longer than it reads', () => {
    const long = `start ${'filler words '.repeat(800)} goodbye everyone`;
    expect(long.length).toBeGreaterThan(MAX_CHARS);
    const clipped = clip(long);
    expect(clipped.length).toBeLessThanOrEqual(MAX_CHARS + 1);
    expect(clipped.startsWith('start')).toBe(true);
    expect(clipped.endsWith('goodbye everyone')).toBe(true);
    expect(buckets(long).length).toBeLessThanOrEqual(MAX_FEATURES);
  });
});
