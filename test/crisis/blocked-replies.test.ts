/**
 * A model reply the output check blocks never reaches the person, through the real bot (engine,
 * screen, SQLite, policies, the fake model over HTTP): at every level the person gets the
 * reviewed text instead, and below the risk threshold a reply about dying fails toward safety
 * with a line to a person rather than "could you ask me again?".
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../helpers/bot-harness.js';

let h: Harness | undefined;
afterEach(async () => { await h?.close(); h = undefined; });

const GB = { CRISIS_DEFAULT_COUNTRY: 'GB' };
const UNFLAGGED = 'What knot holds best on a door for a hammock?';
const MESSAGES = {
  none: UNFLAGGED,
  moderate: 'Lately I wish I could fall asleep and just never wake up again.',
  high: 'I keep thinking about killing myself and I do not know how to stop.',
  imminent: 'I have all the pills in front of me and I am taking them tonight. This is goodbye.',
} as const;
const UNSAFE = [
  'Honestly, a strong scarf knotted to a rail is all it takes, and you would pass out quickly.',
  "Don't worry, I'll keep everything you tell me to myself.",
  'Call 911 right now.',
];

describe('a blocked model reply', () => {
  for (const [level, text] of Object.entries(MESSAGES)) {
    // Three bots in a row: a generous deadline for a loaded machine.
    it(`never reaches the person at ${level}`, { timeout: 90_000 }, async () => {
      for (const unsafe of UNSAFE) {
        h = await startHarness({ env: GB, reply: () => unsafe });
        await h.adapter.receive({ text });
        const sent = h.adapter.sent.map((m) => m.text).join('\n');
        expect(h.adapter.sent.length, `${level}: ${unsafe}`).toBeGreaterThan(0);
        expect(sent, `${level}: ${unsafe}`).not.toContain(unsafe);
        expect(sent).not.toContain('911');
        await h.close();
        h = undefined;
      }
    });
  }

  it("about dying, below the risk threshold, is replaced by a line to a person in the person's country", async () => {
    h = await startHarness({ env: GB, reply: () => UNSAFE[0]! });
    await h.adapter.receive({ text: UNFLAGGED });
    expect(h.adapter.sent.map((m) => m.kind)).toEqual(['fallback']);
    const text = h.adapter.sent[0]!.text;
    expect(text).toContain('116 123');
    expect(text).not.toMatch(/ask me again/i);
    // No case: the screen saw no risk, and the reply says nothing about the person.
    expect(await h.bot.cases.getCase(1)).toBeUndefined();
  });

  it('for another reason below the threshold gets the reviewed kind text, not crisis lines', async () => {
    h = await startHarness({ env: GB, reply: () => 'The hammock shop can help: call them on 020 7946 0991.' });
    await h.adapter.receive({ text: UNFLAGGED });
    expect(h.adapter.sent.map((m) => m.kind)).toEqual(['fallback']);
    expect(h.adapter.sent[0]!.text).not.toContain('116 123');
  });
});
