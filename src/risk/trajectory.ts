/**
 * Conversation trajectory (CRISIS.md §2): a message is read in the context of the same user's
 * recent turns. Signals add up across turns (a farewell, then giving things away, then a date
 * is imminent even when each message alone is low); a conversation's level decays step by step
 * as trajectory.yaml says instead of dropping to none on the next harmless message; and risk
 * signals that repeat within a day raise the level by one.
 */
import { maxLevel, RISK_LEVELS, riskRank, type RiskLevel } from '../messages.js';
import type { Signal, TrajectoryFile } from './policy-schema.js';
import type { MessageAnalysis } from './screen.js';

export interface PastTurn {
  analysis: MessageAnalysis;
  at: Date;
}

export interface ConversationResult {
  level: RiskLevel;
  reasons: string[];
  pinned: RiskLevel | undefined;
}

interface Resolved {
  level: RiskLevel;
  reasons: Array<{ id: string; level: RiskLevel }>;
  pinned: RiskLevel;
}

const HOUR = 3_600_000;

/** Signals that do not by themselves describe the user's own risk. */
export const NOT_OWN_RISK: ReadonlySet<Signal> = new Set<Signal>(['third_party', 'minor', 'context', 'timeframe', 'negated', 'harassment', 'means_named', 'place']);

/**
 * What a context-dependent rule (`needs`) may rely on in a conversation window: the signals of
 * every unconditional hit, and what the window's other context-dependent rules lend. A rule whose
 * needs are met lends its signals; one that stands on its own at `moderate` or more ("I want to
 * end it", "I'm on the roof") lends `distress`, so two ambiguous risk statements read together
 * ("which building is the highest? I want it all to end") support each other. A rule never
 * lends to itself, not even from another turn: repeating one statement is the repeat raise's
 * business (trajectory.yaml `repeat`).
 */
export class ConversationContext {
  private readonly base = new Set<Signal>();
  private readonly lent = new Map<Signal, string[]>();

  /** `turns[0]` is the current message, then the earlier turns in the window. */
  constructor(turns: MessageAnalysis[]) {
    for (const turn of turns) for (const s of turn.signals) this.base.add(s);
    for (const turn of turns) {
      for (const { rule } of turn.conditional) {
        const met = rule.needs!.some((s) => this.base.has(s));
        const gives: readonly Signal[] = met ? rule.signals : riskRank(rule.otherwise) >= riskRank('moderate') ? ['distress'] : [];
        for (const s of gives) this.lent.set(s, [...(this.lent.get(s) ?? []), rule.id]);
      }
    }
  }

  /** Whether `signal` is available to the rule with id `asker`, never counting that rule's own loans. */
  has(signal: Signal, asker?: string): boolean {
    if (this.base.has(signal)) return true;
    return (this.lent.get(signal) ?? []).some((lender) => lender !== asker);
  }
}

/** Level of a message once its context-dependent rules are settled against the conversation. */
export function resolveMessage(analysis: MessageAnalysis, context: ConversationContext): Resolved {
  let level = analysis.level;
  let pinned: RiskLevel = 'none';
  const reasons = analysis.hits.map((h) => ({ id: h.id, level: h.level }));
  for (const hit of analysis.hits) if (hit.pin) pinned = maxLevel(pinned, hit.level);
  for (const { rule } of analysis.conditional) {
    const met = rule.needs!.some((s) => context.has(s, rule.id));
    const ruleLevel = met ? rule.level : rule.otherwise;
    if (ruleLevel === 'none') continue;
    level = maxLevel(level, ruleLevel);
    reasons.push({ id: met ? rule.id : `${rule.id}:no-context`, level: ruleLevel });
    if (met && rule.pin) pinned = maxLevel(pinned, ruleLevel);
  }
  return { level, reasons, pinned };
}

/** The level a conversation still holds `ageHours` after it was set (holds per level, then one step down). */
export function decayedLevel(level: RiskLevel, ageHours: number, decay: TrajectoryFile['decay']): RiskLevel {
  let rank = riskRank(level);
  let remaining = Math.max(0, ageHours);
  while (rank > 0) {
    const current = RISK_LEVELS[rank] as Exclude<RiskLevel, 'none'>;
    if (remaining < decay[current]) return current;
    remaining -= decay[current];
    rank--;
  }
  return 'none';
}

function raise(level: RiskLevel, by: number, cap: RiskLevel): RiskLevel {
  if (riskRank(level) >= riskRank(cap)) return level;
  return RISK_LEVELS[Math.min(riskRank(level) + by, riskRank(cap))]!;
}

