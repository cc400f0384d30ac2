/**
 * The country answer (issue 12 item 2) through the real bot: after the bot asked which country
 * the person is in, a message naming a country, city or region sets it and sends that country's
 * lines at once; `country XX` does the same while a case is open.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../helpers/bot-harness.js';

let h: Harness | undefined;
afterEach(async () => { await h?.close(); h = undefined; });

const HIGH = 'I keep thinking about killing myself and I do not know how to stop.';
const SUPPORTIVE = 'I am really glad you told me. You matter.';
const MX_LINE = '800 911 2000';

describe('the answer to the country question', () => {
  for (const answer of ["I'm in Mexico", 'MX', 'Guadalajara', 'estoy en México']) {
    it(`"${answer}" sets the country and sends Mexico's lines at once, before the reply`, async () => {
      h = await startHarness({ reply: () => SUPPORTIVE });
      await h.adapter.receive({ text: HIGH });
      expect(h.adapter.sent[0]!.kind).toBe('resources');
      expect(h.adapter.sent[0]!.text).not.toContain(MX_LINE);
      const before = h.adapter.sent.length;

      await h.adapter.receive({ text: answer });

      const after = h.adapter.sent.slice(before);
      expect(after.map((m) => m.kind)).toEqual(['resources', 'reply']);
      expect(after[0]!.text).toContain(MX_LINE);
      expect(await h.bot.store.preference('fake:u1', 'country')).toBe('MX');
      expect((await h.bot.cases.getCase(1))?.country).toBe('MX');
    });
  }

  it('sends the new lines in the language the conversation was in, though the answer is too short to tell', async () => {
    h = await startHarness({ reply: () => SUPPORTIVE });
    await h.adapter.receive({ text: 'tengo todas las pastillas en la mano y esta noche me las tomo. adiós a todos' });
    const first = h.adapter.sent.find((m) => m.kind === 'resources')!;
    const before = h.adapter.sent.length;

    await h.adapter.receive({ text: 'estoy en México' });

    const lines = h.adapter.sent.slice(before).find((m) => m.kind === 'resources')!;
    expect(lines.text).toContain(MX_LINE);
    // Spanish, like the first message: the Spanish templates' words, none of the English ones.
    expect(first.text).toMatch(/seguridad/);
    expect(lines.text).toMatch(/seguridad/);
    expect(lines.text).not.toMatch(/Your safety|Please call/);
  });

  it('changes nothing for a message that names no country, or two', async () => {
    h = await startHarness({ reply: () => SUPPORTIVE });
    await h.adapter.receive({ text: HIGH });
    await h.adapter.receive({ text: 'I do not want to say' });
    await h.adapter.receive({ text: 'Germany or Mexico, I move around' });
    expect(h.adapter.sent.filter((m) => m.kind === 'resources')).toHaveLength(1);
    expect(await h.bot.store.preference('fake:u1', 'country')).toBeUndefined();
  });

  it('is not read before the bot asked', async () => {
    h = await startHarness({ reply: () => SUPPORTIVE });
    await h.adapter.receive({ text: 'I just got back from Mexico' });
    expect(await h.bot.store.preference('fake:u1', 'country')).toBeUndefined();
  });
});

describe('the country command while a case is open', () => {
  it('sends the new country\'s lines in the same reply', async () => {
    h = await startHarness({ reply: () => SUPPORTIVE });
    await h.adapter.receive({ text: HIGH });
    const reply = await h.adapter.command('country', ['MX']);
    expect(reply.ok).toBe(true);
    expect(reply.text).toContain('**MX**');
    expect(reply.text).toContain(MX_LINE);
  });

  it('only confirms the choice when no case is open', async () => {
    h = await startHarness({ reply: () => SUPPORTIVE });
    const reply = await h.adapter.command('country', ['MX']);
    expect(reply.ok).toBe(true);
    expect(reply.text).not.toContain(MX_LINE);
  });
});
