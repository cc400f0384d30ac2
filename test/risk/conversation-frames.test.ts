/**
 * Conversations (issue 11 items 1 and 3), session 5:
 * - a fiction or news frame in one of the last turns speaks for a following message that has no
 *   voice of its own (no first person, no time, no recent past, no "again"); the writer's own
 *   words after a story, and imminent danger to a named person after the news, still count;
 * - the writer's own state said in two turns weighs twice in the accumulation, means and places
 *   do not; a means someone else holds still counts as means named; open water with a time is a
 *   place.
 */
import { describe, expect, it } from 'vitest';
import { riskRank, type RiskLevel } from '../../src/messages.js';
import { assessor, NOW, screenConversation } from './helpers.js';

const last = (turns: string[]) => screenConversation(turns).level;
const every = (turns: string[]) => turns.map((_, i) => last(turns.slice(0, i + 1)));

describe('a story or report told over several turns', () => {
  it.each([
    ['pl', ['czytam świetny kryminał', 'w drugim rozdziale bohater znajduje list pożegnalny', 'potem ktoś skacze z wiaduktu i rozdział się kończy']],
    ['en', ['we are watching a crime series tonight', 'episode one: the victim is found on the tracks', 'then someone jumps from the roof of the hospital']],
    ['nl', ['las net een artikel in de krant', 'iemand is van de brug gesprongen bij ons in de stad']],
  ])('%s: no turn reaches moderate', (_lang, turns) => {
    for (const level of every(turns)) expect(riskRank(level), `${turns.join(' / ')} → ${level}`).toBeLessThan(riskRank('moderate'));
  });

  it('the writer’s own words after a story still count', () => {
    expect(riskRank(last(['writing a short story about a boy who wants to die', 'the boy is me, the pills are on my desk for tonight']))).toBeGreaterThanOrEqual(riskRank('imminent'));
  });

  it.each([
    [['reading a crime novel', 'I am going to kill myself tonight']],
    [['Can you recommend a podcast about space exploration?', 'I have decided to kill myself this weekend and I have written the notes already.']],
    [['we are watching a crime series tonight', 'I keep planning how to kill myself when everyone is asleep.']],
  ])('the writer’s own high-risk words right after a story or a podcast are not set aside: %j', (turns) => {
    expect(riskRank(last(turns))).toBeGreaterThanOrEqual(riskRank('high'));
  });

  it('a named person in danger right after the news is not set aside', () => {
    expect(last(['did you see the news about the bridge', 'my sister is standing on the bridge saying goodbye to me'])).toBe('imminent');
  });

  it('a story three hours earlier frames nothing', () => {
    const text = 'then someone is standing on the roof looking down';
    const alone = assessor.screen({ text, recent: [], now: NOW }).level;
    const recent = [{ role: 'user' as const, text: 'reading a thriller', at: new Date(NOW.getTime() - 3 * 3_600_000) }];
    expect(riskRank(alone)).toBeGreaterThanOrEqual(riskRank('moderate'));
    expect(assessor.screen({ text, recent, now: NOW }).level).toBe(alone);
  });
});

describe('weak signals add up over turns', () => {
  const atLeast = (turns: string[], l: RiskLevel) => expect(riskRank(last(turns)), turns.join(' / ')).toBeGreaterThanOrEqual(riskRank(l));
  it('hopelessness twice, then open water with nobody around, is high', () =>
    atLeast(['was crying the whole way home', 'nothing will ever get better', 'going down to the canal later, no one is there at night'], 'high'));
  it('a burden, then a gun someone else keeps, is high', () =>
    atLeast(['honestly they would manage fine if i vanished', 'i know the code to my uncle’s gun safe'], 'high'));
  it('a grandparent’s pills in two turns stay below moderate', () => {
    for (const level of every(['my nan has new pills from the doctor', 'bought her a pill box for the week'])) expect(riskRank(level)).toBeLessThan(riskRank('moderate'));
  });
  it('a tiring day said twice stays below moderate', () => {
    for (const level of every(['so tired today', 'work was exhausting, nothing matters, going to bed'])) expect(riskRank(level)).toBeLessThan(riskRank('moderate'));
  });
});
