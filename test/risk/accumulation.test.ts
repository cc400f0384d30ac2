/**
 * Issue 11 item 3: weak signals over a user's recent turns add up (trajectory.yaml
 * `accumulate`). No single message here fires a rule at moderate or above; together they lift
 * the level. Turns older than the policy's hours stop counting, one turn alone never
 * accumulates, and a moderator's false_positive resolve starts the sum again (through the real
 * bot: engine, SQLite, the case command).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { riskRank, type RiskLevel, type Turn } from '../../src/messages.js';
import { startHarness, type Harness } from '../helpers/bot-harness.js';
import { assessor, NOW } from './helpers.js';

const HOUR = 3_600_000;
const HOPELESS = 'I feel so hopeless lately';
const PILLS_NAMED = "there's a bottle of sleeping pills in the bathroom cabinet";
const HEIGHT_ASKED = 'which floor is the highest in the car park?';

/** Screens each turn with the earlier ones `gapsHours` apart (the last turn is at NOW). */
function run(turns: string[], gapsHours: number[]): RiskLevel[] {
  const times = turns.map((_, i) => new Date(NOW.getTime() - gapsHours.slice(i).reduce((a, b) => a + b, 0) * HOUR));
  const recent: Turn[] = [];
  return turns.map((text, i) => {
    const level = assessor.screen({ text, recent: [...recent], now: times[i]! }).level;
    recent.push({ role: 'user', text, at: times[i]! });
    return level;
  });
}

const alone = (text: string) => assessor.screen({ text, recent: [], now: NOW });

describe('weak signals across turns', () => {
  it('are each below moderate alone', () => {
    for (const text of [HOPELESS, PILLS_NAMED, HEIGHT_ASKED]) expect(riskRank(alone(text).level), text).toBeLessThan(riskRank('moderate'));
  });

  it('lift the level turn by turn: hopelessness, then a means named, then a height asked about', () => {
    expect(run([HOPELESS, PILLS_NAMED, HEIGHT_ASKED], [0.1, 0.1, 0])).toEqual(['low', 'moderate', 'high']);
  });

  it('name the accumulated signals in the reasons', () => {
    const recent: Turn[] = [
      { role: 'user', text: HOPELESS, at: new Date(NOW.getTime() - 0.2 * HOUR) },
      { role: 'user', text: PILLS_NAMED, at: new Date(NOW.getTime() - 0.1 * HOUR) },
    ];
    const result = assessor.screen({ text: HEIGHT_ASKED, recent, now: NOW });
    expect(result.reasons).toEqual(expect.arrayContaining(['trajectory.accumulated:high', 'trajectory.signal:distress', 'trajectory.signal:means_named', 'trajectory.signal:place']));
  });

  it('work in other languages too (German and Spanish)', () => {
    expect(riskRank(run(['alles ist sinnlos geworden', 'im Schrank liegen noch Schlaftabletten', 'wie hoch ist eigentlich das Parkhaus?'], [0.1, 0.1, 0]).at(-1)!)).toBeGreaterThanOrEqual(riskRank('high'));
    expect(riskRank(run(['me siento sin esperanza', 'en el cajón hay pastillas para dormir', '¿qué altura tiene el puente del río?'], [0.1, 0.1, 0]).at(-1)!)).toBeGreaterThanOrEqual(riskRank('high'));
  });

  it('do not count from a single turn, however many it carries', () => {
    const many = `${HOPELESS}, ${PILLS_NAMED}`;
    expect(assessor.screen({ text: many, recent: [], now: NOW }).reasons.some((r) => r.startsWith('trajectory.accumulated'))).toBe(false);
  });

  it('stop counting once older than the policy window (24 h): the sum starts again', () => {
    // Hopelessness two days ago, then the means and the height now: only two weak signals count.
    const levels = run([HOPELESS, PILLS_NAMED, HEIGHT_ASKED], [48, 0.1, 0]);
    expect(riskRank(levels[2]!)).toBeLessThan(riskRank('high'));
  });

  it('leave harmless turns about other things unflagged', () => {
    expect(run(['long day at work', 'going to the pharmacy later for my prescription', 'what time does the car park close?'], [0.1, 0.1, 0]).every((l) => riskRank(l) < riskRank('moderate'))).toBe(true);
  });
});

describe('warning signs that mean more together (trajectory.yaml combinations)', () => {
  it('reads a height asked about after "I am a burden" as high (CRISIS.md §2: method-seeking after a loss)', () => {
    const levels = run(['ich bin für alle nur eine Last', 'wie hoch ist eigentlich das Parkhaus am Bahnhof?'], [0.2, 0]);
    expect(levels).toEqual(['moderate', 'high']);
  });

  it('reads things given away, then a wish to be gone with a date, as imminent', () => {
    const levels = run(['I gave away my cat and my guitar', "tomorrow morning I won't be around"], [0.2, 0]);
    expect(levels[1]).toBe('imminent');
  });

  it('does not combine a burden and a height asked about two days apart', () => {
    const levels = run(['ich bin für alle nur eine Last', 'wie hoch ist eigentlich das Parkhaus am Bahnhof?'], [48, 0]);
    expect(riskRank(levels[1]!)).toBeLessThan(riskRank('high'));
  });
});

describe('a false_positive resolve', () => {
  let h: Harness | undefined;
  afterEach(async () => { await h?.close(); h = undefined; });

  it('resets the accumulated level: the same weak signals afterwards start from zero', async () => {
    h = await startHarness({ env: { CRISIS_DEFAULT_COUNTRY: 'US', MODERATOR_IDS: 'fake:m1' }, reply: () => 'I hear you.' });
    await h.adapter.receive({ text: HOPELESS });
    h.clock.advance(60_000);
    await h.adapter.receive({ text: PILLS_NAMED });
    h.clock.advance(60_000);
    await h.adapter.receive({ text: HEIGHT_ASKED });
    await h.bot.drainAlerts();
    // The third turn completed the sum: one case, opened from accumulated weak signals.
    expect(h.sink.alerts.at(-1)!.reasons).toContain('trajectory.accumulated:high');
    const caseId = h.sink.alerts.at(-1)!.caseId;

    const resolved = await h.adapter.command('case', ['resolve', String(caseId), 'false_positive'], { id: 'm1', displayName: 'Mod', roleIds: [] });
    expect(resolved.ok).toBe(true);
    await h.bot.drainAlerts();
    const alertsBefore = h.sink.alerts.length;
    const sentBefore = h.adapter.sent.length;

    // After the reset only this turn counts: one weak signal, no case, a normal answer.
    h.clock.advance(60_000);
    await h.adapter.receive({ text: HEIGHT_ASKED });
    await h.bot.drainAlerts();
    expect(h.sink.alerts.slice(alertsBefore)).toEqual([]);
    expect(h.adapter.sent.slice(sentBefore).map((m) => m.kind)).toEqual(['reply']);
  });
});
