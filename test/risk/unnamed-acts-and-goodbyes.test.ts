/**
 * Session 3 rules by meaning, each with the harmless reading beside it:
 * - an act whose object is unnamed ("I already took some") as a first message gets resources,
 *   while the same words after a harmless turn, or with a harmless object ("took some notes"),
 *   do not;
 * - someone else with means and a plan to take them all tonight is danger to them (German word
 *   order puts the time between "sie" and "alle nehmen");
 * - a goodbye with a planned return ("see you monday") is not a farewell; a final one still is;
 * - a person named right after the means owns it ("el arma de mi padre"): the writer still acts;
 * - one language's stem does not read another language's past ("me autolesionaba" is Spanish).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { riskRank, type RiskLevel } from '../../src/messages.js';
import { startHarness, type Harness } from '../helpers/bot-harness.js';
import { screen, screenConversation } from './helpers.js';

const atLeast = (text: string, level: RiskLevel) => expect(riskRank(screen(text).level), `${text} → ${screen(text).level}`).toBeGreaterThanOrEqual(riskRank(level));
const below = (text: string, level: RiskLevel) => expect(riskRank(screen(text).level), `${text} → ${screen(text).level}`).toBeLessThan(riskRank(level));

let h: Harness | undefined;
afterEach(async () => { await h?.close(); h = undefined; });

describe('an act with no object named, as a first message', () => {
  it.each([
    ['en', 'I already took some'],
    ['en', 'took a few of them already, feeling weird'],
    ['es', 'ya me tomé unas cuantas'],
    ['de', 'hab vorhin schon ein paar geschluckt'],
    ['pl', 'połknęłam już kilka'],
    ['ja', 'さっきいくつか飲んだ'],
    ['fr', "j'en ai déjà pris quelques-uns"],
  ])('reads at least moderate (%s: "%s")', (_lang, text) => {
    atLeast(text, 'moderate');
    expect(screen(text).reasons.some((r) => r === 'trajectory.took-some-alone' || r.startsWith('model.'))).toBe(true);
  });

  it('stays as the rules read it once an earlier turn names a harmless object', () => {
    expect(screenConversation(['the photos from the trip are great', 'I already took some']).level).toBe('none');
  });

  it.each([
    'took some notes in the lecture already',
    'already took a few pictures of the lake',
    'ich habe mir schon ein paar Tage frei genommen',
    'wziąłem kilka dni wolnego',
  ])('does not read a harmless object as an attempt: "%s"', (text) => {
    // The rules' reading; the learned model is scored on its own (test/risk/model).
    const reasons = screen(text).reasons;
    expect(reasons.filter((r) => r.includes('took-some'))).toEqual([]);
  });

  it('gets crisis resources through the bot', async () => {
    h = await startHarness({ env: { CRISIS_DEFAULT_COUNTRY: 'US' }, reply: () => 'ok' });
    await h.adapter.receive({ text: 'I already took some' });
    await h.bot.drainAlerts();
    expect(h.adapter.sent.map((m) => m.kind)).toContain('resources');
  });
});

describe('someone else with means and a plan', () => {
  it.each([
    'meine Schwester hat ihre Tabletten gesammelt und will sie heute Nacht alle nehmen',
    'er hat die Pillen schon und will sie morgen alle schlucken',
  ])('reads as danger to them, at least high: "%s"', (text) => {
    const result = screen(text);
    expect(riskRank(result.level)).toBeGreaterThanOrEqual(riskRank('high'));
    expect(result.about).toBe('other');
  });

  it('still reads a prescribed evening dose as nothing', () => {
    below('meine Oma muss heute Abend alle ihre Tabletten nehmen, der Arzt hat es so verordnet', 'moderate');
  });
});

describe('goodbyes', () => {
  it.each([
    'adiós a todos, nos vemos el lunes',
    'bye everyone, see you monday',
    'tschüss zusammen, bis morgen',
    'herkese iyi geceler, yarın görüşürüz',
  ])('a goodbye with a planned return is not a farewell: "%s"', (text) => below(text, 'moderate'));

  it.each([
    'adiós a todos para siempre',
    'this is goodbye, sorry for everything',
  ])('a final goodbye still is: "%s"', (text) => atLeast(text, 'high'));
});

describe('who acts when a person owns the means', () => {
  it('reads "the gun of my father" as the writer holding it', () => {
    const result = screen('ya tengo el arma de mi padre preparada, lo hago esta noche');
    expect(result.level).toBe('imminent');
    expect(result.about ?? 'self').toBe('self');
  });
});

describe('one language pack does not read another language', () => {
  it('leaves a Spanish past of self-harm to the Spanish pack', () => below('hace años me autolesionaba, pero ya no', 'moderate'));
  it('still reads Italian self-harm done', () => atLeast('ieri sera mi sono autolesionata di nuovo', 'high'));
});
