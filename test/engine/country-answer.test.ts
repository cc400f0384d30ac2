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
// Each send during an outage takes the queue's quick retries (about 5 s) before it is left queued.
const OUTAGE_TIMEOUT = { timeout: 60_000 };

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

describe('the answer to the invitation under lines from a default country', () => {
  // Resources drawn from CRISIS_DEFAULT_COUNTRY end "Somewhere else? Tell me the country": the
  // bot never asked, but it invited an answer, and a short one is taken at its word.
  it('"I\'m in Mexico actually" under United Kingdom lines sends Mexico\'s lines at once', async () => {
    h = await startHarness({ reply: () => SUPPORTIVE, env: { CRISIS_DEFAULT_COUNTRY: 'GB' } });
    await h.adapter.receive({ text: HIGH });
    expect(h.adapter.sent[0]!.text).toContain('116 123');
    expect(h.adapter.sent[0]!.text).toMatch(/Tell me the country/);
    const before = h.adapter.sent.length;

    await h.adapter.receive({ text: "I'm in Mexico actually" });

    const after = h.adapter.sent.slice(before);
    expect(after.map((m) => m.kind)).toEqual(['resources', 'reply']);
    expect(after[0]!.text).toContain(MX_LINE);
    expect(await h.bot.store.preference('fake:u1', 'country')).toBe('MX');
    expect((await h.bot.cases.getCase(1))?.country).toBe('MX');
  });

  it('"Iceland" under United Kingdom lines sends the international lines and says none are checked there', async () => {
    h = await startHarness({ reply: () => SUPPORTIVE, env: { CRISIS_DEFAULT_COUNTRY: 'GB' } });
    await h.adapter.receive({ text: HIGH });
    const before = h.adapter.sent.length;
    await h.adapter.receive({ text: 'Iceland' });
    const lines = h.adapter.sent.slice(before).find((m) => m.kind === 'resources');
    expect(lines?.text).toContain("I don't have checked lines for Iceland yet");
    expect(await h.bot.store.preference('fake:u1', 'country')).toBe('IS');
  });

  it('reads no country from a longer message, from the default country itself, or with no case open', async () => {
    h = await startHarness({ reply: () => SUPPORTIVE, env: { CRISIS_DEFAULT_COUNTRY: 'GB' } });
    await h.adapter.receive({ text: 'I just got back from Mexico' });
    expect(await h.bot.store.preference('fake:u1', 'country')).toBeUndefined();
    await h.adapter.receive({ text: HIGH });
    await h.adapter.receive({ text: 'my sister moved to Spain last year and I miss her a lot' });
    await h.adapter.receive({ text: 'yes, the UK' });
    expect(h.adapter.sent.filter((m) => m.kind === 'resources')).toHaveLength(1);
    expect(await h.bot.store.preference('fake:u1', 'country')).toBeUndefined();
  });
});

describe('the answer naming a country without checked lines', () => {
  const cases = [
    { first: HIGH, answer: "I'm in Iceland", name: 'Iceland', plain: "I don't have checked lines for Iceland yet", emergency: 'your local emergency number' },
    { first: 'tengo todas las pastillas en la mano y esta noche me las tomo. adiós a todos', answer: 'Estoy en Islandia', name: 'Islandia', plain: 'Todavía no tengo líneas verificadas para Islandia', emergency: 'número de emergencias de tu zona' },
    { first: 'もう死にたい。自殺を考えている。', answer: 'アイスランド', name: 'アイスランド', plain: 'アイスランドの確認済みの窓口はまだない', emergency: '地域の緊急通報番号' },
  ];
  for (const c of cases) {
    it(`"${c.answer}" sets IS and sends the international lines at once, saying plainly, in the person's language, that there are none checked there`, async () => {
      h = await startHarness({ reply: () => SUPPORTIVE });
      await h.adapter.receive({ text: c.first });
      expect(h.adapter.sent[0]!.kind).toBe('resources');
      const before = h.adapter.sent.length;

      await h.adapter.receive({ text: c.answer });

      const after = h.adapter.sent.slice(before);
      expect(after.map((m) => m.kind)).toEqual(['resources', 'reply']);
      const lines = after[0]!.text;
      expect(lines).toContain(c.plain);
      expect(lines).toContain(c.name);
      expect(lines).toContain('findahelpline.com');
      // Iceland has no emergency number in CRISIS.md: the text says "your local emergency number" and invents none.
      expect(lines).toContain(c.emergency);
      expect(lines).not.toMatch(/\b(112|911|999)\b/);
      expect(await h.bot.store.preference('fake:u1', 'country')).toBe('IS');
      expect((await h.bot.cases.getCase(1))?.country).toBe('IS');
    });
  }

  it('asks for the country once, and reads no later place name once it is set', async () => {
    h = await startHarness({ reply: () => SUPPORTIVE });
    await h.adapter.receive({ text: HIGH });
    await h.adapter.receive({ text: "I'm in Iceland" });
    const asked = h.adapter.sent.filter((m) => m.kind === 'resources' && /Which country are you in/.test(m.text));
    expect(asked).toHaveLength(1);
    await h.adapter.receive({ text: 'Germany, actually' });
    // The country is set now, so a later place name is not read as an answer.
    expect(await h.bot.store.preference('fake:u1', 'country')).toBe('IS');
  });
});

