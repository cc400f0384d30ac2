/**
 * Combines the learned model with the rules (policies/detection/model/policy.yaml). The model
 * only ever raises a level, never above the policy's `max_level`, and never lowers what a rule
 * found. A lift names itself and its strongest features in the reasons, e.g.
 * `model.moderate:risk=0.91` then `model.feature:w:pills`, so a moderator sees why.
 */
import { riskRank, type RiskLevel } from '../../messages.js';
import type { ModelPolicy } from './model-file.js';
import type { ModelScores, RiskModel } from './risk-model.js';

export interface ModelLift {
  level: RiskLevel;
  reasons: string[];
}

/** The level the model alone supports under `policy`: none, moderate or high. */
export function modelLevel(scores: ModelScores, policy: ModelPolicy): RiskLevel {
  const meets = (t: { risk: number; escalate?: number | undefined }) =>
    scores.risk >= t.risk && (t.escalate === undefined || scores.escalate >= t.escalate);
  const high = policy.lift.high;
  if (high && policy.max_level === 'high' && meets(high)) return 'high';
  if (meets(policy.lift.moderate)) return 'moderate';
  return 'none';
}

/** The policy after a `moderate_only_after` signal: moderate at most, at the stricter of the two risk thresholds. */
export function cappedPolicy(policy: ModelPolicy): ModelPolicy {
  const risk = Math.max(policy.lift.moderate.risk, policy.moderate_only_after.risk);
  return { ...policy, max_level: 'moderate', lift: { moderate: { ...policy.lift.moderate, risk } } };
}

/**
 * What the model adds to a message the rules rated `ruleLevel`: undefined when it adds nothing
 * (mode off, below thresholds, or the rules are already at least as high). `normalized` is the
 * screen's normalized text.
 */
export function liftByModel(model: RiskModel, policy: ModelPolicy, normalized: string, ruleLevel: RiskLevel): ModelLift | undefined {
  if (policy.mode === 'off' || riskRank(ruleLevel) >= riskRank(policy.only_below)) return undefined;
  const scores = model.score(normalized);
  const level = modelLevel(scores, policy);
  if (riskRank(level) <= riskRank(ruleLevel)) return undefined;
  // Explaining costs more than scoring; it runs only for the rare message the model lifts.
  const head = level === 'high' ? 'escalate' : 'risk';
  const features = model.strongest(normalized, head, policy.reason_features);
  return {
    level,
    reasons: [`model.${level}:${head}=${scores[head].toFixed(2)}`, ...features.map((f) => `model.feature:${f.name}`)],
  };
}
