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

/** The moderate lift's risk threshold for a message in `language` (policy.yaml `language_risk`, else `lift.moderate.risk`). */
export function moderateRisk(policy: ModelPolicy, language?: string): number {
  return (language !== undefined ? policy.language_risk?.[language] : undefined) ?? policy.lift.moderate.risk;
}

/** The level the model alone supports under `policy` for a message the screen reads in `language`: none, moderate or high. */
export function modelLevel(scores: ModelScores, policy: ModelPolicy, language?: string): RiskLevel {
  const meets = (t: { risk: number; escalate?: number | undefined }) =>
    scores.risk >= t.risk && (t.escalate === undefined || scores.escalate >= t.escalate);
  const high = policy.lift.high;
  if (high && policy.max_level === 'high' && meets(high)) return 'high';
  if (meets({ ...policy.lift.moderate, risk: moderateRisk(policy, language) })) return 'moderate';
  return 'none';
}

/** The policy after a `moderate_only_after` signal: moderate at most, at its own risk threshold if that is stricter than every moderate lift's. */
export function cappedPolicy(policy: ModelPolicy): ModelPolicy {
  const risk = Math.max(policy.lift.moderate.risk, policy.moderate_only_after.risk);
  const languages = Object.entries(policy.language_risk ?? {}).map(([l, t]) => [l, Math.max(t, policy.moderate_only_after.risk)]);
  return {
    ...policy,
    max_level: 'moderate',
    lift: { moderate: { ...policy.lift.moderate, risk } },
    ...(policy.language_risk ? { language_risk: Object.fromEntries(languages) as Record<string, number> } : {}),
  };
}

/**
 * What the model adds to a message the rules rated `ruleLevel`: undefined when it adds nothing
 * (mode off, below thresholds, or the rules are already at least as high). `normalized` is the
 * screen's normalized text, `language` the language the screen reads it in.
 */
export function liftByModel(model: RiskModel, policy: ModelPolicy, normalized: string, ruleLevel: RiskLevel, language?: string): ModelLift | undefined {
  if (policy.mode === 'off' || riskRank(ruleLevel) >= riskRank(policy.only_below)) return undefined;
  const scores = model.score(normalized);
  const level = modelLevel(scores, policy, language);
  if (riskRank(level) <= riskRank(ruleLevel)) return undefined;
  // Explaining costs more than scoring; it runs only for the rare message the model lifts.
  const head = level === 'high' ? 'escalate' : 'risk';
  const features = model.strongest(normalized, head, policy.reason_features);
  return {
    level,
    reasons: [`model.${level}:${head}=${scores[head].toFixed(2)}`, ...features.map((f) => `model.feature:${f.name}`)],
  };
}
