/**
 * Once the person's country is known, the reviewed safe reply at imminent gives that country's
 * emergency number from the directory (policies/resources/MX.yaml: 911), not "your local emergency
 * number" (issue 12). Through the real engine, with the model answering something the output
 * check blocks.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { ScriptedReply } from '../fakes/fake-model.js';
import { startHarness, type Harness } from '../helpers/bot-harness.js';

let h: Harness | undefined;
afterEach(async () => { await h?.close(); h = undefined; });

const IMMINENT = "I have all the pills in my hand and I'm taking them tonight. Goodbye everyone.";
const UNKNOWN_EMERGENCY = 'Please call your local emergency number or one of the lines I sent you';
const MEXICO_EMERGENCY = 'Please call **911** or one of the lines I sent you';

const models: Record<string, () => string | ScriptedReply> = {
  // Blocked by the output check (a number Mexico's directory does not list): the reviewed reply instead.
  'answering with a number not listed for Mexico': () => 'Please call 999 right now.',
};

describe('the safe reply at imminent, after the person named their country', () => {
  for (const [how, reply] of Object.entries(models)) {
    it(`gives Mexico's emergency number, with the model ${how}`, async () => {
      h = await startHarness({ reply });
      await h.adapter.receive({ text: IMMINENT });
      const first = h.adapter.sent.filter((m) => m.kind === 'fallback');
      expect(first).toHaveLength(1);
      // No country known yet: the words, and no number.
      expect(first[0]!.text).toContain(UNKNOWN_EMERGENCY);
      const before = h.adapter.sent.length;

      await h.adapter.receive({ text: "I'm in Mexico" });

      const after = h.adapter.sent.slice(before);
      expect(after.map((m) => m.kind)).toEqual(['resources', 'fallback']);
      expect(after[0]!.text).toContain('800 911 2000');
      expect(after[1]!.text).toContain(MEXICO_EMERGENCY);
      expect(after[1]!.text).not.toContain('local emergency number');
    });
  }
});
