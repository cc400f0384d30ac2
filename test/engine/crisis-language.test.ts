import { afterEach, describe, expect, it } from 'vitest';
import { recordingLogger } from '../crisis/helpers.js';
import { startHarness, type Harness } from '../helpers/bot-harness.js';

let h: Harness | undefined;
afterEach(async () => { await h?.close(); h = undefined; });

const SPANISH_HIGH = 'Ya no puedo más, estoy pensando en suicidarme.';
const SUPPORTIVE_ES = 'Gracias por contármelo. Me importa lo que te pasa y sigo aquí contigo.';

describe('the person\'s language', () => {
  it('answers a Spanish speaker in Mexico in Spanish, with Mexico\'s lines', async () => {
    h = await startHarness({ env: { CRISIS_DEFAULT_COUNTRY: 'MX' }, reply: () => SUPPORTIVE_ES });
    await h.adapter.receive({ text: SPANISH_HIGH });
    const resources = h.adapter.sent.find((m) => m.kind === 'resources')!;
    expect(resources.text).toContain('Soy un bot');
    expect(resources.text).toContain('**800 911 2000**');
    expect(resources.text).toContain('llama al **911**');
    expect(resources.text).toContain('Estas líneas son de México');
    expect(resources.text).not.toMatch(/I'm a bot|Please call/);
    // Mexico's line is a phone line only: no "text or chat" promised.
    expect(resources.text).toContain('Puedes llamar:');
    expect(resources.text).not.toMatch(/mensaje o chatear|enviar un mensaje,/);
  });

  it('writes in the language the person chose with /language, whatever the message\'s language', async () => {
    h = await startHarness({ env: { CRISIS_DEFAULT_COUNTRY: 'MX' }, reply: () => SUPPORTIVE_ES });
    const set = await h.adapter.command('language', ['fr']);
    expect(set.text).toContain('français');
    await h.adapter.receive({ text: SPANISH_HIGH });
    const resources = h.adapter.sent.find((m) => m.kind === 'resources')!;
    expect(resources.text).toContain('Je suis un bot');
    expect(resources.text).toContain('**800 911 2000**');
    expect((await h.adapter.command('help')).text).toContain('Je suis oyster-bot');
    expect((await h.adapter.command('language', ['clear'])).text).toContain('langue de tes messages');
    expect((await h.adapter.command('help')).text).toContain("I'm oyster-bot");
  });

  it('refuses a language it cannot write in and lists those it can', async () => {
    h = await startHarness({ reply: () => 'ok' });
    const reply = await h.adapter.command('language', ['tlh']);
    expect(reply.ok).toBe(false);
    expect(reply.text).toMatch(/\bes\b.*\bzh-Hant\b/);
  });

  it('gives Hong Kong Traditional Chinese even for a message in Simplified characters', async () => {
    h = await startHarness({ env: { CRISIS_DEFAULT_COUNTRY: 'HK' }, reply: () => '我在這裡陪著你。' });
    await h.adapter.receive({ text: '我一直在想自杀，不知道怎么办。' });
    const resources = h.adapter.sent.find((m) => m.kind === 'resources')!;
    expect(resources.text).toContain('我是一個機器人');
    expect(resources.text).toContain('**18111**');
  });

  it('answers a Japanese speaker in Japan in Japanese, with Japan\'s lines', async () => {
    h = await startHarness({ env: { CRISIS_DEFAULT_COUNTRY: 'JP' }, reply: () => 'ここにいます。' });
    await h.adapter.receive({ text: 'もう死にたい。自殺を考えている。' });
    const resources = h.adapter.sent.find((m) => m.kind === 'resources')!;
    expect(resources.text).toContain('私はボット');
    expect(resources.text).toContain('**0120-279-338**');
  });

  it('promises no moderator when alerts only reach the log, and warns at start', async () => {
    const logger = recordingLogger();
    h = await startHarness({ env: { CRISIS_DEFAULT_COUNTRY: 'MX' }, reply: () => SUPPORTIVE_ES, logOnly: true, logger });
    expect(logger.entries.filter((e) => e.level === 'warn' && e.fields['code'] === 'NO_MODERATOR_SINK')).toHaveLength(1);
    await h.adapter.receive({ text: SPANISH_HIGH });
    const resources = h.adapter.sent.find((m) => m.kind === 'resources')!;
    expect(resources.text).toContain('Soy un bot');
    expect(resources.text).not.toMatch(/moderadora/);
  });

  it('promises a moderator when a moderator sink is configured, without the warning', async () => {
    const logger = recordingLogger();
    h = await startHarness({ env: { CRISIS_DEFAULT_COUNTRY: 'MX' }, reply: () => SUPPORTIVE_ES, logger });
    expect(logger.entries.some((e) => e.fields['code'] === 'NO_MODERATOR_SINK')).toBe(false);
    await h.adapter.receive({ text: SPANISH_HIGH });
    expect(h.adapter.sent.find((m) => m.kind === 'resources')!.text).toMatch(/moderadora/);
  });
});

describe('the fallback when the model answered but failed the check', () => {
  it('replaces a reply that gives another country\'s emergency number (911 to a person in Great Britain)', async () => {
    h = await startHarness({ env: { CRISIS_DEFAULT_COUNTRY: 'GB' }, reply: () => 'Please call 911 right now, they can help.' });
    await h.adapter.receive({ text: 'I keep thinking about killing myself and I do not know how to stop.' });
    expect(h.adapter.sent.map((m) => m.kind)).toEqual(['resources', 'fallback']);
    expect(h.adapter.sent.some((m) => m.text.includes('911'))).toBe(false);
  });

  it('replaces method detail even when the screen saw no risk', async () => {
    h = await startHarness({ reply: () => 'A rope tied to a door handle can be enough.' });
    await h.adapter.receive({ text: 'How do I tie a strong knot for my boat?' });
    expect(h.adapter.sent.map((m) => m.kind)).toEqual(['fallback']);
    expect(h.adapter.sent[0]!.text).not.toMatch(/rope|language model/);
  });

  it('sends the reviewed kind text at none, in the person\'s language, never "can\'t reach my model"', async () => {
    h = await startHarness({ reply: () => 'Hace sol. Para más información llama al 555 014 2987.' });
    await h.adapter.receive({ text: '¿Qué tiempo hace hoy en Madrid? Gracias por la ayuda.' });
    expect(h.adapter.sent.map((m) => m.kind)).toEqual(['fallback']);
    expect(h.adapter.sent[0]!.text).toMatch(/Perdona/);
    expect(h.adapter.sent[0]!.text).not.toMatch(/modelo de lenguaje|language model/);
  });

  it('still says the model cannot be reached when it really cannot', async () => {
    h = await startHarness({ reply: () => ({ status: 500 }) });
    await h.adapter.receive({ text: 'What is the weather like today?' });
    expect(h.adapter.sent[0]!.text).toMatch(/can't reach my language model/);
  });
});
