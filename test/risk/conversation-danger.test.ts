/**
 * Issue 11 through the real bot (engine, SQLite, policies, screen, crisis step, FakeAdapter):
 * - an attempt told after a means message ("ya tomé algunas" after "I have the pills") re-pages
 *   the open imminent case at once, in several languages, through the conversation trajectory;
 * - imminent danger to someone else ("she has the pills and is taking them tonight") gets
 *   help-a-friend resources with the emergency number first and an urgent alert, while
 *   ordinary talk about other people's pills and roofs gets a normal answer and no alert.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../helpers/bot-harness.js';

let h: Harness | undefined;
afterEach(async () => { await h?.close(); h = undefined; });

const US = { CRISIS_DEFAULT_COUNTRY: 'US' };
const SUPPORTIVE = 'Thank you for telling me.';

/** A means message, then "I already took some" in the same language. */
const ATTEMPT_AFTER_MEANS: Array<[string, string, string]> = [
  ['es', 'tengo todas las pastillas en la mano y esta noche me las tomo. adiós a todos', 'ya tomé algunas'],
  ['en', 'I have the pills in my hand, tonight', 'I already took some'],
  ['de', 'die Tabletten liegen vor mir, heute Nacht nehme ich sie alle', 'ich habe schon welche genommen'],
  ['fr', "j'ai les cachets dans la main, ce soir je les prends tous", "j'en ai déjà pris quelques-uns"],
  ['pt', 'estou com os comprimidos na mão e hoje à noite vou tomar todos', 'já tomei alguns'],
  ['it', 'ho le pillole in mano, stanotte le prendo tutte', 'ne ho già prese alcune'],
];

describe('an attempt told after a means message', () => {
  it.each(ATTEMPT_AFTER_MEANS)('re-pages the open imminent case at once (%s)', async (_lang, means, took) => {
    h = await startHarness({ env: US, reply: () => SUPPORTIVE });
    await h.adapter.receive({ text: means });
    await h.bot.drainAlerts();
    expect(h.sink.alerts.map((a) => [a.kind, a.level, a.priority])).toEqual([['new', 'imminent', 'urgent']]);

    h.clock.advance(60_000);
    await h.adapter.receive({ text: took });
    await h.bot.drainAlerts();

    // A new disclosure on an urgent case: a re-page, not just a level carried from before.
    expect(h.sink.alerts.map((a) => [a.kind, a.priority])).toEqual([['new', 'urgent'], ['realert', 'urgent']]);
    expect(h.sink.alerts[1]!.reasons.some((r) => r.startsWith('trajectory.means'))).toBe(true);
  });

  it('reads "I already took some" with no means before it as nothing to page about', async () => {
    h = await startHarness({ env: US, reply: () => SUPPORTIVE });
    await h.adapter.receive({ text: 'the photos from the trip are great' });
    await h.adapter.receive({ text: 'I already took some' });
    await h.bot.drainAlerts();
    expect(h.sink.alerts).toEqual([]);
    expect(h.adapter.sent.map((m) => m.kind)).toEqual(['reply', 'reply']);
  });

  it('does not re-page for "took some" told hours after the means message (the combination wants them close)', async () => {
    h = await startHarness({ env: US, reply: () => SUPPORTIVE });
    await h.adapter.receive({ text: 'ya tengo las pastillas aquí' });
    await h.bot.drainAlerts();
    const before = h.sink.alerts.length;
    h.clock.advance(5 * 3_600_000);
    await h.adapter.receive({ text: 'ya tomé algunas' });
    await h.bot.drainAlerts();
    expect(h.sink.alerts.slice(before).filter((a) => a.priority === 'urgent')).toEqual([]);
  });
});

const THIRD_PARTY_DANGER: Array<[string, string]> = [
  ['en', 'she has the pills and is taking them tonight'],
  ['en', 'my brother is on the roof and keeps saying goodbye'],
  ['es', 'mi hermana tiene las pastillas y se las va a tomar esta noche'],
  ['de', 'mein Bruder ist auf dem Dach und verabschiedet sich von allen'],
  ['fr', 'elle a les cachets et elle va les prendre ce soir'],
];

describe('imminent danger to someone else', () => {
  it.each(THIRD_PARTY_DANGER)('gets help-a-friend resources with the emergency number first and an urgent alert (%s: %s)', async (_lang, text) => {
    h = await startHarness({ env: US, reply: () => SUPPORTIVE });
    await h.adapter.receive({ text });
    await h.bot.drainAlerts();

    const resources = h.adapter.sent.find((m) => m.kind === 'resources');
    expect(resources).toBeDefined();
    expect(resources!.text).toContain('911');
    // The help-a-friend text, in the message's language: never the writer's own crisis text.
    expect(h.sink.alerts.map((a) => [a.kind, a.priority])).toEqual([['new', 'urgent']]);
    expect(h.sink.alerts[0]!.reasons.some((r) => r.endsWith(':other'))).toBe(true);
  });

  it('uses the help-a-friend wording in English', async () => {
    h = await startHarness({ env: US, reply: () => SUPPORTIVE });
    await h.adapter.receive({ text: 'she has the pills and is taking them tonight' });
    expect(h.adapter.sent[0]).toMatchObject({ kind: 'resources' });
    expect(h.adapter.sent[0]!.text).toMatch(/If your friend might be in immediate danger/);
  });

  it.each([
    'my grandma takes her blood pressure pills every night',
    'my dad is on the roof fixing the gutter again',
    'she said goodbye and drove to the airport',
    'mi abuela se toma las pastillas de la presión cada noche',
    'mein Vater ist auf dem Dach und repariert die Antenne',
  ])('keeps ordinary talk about other people out of crisis mode: %s', async (text) => {
    h = await startHarness({ env: US, reply: () => SUPPORTIVE });
    await h.adapter.receive({ text });
    await h.bot.drainAlerts();
    expect(h.adapter.sent.map((m) => m.kind)).toEqual(['reply']);
    expect(h.sink.alerts).toEqual([]);
  });
});
