/**
 * How the model reads a long message: candidate windows cover it from first to last unit and
 * overlap, each sentence is also a window, and only the few windows the word-level scan ranks
 * highest are read in full, so the work stays bounded however long the message is.
 */
import { describe, expect, it } from 'vitest';
import { describeFeatures, FeatureBuffer } from '../../../src/risk/model/features.js';
import { RiskModel } from '../../../src/risk/model/risk-model.js';
import { FULL_READS, STRIDE, WINDOW, WindowScan } from '../../../src/risk/model/windows.js';

const BITS = 16;
/** Both heads' weights zero except the words given (int8 100 each), packed as the model packs them. */
function table(words: string[]): Int16Array {
  const t = new Int16Array(1 << BITS);
  for (const word of words) for (const f of describeFeatures(word, BITS)) if (f.name === `w:${word}`) t[f.bucket] = 100 | (100 << 8);
  return t;
}

function scan(text: string, words: string[] = []): { scan: WindowScan; windows: Array<[number, number]> } {
  const buffer = new FeatureBuffer();
  const s = new WindowScan();
  const count = s.scan(buffer.units, buffer.load(text), BITS, table(words));
  return { scan: s, windows: Array.from({ length: count }, (_, w) => [s.windows[2 * w]!, s.windows[2 * w + 1]!]) };
}

describe('reading a long message in windows', () => {
  it('covers it from first to last unit with overlapping windows no wider than WINDOW', () => {
    const text = Array.from({ length: 400 }, (_, i) => `word${i % 37}`).join(' ');
    const { windows } = scan(text);
    expect(windows.length).toBeGreaterThan(5);
    expect(windows[0]![0]).toBe(0);
    const sliding = windows.filter(([start], i) => i === 0 || start > windows[i - 1]![0]);
    expect(sliding.at(-1)![1]).toBe(text.length);
    for (const [i, [start, end]] of sliding.entries()) {
      expect(end - start).toBeLessThanOrEqual(WINDOW);
      // Each window overlaps the next, so a sentence near a boundary is read whole in one of them.
      if (i + 1 < sliding.length) expect(end - sliding[i + 1]![0]).toBeGreaterThanOrEqual(WINDOW - STRIDE - 40);
    }
  });

  it('also reads each sentence as a window of its own', () => {
    const sentences = Array.from({ length: 12 }, (_, i) => `this is sentence number ${i} of a long message`);
    const text = `${sentences.join('. ')}.`;
    const read = new Set(scan(text).windows.map(([start, end]) => text.slice(start, end).replace(/^[ .]+|[ .]+$/g, '')));
    for (const sentence of sentences) expect(read).toContain(sentence);
  });

  it('ranks highest the window that holds a weighted word, wherever it sits', () => {
    const filler = Array.from({ length: 300 }, (_, i) => `word${i % 41}`).join(' ');
    for (const at of [10, 900, 1800]) {
      const text = `${filler.slice(0, at)} rope ${filler.slice(at)}`;
      const { scan: s, windows } = scan(text, ['rope']);
      s.rank();
      let best = 0;
      for (let w = 1; w < windows.length; w++) if (s.rankRisk[w]! > s.rankRisk[best]!) best = w;
      const [start, end] = windows[best]!;
      expect(text.slice(start, end)).toContain(' rope ');
    }
  });

  it('ranks each window by the weights of the words and CJK characters that end inside it, over the square root of their count', () => {
    // Reference: every word (a run between spaces, as features.ts reads it) and every CJK
    // character, with the unit where it ends, weighed by a table that gives each its own weight.
    const words = ['rope', 'tonight', 'bridge', 'fine', 'lunch', 'train'];
    const weights = new Map(words.map((w, i) => [w, (i % 2 === 0 ? 1 : -1) * (20 + 7 * i)]));
    weights.set('死', 90);
    weights.set('桥', -40);
    const t = new Int16Array(1 << BITS);
    const bucketOf = (name: string, text: string) => describeFeatures(text, BITS).find((f) => f.name === name)!.bucket;
    for (const [w, v] of weights) {
      const b = /^[a-z]+$/.test(w) ? bucketOf(`w:${w}`, w) : bucketOf(`u:${w}`, w);
      t[b] = (v & 0xff) | (v << 8);
    }
    const pieces = ['the train was late.', 'rope tonight!', 'lunch was fine;', '我想死', 'bridge', '桥上 rope', 'fine fine fine.', 'x'];
    const text = Array.from({ length: 60 }, (_, i) => pieces[(i * 7) % pieces.length]).join(' ');
    const buffer = new FeatureBuffer();
    const s = new WindowScan();
    const count = s.scan(buffer.units, buffer.load(text), BITS, t);
    s.rank();
    const ends: Array<{ at: number; weight: number }> = [];
    // A word ends at the space after it; a CJK character is also a feature of its own, ending at itself.
    for (const m of text.matchAll(/[a-z\u4e00-\u9fff]+/g)) ends.push({ at: m.index + m[0].length, weight: weights.get(m[0]) ?? 0 });
    for (const m of text.matchAll(/[\u4e00-\u9fff]/g)) ends.push({ at: m.index, weight: weights.get(m[0]) ?? 0 });
    let checked = 0;
    for (let w = 0; w < count; w++) {
      const [start, end] = [s.windows[2 * w]!, s.windows[2 * w + 1]!];
      const inside = ends.filter((e) => e.at >= start && e.at <= end);
      const expected = inside.length ? inside.reduce((a, e) => a + e.weight, 0) / Math.sqrt(inside.length) : -Infinity;
      expect(s.rankRisk[w]).toBeCloseTo(expected, 9);
      expect(s.rankEscalate[w]).toBeCloseTo(expected, 9);
      checked++;
    }
    expect(checked).toBeGreaterThan(10);
  });

  it('reads at most FULL_READS windows in full, however long the message', () => {
    const weights = new Int8Array(1 << BITS);
    const model = new RiskModel(BITS, { risk: { bias: -3, scale: 0.01, weights }, escalate: { bias: -3, scale: 0.01, weights } });
    model.score('a short message');
    expect(model.windowsRead).toBe(1);
    for (const length of [500, 2000, 4000, 9000]) {
      const text = Array.from({ length: length / 10 }, (_, i) => `w${i % 97} x${i % 13}. `).join('').slice(0, length);
      model.score(text);
      expect(model.windowsRead).toBeGreaterThan(0);
      expect(model.windowsRead).toBeLessThanOrEqual(FULL_READS);
    }
  });

  it('gives each of two models in one process the score it gives alone, however their calls interleave', () => {
    const make = (word: string) => {
      const weights = new Int8Array(1 << BITS);
      for (const f of describeFeatures(word, BITS)) weights[f.bucket] = 100;
      return new RiskModel(BITS, { risk: { bias: -3, scale: 0.05, weights }, escalate: { bias: -3, scale: 0.05, weights } });
    };
    const texts = ['rope in the shed', 'a rope tonight', `${'long harmless chat about trains. '.repeat(20)}rope`];
    const a = make('rope');
    const alone = texts.map((t) => a.score(t).risk);
    const b = make('rope');
    for (const [i, t] of texts.entries()) {
      b.score(t);
      expect(a.score(t).risk).toBe(alone[i]);
      expect(b.score(t).risk).toBe(alone[i]);
    }
    expect(alone[0]).toBeGreaterThan(0.2);
  });
});
