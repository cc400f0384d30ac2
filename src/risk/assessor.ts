/**
 * The risk assessor the engine uses: the offline screen (rules + trajectory) on every message,
 * and, when a model client is configured, the judge on top. The engine acts on `screen()` at
 * once when it already calls for action and only then awaits `judge()`, so resources never wait
 * for the model (CRISIS.md §1.1).
 */
import { silentLogger, type Logger } from '../logger.js';
import type { LlmClient, RiskAssessment, RiskAssessor, RiskInput } from '../ports.js';
import { policyVersion as hashPolicies } from '../policy/version.js';
import { JudgeBudget, judgeAndCombine } from './judge.js';
import { loadRiskModel } from './model/load.js';
import { loadDetectionPolicy, type DetectionPolicy } from './policy-loader.js';
import { analyzeMessage, type MessageAnalysis } from './screen.js';
import { assessConversation, NOT_OWN_RISK } from './trajectory.js';

export interface RiskAssessorOptions {
  /** The policies/ folder (its detection/ subfolder holds the rules). */
  policyDir: string;
  /** The judge's model; without it the assessor has no `judge` and never touches the network. */
  llm?: LlmClient;
  /** Deadline for one judge call, thinking included. Default 4000 ms. */
  judgeTimeoutMs?: number;
  logger?: Logger;
  /** Recorded on every assessment; defaults to the content hash of policyDir. */
  policyVersion?: string;
  /**
   * `false` screens with the rules alone, without policies/detection/model (the training script
   * uses it: it must not depend on the weights it rewrites). Default true.
   */
  learnedModel?: boolean;
  /** How many analysed messages to remember for re-reading recent turns. Default 5000. */
  cacheSize?: number;
}

export interface LoadedRiskAssessor extends RiskAssessor {
  readonly policy: DetectionPolicy;
  readonly policyVersion: string;
}

/** Loads and validates the detection policy (throws BotError POLICY_INVALID) and builds the assessor. */
export function createRiskAssessor(options: RiskAssessorOptions): LoadedRiskAssessor {
  const policy = loadDetectionPolicy(options.policyDir);
  // The learned model beside the rules (policies/detection/model); an invalid file stops startup.
  const model = options.learnedModel === false ? undefined : loadRiskModel(options.policyDir);
  const version = options.policyVersion ?? hashPolicies(options.policyDir);
  const logger = options.logger ?? silentLogger;
  const cacheSize = options.cacheSize ?? 5000;
  // Earlier turns are re-read on every message; remembering their analysis keeps the screen flat.
  const cache = new Map<string, MessageAnalysis>();

  const remember = (text: string, analysis: MessageAnalysis) => {
    cache.delete(text);
    cache.set(text, analysis);
    if (cache.size > cacheSize) cache.delete(cache.keys().next().value!);
  };
  const analyzeTurn = (text: string): MessageAnalysis => {
    const hit = cache.get(text);
    if (hit) return hit;
    const analysis = analyzeMessage(policy.packs, text, policy.meaning, model);
    remember(text, analysis);
    return analysis;
  };

  const screen = (input: RiskInput): RiskAssessment => {
    // The current message is always analysed afresh, then remembered for when it is a recent turn.
    const current = analyzeMessage(policy.packs, input.text, policy.meaning, model);
    remember(input.text, current);
    // Only the user's own words count: the bot's replies mention suicide when they offer help.
    const past = input.recent
      .filter((t) => t.role === 'user')
      .map((t) => ({ analysis: analyzeTurn(t.text), at: t.at }));
    const result = assessConversation(policy.trajectory, current, past, input.prior, input.now);
    const assessment: RiskAssessment = {
      level: result.level,
      reasons: result.reasons,
      source: 'screen',
      policyVersion: version,
      language: current.language,
    };
    if (result.pinned) assessment.pinned = result.pinned;
    // Worry about a friend gets help-a-friend resources, unless the message also carries the
    // writer's own risk ("she wants to die and so do I"): then the user's own resources.
    if (current.signals.has('third_party') && ![...current.signals].some((s) => !NOT_OWN_RISK.has(s))) {
      assessment.about = 'other';
    }
    return assessment;
  };

  const assessor: LoadedRiskAssessor = { policy, policyVersion: version, screen };
  if (options.llm) {
    const deps = {
      llm: options.llm,
      policy: policy.judge,
      timeoutMs: options.judgeTimeoutMs ?? 4000,
      logger: logger.child({ component: 'risk-judge' }),
      budget: new JudgeBudget(policy.judge.budget_per_minute),
    };
    return {
      ...assessor,
      judge: (input: RiskInput, screened: RiskAssessment, signal?: AbortSignal) =>
        judgeAndCombine(deps, input, screened, signal),
    };
  }
  return assessor;
}