/** How recent a story or news turn must be, and how many turns back, to frame a message that follows it. */
const FRAME_CARRY_TURNS = 3;
const FRAME_CARRY_HOURS = 2;

/**
 * Whether an earlier turn's fiction or news frame speaks for this message too (issue 11 class 6,
 * across turns): one of the last few turns, within a couple of hours, told a story or a report,
 * and this message has no voice of its own (no first person, no time, no recent past, no
 * "again"): "reading a crime novel" then "then someone jumps off the bridge" is still the novel.
 * "honestly the girl in the story is me" has a first person and is the writer's own.
 */
export function framedByEarlierTurn(current: MessageAnalysis, inWindow: PastTurn[], now: Date): boolean {
  if (!current.voice || current.voice.own) return false;
  // Imminent danger to a named person ("my brother is on the bridge saying goodbye") is never a
  // continuation to set aside, even right after the news.
  if (current.hits.some((h) => h.level === 'imminent' && h.id.endsWith(':other'))) return false;
  // Nor is a message whose own rules read high or imminent risk for the writer: "I am going to
  // kill myself tonight" after "reading a crime novel" or "can you recommend a podcast" is the
  // writer's own, even when the voice check finds no first person in a language that reads risk
  // words (a phrase rule's words need no concept). When in doubt, fail toward the person.
  if (current.hits.some((h) => riskRank(h.level) >= riskRank('high') && !h.id.endsWith(':other'))) return false;
  return inWindow
    .slice(-FRAME_CARRY_TURNS)
    .some((t) => t.analysis.voice?.story === true && now.getTime() - t.at.getTime() <= FRAME_CARRY_HOURS * HOUR);
}

