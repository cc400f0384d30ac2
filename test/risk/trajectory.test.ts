/**
 * Conversation trajectory (trajectory.yaml): signals add up across the same user's turns, a
 * conversation's level decays step by step instead of dropping to none, repeated risk raises
 * the level, and only the user's own turns inside the window count.
 */
import { describe, expect, it } from 'vitest';
import type { RiskLevel, Turn } from '../../src/messages.js';
import { decayedLevel } from '../../src/risk/trajectory.js';
import { assessor, NOW, screenConversation } from './helpers.js';

const HOUR = 3_600_000;
const hoursAgo = (h: number) => new Date(NOW.getTime() - h * HOUR);
const userTurn = (text: string, hours: number): Turn => ({ role: 'user', text, at: hoursAgo(hours) });

describe('signals across turns', () => {
  it('farewell, then giving things away, then a date is imminent although each turn alone is low at most', () => {
    const turns = ['thank you for everything, honestly', 'ive been giving away all my stuff this week', 'it all ends on friday'];
    for (const t of turns) expect(['none', 'low']).toContain(screenConversation([t]).level);
    const result = screenConversation(turns);
    expect(result.level).toBe('imminent');
    expect(result.reasons).toContain('trajectory.farewell-giveaway-timeframe');
    expect(result.pinned).toBe('imminent');
  });

  it('the same combination works across languages and in any order', () => {
    const result = screenConversation(['这个周六以后', '我把东西都送给朋友了', '谢谢大家一直以来的陪伴']);
    expect(result.level).toBe('imminent');
  });

  it('a goodbye from someone who spoke of killing themselves earlier is imminent', () => {
    expect(screenConversation(['i keep thinking about killing myself', 'goodbye everyone']).level).toBe('imminent');
  });

  it('"doing it tonight" is a plan only after talk of ending one\'s life', () => {
    expect(screenConversation(['im going to do it tonight']).level).toBe('none');
    expect(screenConversation(['i cant go on, i want to end it all', 'im going to do it tonight']).level).toBe('imminent');
  });

  it('ignores the bot\'s own replies, which mention suicide when they offer help', () => {
    const recent: Turn[] = [
      { role: 'assistant', text: 'If you are thinking about suicide or about killing yourself, please call a crisis line.', at: hoursAgo(0.1) },
    ];
    expect(assessor.screen({ text: 'thanks, goodbye everyone', recent, now: NOW }).level).toBe('low');
  });

  it('a combination completed days ago decays like any other level', () => {
    const recent = [
      userTurn('thank you for everything, honestly', 50),
      userTurn('ive been giving away all my stuff this week', 49.5),
      userTurn('it all ends on friday', 49),
    ];
    const result = assessor.screen({ text: 'what a nice day', recent, now: NOW });
    // Completed 49 h ago: imminent held 24 h, high 24 h, so it now reads moderate.
    expect(result.level).toBe('moderate');
    expect(result.reasons).toContain('trajectory.farewell-giveaway-timeframe');
  });

  it('forgets turns older than the window', () => {
    const recent = [userTurn('i keep thinking about killing myself', 24 * 30)];
    expect(assessor.screen({ text: 'goodbye everyone', recent, now: NOW }).level).toBe('low');
  });
});

describe('decay of a conversation\'s level', () => {
  const after = (prior: RiskLevel, hours: number, text = 'ok thanks, what time is it') =>
    assessor.screen({ text, recent: [], prior: { level: prior, at: hoursAgo(hours) }, now: NOW });

  it('a high conversation does not drop to none on the next harmless message', () => {
    const result = after('high', 0.05);
    expect(result.level).toBe('high');
    expect(result.reasons).toEqual(['trajectory:carried:high']);
    expect(result.pinned).toBe('high');
  });

  it('steps down one level per hold period as trajectory.yaml says', () => {
    const { decay } = assessor.policy.trajectory;
    expect(after('high', decay.high - 0.1).level).toBe('high');
    expect(after('high', decay.high + 1).level).toBe('moderate');
    expect(after('high', decay.high + decay.moderate + 1).level).toBe('low');
    expect(after('high', decay.high + decay.moderate + decay.low + 1).level).toBe('none');
  });

  it('imminent holds longest and then walks down through every level', () => {
    const d = { imminent: 24, high: 24, moderate: 24, low: 12 };
    expect(decayedLevel('imminent', 23, d)).toBe('imminent');
    expect(decayedLevel('imminent', 25, d)).toBe('high');
    expect(decayedLevel('imminent', 49, d)).toBe('moderate');
    expect(decayedLevel('imminent', 73, d)).toBe('low');
    expect(decayedLevel('imminent', 85, d)).toBe('none');
    expect(decayedLevel('none', 0, d)).toBe('none');
  });

  it('earlier risky turns decay the same way when no standing level is given', () => {
    const recent = [userTurn('i just took the whole bottle of my pills', 1)];
    expect(assessor.screen({ text: 'hello?', recent, now: NOW }).level).toBe('imminent');
  });

  it('a new message above the carried level wins', () => {
    expect(after('moderate', 1, 'i am going to kill myself tonight').level).toBe('imminent');
  });
});

describe('repeated risk', () => {
  it('raises a second moderate message within a day to high', () => {
    const recent = [userTurn('i wish i could disappear forever', 3)];
    const result = assessor.screen({ text: 'honestly i just want to die', recent, now: NOW });
    expect(result.level).toBe('high');
    expect(result.reasons).toContain('trajectory:repeat');
  });

  it('does not raise when the earlier signal is older than the repeat window', () => {
    const recent = [userTurn('i wish i could disappear forever', 30)];
    const result = assessor.screen({ text: 'honestly i just want to die', recent, now: NOW });
    expect(result.reasons).not.toContain('trajectory:repeat');
  });

  it('never raises to imminent on repetition alone', () => {
    const recent = [userTurn('i keep thinking about killing myself', 2)];
    expect(assessor.screen({ text: 'i keep thinking about killing myself', recent, now: NOW }).level).toBe('high');
  });
});