describe('the country command while a case is open', () => {
  it("sends the new country's lines as their own message, recorded on the case once the platform confirmed them", async () => {
    h = await startHarness({ reply: () => SUPPORTIVE });
    await h.adapter.receive({ text: HIGH });
    const before = h.adapter.sent.length;

    const reply = await h.adapter.command('country', ['MX']);

    expect(reply.ok).toBe(true);
    expect(reply.text).toContain('**MX**');
    expect(reply.text).toContain('separate message');
    const lines = h.adapter.sent.slice(before);
    expect(lines.map((m) => [m.kind, m.conversation.channelId])).toEqual([['resources', 'dm-u1']]);
    expect(lines[0]!.text).toContain(MX_LINE);
    const c = await h.bot.cases.getCase(1);
    expect(c?.country).toBe('MX');
    expect(c?.resourcesSent).toContain('mx-vida-voice');
    expect((await h.bot.cases.exportUser('fake:u1'))[0]!.resourceDeliveries.at(-1)).toMatchObject({ country: 'MX' });
    expect((await h.bot.cases.exportUser('fake:u1'))[0]!.resourceDeliveries.at(-1)!.deliveredAt).toBeDefined();
  });

  it('records nothing as sent while the platform fails, shows the lines in the reply, and the queue delivers them later', OUTAGE_TIMEOUT, async () => {
    h = await startHarness({ reply: () => SUPPORTIVE });
    await h.adapter.receive({ text: HIGH });
    const firstSent = (await h.bot.cases.getCase(1))!.resourcesSent;
    h.adapter.outage = true;
    h.adapter.outageRetryAfterMs = 10; // what follows the quick tries is tested here, not their 5 s of backoff

    const reply = await h.adapter.command('country', ['MX']);

    // Fail toward safety: the person still reads the lines in the command's private reply.
    expect(reply.text).toContain(MX_LINE);
    expect(reply.text).toContain("couldn't confirm");
    expect(h.adapter.failedSends.filter((m) => m.text.includes(MX_LINE)).length).toBeGreaterThan(0);
    const c = await h.bot.cases.getCase(1);
    expect(c?.resourcesSent).toEqual(firstSent);
    expect(c?.resourcesSent).not.toContain('mx-vida-voice');
    const row = (await h.bot.cases.exportUser('fake:u1'))[0]!.resourceDeliveries.at(-1)!;
    expect(row).toMatchObject({ country: 'MX', deliveredAt: undefined, supersededAt: undefined });

    h.adapter.outage = false;
    h.clock.advance(60_000);
    expect(await h.bot.drainResources()).toBe(1);
    expect(h.adapter.sent.at(-1)!.text).toContain(MX_LINE);
    expect((await h.bot.cases.getCase(1))?.resourcesSent).toContain('mx-vida-voice');
  });

  it('answers in the language of the conversation, though a command carries no sentence to read it from', { timeout: 60_000 }, async () => {
    h = await startHarness({ reply: () => SUPPORTIVE });
    await h.adapter.receive({ text: 'tengo todas las pastillas en la mano y esta noche me las tomo. adiós a todos' });

    const reply = await h.adapter.command('country', ['AR']);

    expect(reply.text).toContain('Tu país ahora es **AR**.');
    expect(reply.text).toContain('otro mensaje');
    expect(reply.text).not.toMatch(/Your country|separate message/);
    // The lines themselves went out in Spanish too.
    expect(h.adapter.sent.at(-1)!.text).toMatch(/seguridad/);
    // And `country` alone says where the lines come from and how to change it, in Spanish.
    const shown = await h.adapter.command('country', []);
    expect(shown.text).toContain('Los recursos de crisis usan **AR**.');
    expect(shown.text).toContain('`country clear`');
  });

  it('takes a country without a directory file and sends the international lines, saying plainly that none are checked there', async () => {
    h = await startHarness({ reply: () => SUPPORTIVE });
    await h.adapter.receive({ text: HIGH });
    const before = h.adapter.sent.length;

    const reply = await h.adapter.command('country', ['IS']);

    expect(reply.ok).toBe(true);
    expect(await h.bot.store.preference('fake:u1', 'country')).toBe('IS');
    const lines = h.adapter.sent.slice(before).find((m) => m.kind === 'resources')!;
    expect(lines.text).toContain("I don't have checked lines for Iceland yet");
    expect(lines.text).toContain('findahelpline.com');
    // A code that names no country is still refused.
    expect((await h.adapter.command('country', ['XX'])).ok).toBe(false);
  });

  it('only confirms the choice when no case is open', async () => {
    h = await startHarness({ reply: () => SUPPORTIVE });
    const reply = await h.adapter.command('country', ['MX']);
    expect(reply.ok).toBe(true);
    expect(reply.text).not.toContain(MX_LINE);
    expect(h.adapter.sent).toEqual([]);
  });
});

