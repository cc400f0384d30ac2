/**
 * The country answer reads names in the conversation's language (crisis lane, items a and b),
 * through the real bot: engine, SQLite store, policies, the risk screen's language detection.
 *
 * - "Island" is Iceland in German and an ordinary word in English: the conversation's language
 *   decides, and with English or no known language it names nothing.
 * - Vietnamese names are read with their tone marks, as whole syllables, a one-syllable name only
 *   as the whole answer or after a word saying where: "phương pháp" (method) is not France,
 *   and "mỹ" (United States) folded to "my" no longer turns "in my room" into the United States.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../helpers/bot-harness.js';
import { assessor } from '../risk/helpers.js';

let h: Harness | undefined;
afterEach(async () => { await h?.close(); h = undefined; });

const SUPPORTIVE = 'I am really glad you told me. You matter.';
const GERMAN = 'ich habe die Tabletten schon hier, heute Nacht nehme ich alle';
const ENGLISH = 'I keep thinking about killing myself and I do not know how to stop.';
const VIETNAMESE = 'tôi muốn tự tử, tôi không muốn sống nữa';
/** France's suicide prevention line (resources/FR.yaml). */
const FR_LINE = '3114';

const country = () => h!.bot.store.preference('fake:u1', 'country');
const linesAfter = (before: number) => h!.adapter.sent.slice(before).filter((m) => m.kind === 'resources');

describe('names in the conversation\'s language', () => {
  it('the screen reads the first messages as at risk, in their languages', () => {
    for (const [text, language] of [[GERMAN, 'de'], [ENGLISH, 'en'], [VIETNAMESE, 'vi']] as const) {
      const a = assessor.screen({ text, recent: [], now: new Date() });
      expect(a.level, text).not.toMatch(/none|low/);
      expect(a.language, text).toBe(language);
    }
  });

  for (const answer of ['Island', 'Ich bin in Island']) {
    it(`"${answer}" in a German conversation is Iceland: the international lines, in German, saying none are checked there`, async () => {
      h = await startHarness({ reply: () => SUPPORTIVE });
      await h.adapter.receive({ text: GERMAN });
      const before = h.adapter.sent.length;
      await h.adapter.receive({ text: answer });
      expect(await country()).toBe('IS');
      const [lines] = linesAfter(before);
      expect(lines?.text).toContain('Für Island habe ich noch keine geprüften Stellen');
      expect(lines?.text).toContain('findahelpline.com');
    });
  }

  it('"I live on an island" in an English conversation names no country', async () => {
    h = await startHarness({ reply: () => SUPPORTIVE });
    await h.adapter.receive({ text: ENGLISH });
    const before = h.adapter.sent.length;
    await h.adapter.receive({ text: 'I live on an island' });
    await h.adapter.receive({ text: 'Island' });
    expect(await country()).toBeUndefined();
    expect(linesAfter(before)).toEqual([]);
  });

  it('"phương pháp" (method) is not France; "tôi ở Pháp" is', async () => {
    h = await startHarness({ reply: () => SUPPORTIVE });
    await h.adapter.receive({ text: VIETNAMESE });
    const before = h.adapter.sent.length;
    await h.adapter.receive({ text: 'có phương pháp nào khác không' });
    await h.adapter.receive({ text: 'đạo đức của tôi' });
    expect(await country()).toBeUndefined();
    expect(linesAfter(before)).toEqual([]);

    await h.adapter.receive({ text: 'tôi ở Pháp' });
    expect(await country()).toBe('FR');
    const [lines] = linesAfter(before);
    expect(lines?.text).toContain(FR_LINE);
    // In Vietnamese, like the conversation.
    expect(lines?.text).toContain('Đây là các đường dây dành cho');
  });

  it('"in my room" under United Kingdom lines is not the United States', async () => {
    h = await startHarness({ reply: () => SUPPORTIVE, env: { CRISIS_DEFAULT_COUNTRY: 'GB' } });
    await h.adapter.receive({ text: ENGLISH });
    const before = h.adapter.sent.length;
    await h.adapter.receive({ text: "I'm in my room" });
    expect(await country()).toBeUndefined();
    expect(linesAfter(before)).toEqual([]);
  });
});