export function assessConversation(
  policy: TrajectoryFile,
  message: MessageAnalysis,
  past: PastTurn[],
  prior: { level: RiskLevel; at: Date } | undefined,
  now: Date,
): ConversationResult {
  const windowStart = now.getTime() - policy.window.hours * HOUR;
  const inWindow = past.filter((t) => t.at.getTime() >= windowStart).slice(-policy.window.turns);
  // A message that only continues an earlier story or report adds no risk of its own; what the
  // conversation already holds (earlier turns, the prior level) still stands.
  const current: MessageAnalysis = framedByEarlierTurn(message, inWindow, now)
    ? { ...message, level: 'none', hits: [], conditional: [], signals: new Set() }
    : message;
  const context = new ConversationContext([current, ...inWindow.map((t) => t.analysis)]);

  const self = resolveMessage(current, context);
  let level = self.level;
  let pinned = self.pinned;
  // Signal-only rules (level none, a date for example) explain a level only through a combination.
  const signalOnly = self.reasons.filter((r) => r.level === 'none').map((r) => r.id);
  const reasons = self.reasons
    .filter((r) => r.level !== 'none')
    .sort((a, b) => riskRank(b.level) - riskRank(a.level))
    .map((r) => r.id);
  let anyCombination = false;

  // Repeated risk within the repeat window raises this message one level (CRISIS.md §2).
  const { repeat } = policy;
  if (riskRank(level) >= riskRank(repeat.min_level) && repeat.raise_by > 0) {
    const repeatStart = now.getTime() - repeat.within_hours * HOUR;
    const repeated = inWindow.some(
      (t) => t.at.getTime() >= repeatStart && riskRank(resolveMessage(t.analysis, context).level) >= riskRank(repeat.min_level),
    );
    const raised = repeated ? raise(level, repeat.raise_by, repeat.cap) : level;
    if (raised !== level) {
      level = raised;
      reasons.push('trajectory:repeat');
    }
  }

  // Signals that only mean danger together, across any of the turns in the window; a
  // context-dependent rule adds its signals once its needs are met. A combination counts from
  // the turn that completed it and decays from there like any other level.
  const lastSeen = new Map<Signal, number>();
  const see = (signal: Signal, at: number) => lastSeen.set(signal, Math.max(lastSeen.get(signal) ?? 0, at));
  for (const { analysis, at } of [{ analysis: current, at: now }, ...inWindow]) {
    for (const s of analysis.signals) see(s, at.getTime());
    for (const { rule } of analysis.conditional) {
      if (rule.needs!.some((s) => context.has(s, rule.id))) for (const s of rule.signals) see(s, at.getTime());
    }
  }
  for (const combo of policy.combinations) {
    if (!combo.all.every((s) => lastSeen.has(s))) continue;
    if (combo.within_hours !== undefined && combo.all.some((s) => now.getTime() - lastSeen.get(s)! > combo.within_hours! * HOUR)) continue;
    const completedAt = Math.max(...combo.all.map((s) => lastSeen.get(s)!));
    const comboLevel = decayedLevel(combo.level, (now.getTime() - completedAt) / HOUR, policy.decay);
    if (comboLevel === 'none') continue;
    if (riskRank(comboLevel) > riskRank(level)) level = comboLevel;
    if (combo.pin) pinned = maxLevel(pinned, comboLevel);
    reasons.push(combo.id);
    anyCombination = true;
  }
  if (anyCombination) reasons.push(...signalOnly);

  // An act with no object named and nothing earlier to name it ("I already took some" as a
  // first message) may be an attempt: it gets at least resources and the question.
  if (inWindow.length === 0) {
    for (const rule of policy.unexplained) {
      if (!current.signals.has(rule.signal) || riskRank(rule.level) <= riskRank(level)) continue;
      level = rule.level;
      reasons.push(rule.id, ...signalOnly);
    }
  }

  // Weak signals over several turns (hopelessness, then a means, a place or a time) add up.
  const accumulated = policy.accumulate ? accumulate(policy.accumulate, current, inWindow, now) : undefined;
  if (accumulated && riskRank(accumulated.level) > riskRank(level)) {
    level = accumulated.level;
    reasons.push(`trajectory.accumulated:${accumulated.level}`, ...accumulated.signals.map((s) => `trajectory.signal:${s}`));
  }

  // Context that raises the user's own risk (a minor, CRISIS.md §2). Concern for someone else
  // is not the user's own risk, so a message whose only risk signal is third_party is not raised.
  const own = [...current.signals].some((s) => !NOT_OWN_RISK.has(s)) || current.conditional.length > 0;
  for (const rule of policy.raise) {
    if (!own || !lastSeen.has(rule.signal) || riskRank(level) < riskRank(rule.min_level)) continue;
    const raised = raise(level, rule.by, rule.cap);
    if (raised === level) continue;
    level = raised;
    reasons.push(rule.id);
  }

  // The conversation's standing level and earlier turns' levels decay instead of vanishing.
  let carried: RiskLevel = 'none';
  if (prior) carried = decayedLevel(prior.level, (now.getTime() - prior.at.getTime()) / HOUR, policy.decay);
  for (const turn of inWindow) {
    const turnLevel = resolveMessage(turn.analysis, context).level;
    carried = maxLevel(carried, decayedLevel(turnLevel, (now.getTime() - turn.at.getTime()) / HOUR, policy.decay));
  }
  if (riskRank(carried) > riskRank(level)) {
    level = carried;
    reasons.push(`trajectory:carried:${carried}`);
  }
  pinned = maxLevel(pinned, carried);

  return { level, reasons: [...new Set(reasons)], pinned: pinned === 'none' ? undefined : pinned };
}

/**
 * The level weak signals reach together: each signal once, weighted, from the turns within
 * `within_hours`; nothing unless they come from at least `min_turns` different turns (one
 * message alone is the rules' business).
 */
export function accumulate(
  policy: NonNullable<TrajectoryFile['accumulate']>,
  current: MessageAnalysis,
  past: PastTurn[],
  now: Date,
): { level: RiskLevel; signals: Signal[] } | undefined {
  const start = now.getTime() - policy.within_hours * HOUR;
  const turns = [current, ...past.filter((t) => t.at.getTime() >= start).map((t) => t.analysis)];
  const seen = new Map<Signal, number>();
  let contributing = 0;
  for (const turn of turns) {
    let adds = false;
    for (const s of turn.signals) {
      if (!(policy.weights[s] ?? 0)) continue;
      adds = true;
      seen.set(s, (seen.get(s) ?? 0) + 1);
    }
    if (adds) contributing++;
  }
  if (contributing < policy.min_turns) return undefined;
  let sum = 0;
  const again = policy.repeated;
  for (const [s, turnsWith] of seen) sum += (policy.weights[s] ?? 0) * (again && turnsWith > 1 && again.signals.includes(s) ? again.factor : 1);
  let level: RiskLevel = 'none';
  for (const step of policy.levels) if (sum >= step.at && riskRank(step.level) > riskRank(level)) level = step.level;
  return level === 'none' ? undefined : { level, signals: [...seen.keys()].sort() };
}
