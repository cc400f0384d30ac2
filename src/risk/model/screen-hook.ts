/**
 * The one point where the learned model meets the rule screen (screen.ts calls this after the
 * rules). A lift becomes a hit like a rule's: its id says the level and the head's score
 * (`model.moderate:risk=0.93`), and each named feature is a hit at the same level
 * (`model.feature:w:pills`), so the reasons show why and the trajectory carries the level
 * over later turns exactly as it carries a rule's. No signals are added: the model's score is
 * not evidence of a plan, a farewell or any other signal the combinations read.
 */
import { maxLevel, type RiskLevel } from '../../messages.js';
import type { Signal } from '../policy-schema.js';
import { cappedPolicy, liftByModel } from './combine.js';
import type { LoadedModel } from './load.js';

interface Hit { id: string; level: RiskLevel; pin: boolean }

/**
 * Adds the model's lift to a message the rules rated `level`. Returns the new level. When the
 * rules emitted a signal the policy defers to (an explicit denial, say), the model stays out;
 * after a signal in `moderate_only_after` (a means named) it may lift to moderate at most, and
 * only past that entry's stricter threshold. `language` is the screen's reading of the message's
 * language (policy.yaml `language_risk` may set its own threshold).
 */
export function applyModel(loaded: LoadedModel, normalized: string, level: RiskLevel, signals: ReadonlySet<Signal>, hits: Hit[], language?: string): RiskLevel {
  const policy = loaded.policy;
  if (policy.defer_to.some((s) => signals.has(s))) return level;
  const capped = policy.moderate_only_after.signals.some((s) => signals.has(s));
  const lift = liftByModel(loaded.model, capped ? cappedPolicy(policy) : policy, normalized, level, language);
  if (!lift) return level;
  for (const id of lift.reasons) hits.push({ id, level: lift.level, pin: false });
  return maxLevel(level, lift.level);
}