describe('a country answer while the platform fails', () => {
  it('is not recorded as sent, and the lines reach the person with their next message', OUTAGE_TIMEOUT, async () => {
    h = await startHarness({ reply: () => SUPPORTIVE });
    await h.adapter.receive({ text: HIGH });
    h.adapter.outage = true;
    h.adapter.outageRetryAfterMs = 10; // what follows the quick tries is tested here, not their 5 s of backoff

    await h.adapter.receive({ text: 'estoy en México' });

    expect(h.adapter.failedSends.some((m) => m.kind === 'resources' && m.text.includes(MX_LINE))).toBe(true);
    expect((await h.bot.cases.getCase(1))?.resourcesSent).not.toContain('mx-vida-voice');
    h.adapter.outage = false;
    const before = h.adapter.sent.length;

    await h.adapter.receive({ text: 'hola?' });

    const after = h.adapter.sent.slice(before);
    expect(after[0]!.kind).toBe('resources');
    expect(after[0]!.text).toContain(MX_LINE);
    expect((await h.bot.cases.getCase(1))?.resourcesSent).toContain('mx-vida-voice');
  });
});

describe('a country answer in a group when the DM refuses the message', () => {
  it("puts the new country's single line in place, saying nothing about the person", { timeout: 60_000 }, async () => {
    h = await startHarness({ reply: () => SUPPORTIVE, adapter: { refusedDms: ['u1'] } });
    await h.adapter.receive({ text: HIGH, isDirect: false, mentionsBot: true });
    const before = h.adapter.sent.length;

    await h.adapter.receive({ text: "I'm in Mexico", isDirect: false, mentionsBot: true });

    const inPlace = h.adapter.sent.slice(before).filter((m) => m.kind === 'resources');
    expect(inPlace.map((m) => m.conversation.channelId)).toEqual(['general']);
    expect(inPlace[0]!.text).toContain(MX_LINE);
    expect(inPlace[0]!.text).not.toMatch(/killing|suicid|thinking about|you told me/i);
    expect(h.adapter.refused.some((m) => m.text.includes(MX_LINE))).toBe(true);
    expect((await h.bot.cases.getCase(1))?.country).toBe('MX');
  });
});

