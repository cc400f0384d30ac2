/**
 * The model judge (CRISIS.md §1.4, §2): asks a model for a structured assessment under a strict
 * timeout and combines it with the screen. Final = max(screen, judge), except the judge may lower
 * the screen by at most one level, never below the pinned level and never from imminent. Any
 * timeout, error or unparsable answer resolves with the screen result (source "fallback") and
 * is logged with JUDGE_FAILED; this function never rejects.
 */
import { z } from 'zod';
import { BotError } from '../errors.js';
import type { Logger } from '../logger.js';
import { maxLevel, RISK_LEVELS, riskRank, type RiskLevel } from '../messages.js';
import type { ChatTurn, LlmClient, RiskAssessment, RiskInput } from '../ports.js';
import type { JudgeFile } from './policy-schema.js';

export interface JudgeDeps {
  llm: LlmClient;
  policy: JudgeFile;
  timeoutMs: number;
  logger: Logger;
  /** The per-minute call budget (judge.yaml budget_per_minute); absent: unlimited. */
  budget?: JudgeBudget;
}

/** A sliding one-minute window of judge calls: `take` says whether one more call fits. */
export class JudgeBudget {
  private readonly calls: number[] = [];
  constructor(private readonly perMinute: number) {}

  take(nowMs: number): boolean {
    while (this.calls.length > 0 && this.calls[0]! <= nowMs - 60_000) this.calls.shift();
    if (this.calls.length >= this.perMinute) return false;
    this.calls.push(nowMs);
    return true;
  }
}

export interface JudgeVerdict {
  level: RiskLevel;
  categories: string[];
}

const LEVEL_ALIASES: Record<string, RiskLevel> = { r0: 'none', r1: 'low', r2: 'moderate', r3: 'high', r4: 'imminent' };

const Verdict = z.object({
  level: z.string().transform((v, ctx) => {
    const key = v.trim().toLowerCase();
    const level = (RISK_LEVELS as readonly string[]).includes(key) ? (key as RiskLevel) : LEVEL_ALIASES[key];
    if (!level) {
      ctx.addIssue({ code: 'custom', message: 'unknown level' });
      return z.NEVER;
    }
    return level;
  }),
  categories: z.array(z.string()).default([]),
  rationale: z.string().optional(),
});

/** Builds the judge's messages: the policy's system prompt, then the user's turns as quoted data. */
export function judgeMessages(input: RiskInput, policy: JudgeFile): ChatTurn[] {
  const earlierTurns = input.recent.filter((t) => t.role === 'user').slice(-policy.context_turns);
  if (policy.format !== 'json') {
    // Guard models bring their own policy template; they classify the user's words as given.
    return [{ role: 'user', content: [...earlierTurns.map((t) => t.text), input.text].join('\n') }];
  }
  const earlier = earlierTurns.map((t, i) => `[earlier ${i + 1}] ${t.text}`);
  const body = [
    earlier.length ? `Earlier messages from the same user, oldest first:\n${earlier.join('\n')}` : 'No earlier messages.',
    `Latest message to assess:\n${input.text}`,
    'Answer with the JSON object only.',
  ].join('\n\n');
  return [
    { role: 'system', content: policy.system_prompt },
    { role: 'user', content: body },
  ];
}

/**
 * Guard-model answers. Llama Guard: "safe" or "unsafe" then a line of category codes, where S11
 * is Suicide & Self-Harm. Qwen3Guard: "Safety: Safe|Unsafe|Controversial" and "Categories: ...".
 * Guards grade no severity: self-harm flagged unsafe reads high, controversial moderate, and
 * anything else (including harm aimed at others) none.
 */
function parseGuard(text: string): JudgeVerdict | undefined {
  const lines = text.trim().split(/\r?\n/).map((l) => l.trim()).filter(Boolean);
  const first = lines[0]?.toLowerCase();
  if (first === 'safe') return { level: 'none', categories: ['none'] };
  if (first === 'unsafe') {
    const codes = (lines[1] ?? '').toUpperCase().split(/[\s,]+/);
    return codes.includes('S11') ? { level: 'high', categories: ['self_harm'] } : { level: 'none', categories: ['harm_to_others'] };
  }
  const safety = /safety:\s*(safe|unsafe|controversial)/i.exec(text)?.[1]?.toLowerCase();
  if (!safety) return undefined;
  const selfHarm = /categories:[^\n]*suicide/i.test(text);
  if (safety === 'safe' || !selfHarm) return { level: 'none', categories: safety === 'safe' ? ['none'] : ['harm_to_others'] };
  return { level: safety === 'unsafe' ? 'high' : 'moderate', categories: ['self_harm'] };
}

/** Extracts the verdict from a model answer: a JSON object (code fences and text around it are fine) or a guard model's format. */
export function parseVerdict(text: string, allowed: readonly string[]): JudgeVerdict {
  const start = text.indexOf('{');
  const end = text.lastIndexOf('}');
  if (start < 0 || end <= start) {
    const guard = parseGuard(text);
    if (guard) return { level: guard.level, categories: guard.categories.filter((c) => allowed.includes(c)) };
    throw new BotError('judge answer has no JSON object', 'LLM_BAD_RESPONSE');
  }
  let data: unknown;
  try {
    data = JSON.parse(text.slice(start, end + 1));
  } catch (error) {
    throw new BotError('judge answer is not valid JSON', 'LLM_BAD_RESPONSE', { cause: error });
  }
  const parsed = Verdict.safeParse(data);
  if (!parsed.success) throw new BotError('judge answer does not have a valid level', 'LLM_BAD_RESPONSE');
  const categories = parsed.data.categories
    .map((c) => c.trim().toLowerCase().replace(/[\s-]+/g, '_'))
    .filter((c) => allowed.includes(c));
  return { level: parsed.data.level, categories: [...new Set(categories)] };
}

/** The combination rule, on its own so it can be tested exhaustively. */
export function combineLevels(screen: RiskLevel, judge: RiskLevel, pinned: RiskLevel | undefined): RiskLevel {
  if (riskRank(judge) >= riskRank(screen)) return judge;
  if (screen === 'imminent') return screen;
  const oneDown = RISK_LEVELS[riskRank(screen) - 1]!;
  // A pin is a floor under the screen's own result, never a reason to exceed it.
  const floor = pinned && riskRank(pinned) < riskRank(screen) ? pinned : screen;
  return maxLevel(maxLevel(judge, oneDown), pinned ? floor : 'none');
}

/** Runs the judge and combines; resolves with the screen result on any failure. Never rejects. */
export async function judgeAndCombine(
  deps: JudgeDeps,
  input: RiskInput,
  screen: RiskAssessment,
  signal?: AbortSignal,
): Promise<RiskAssessment> {
  // Nothing the judge says can change imminent (never lowered, nothing above it): skip the call.
  if (screen.level === 'imminent') return screen;
  // A group message nobody addressed to the bot is judged only in the uncertain band.
  if (input.addressed === false && !deps.policy.uncertain_band.includes(screen.level)) return screen;
  if (deps.budget && !deps.budget.take(input.now.getTime())) {
    deps.logger.info('risk judge over its per-minute budget; the screen result stands', { code: 'JUDGE_BUDGET', screenLevel: screen.level });
    return { ...screen, reasons: [...screen.reasons, 'judge:over-budget'], source: 'fallback' };
  }
  const started = Date.now();
  try {
    const verdict = await withTimeout(deps, input, signal);
    const level = combineLevels(screen.level, verdict.level, screen.pinned);
    const source = riskRank(level) > riskRank(screen.level) ? 'judge' : 'both';
    const reasons = [...screen.reasons, `judge:${verdict.level}`, ...verdict.categories.map((c) => `judge:category:${c}`)];
    deps.logger.debug('risk judge done', { level, judgeLevel: verdict.level, screenLevel: screen.level, ms: Date.now() - started });
    return { ...screen, level, reasons, source };
  } catch (error) {
    const reason = error instanceof BotError ? error.code : error instanceof Error ? error.name : 'UNKNOWN';
    deps.logger.warn('risk judge failed; the screen result stands', {
      code: 'JUDGE_FAILED',
      cause: reason,
      screenLevel: screen.level,
      ms: Date.now() - started,
    });
    return { ...screen, reasons: [...screen.reasons, 'judge:failed'], source: 'fallback' };
  }
}

async function withTimeout(deps: JudgeDeps, input: RiskInput, outer: AbortSignal | undefined): Promise<JudgeVerdict> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const onOuterAbort = () => controller.abort(outer?.reason);
  if (outer?.aborted) throw new BotError('judge cancelled before it started', 'LLM_TIMEOUT');
  outer?.addEventListener('abort', onOuterAbort, { once: true });
  // The race guarantees the deadline even if the client ignores the abort signal.
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      reject(new BotError(`judge timed out after ${deps.timeoutMs} ms`, 'LLM_TIMEOUT'));
    }, deps.timeoutMs);
    controller.signal.addEventListener('abort', () => reject(new BotError('judge aborted', 'LLM_TIMEOUT')), { once: true });
  });
  deadline.catch(() => undefined); // settles after the race when we abort in finally
  try {
    const call = deps.llm.complete({
      messages: judgeMessages(input, deps.policy),
      maxTokens: deps.policy.max_tokens,
      signal: controller.signal,
    });
    call.catch(() => undefined); // a late rejection after the deadline must not go unhandled
    const completion = await Promise.race([call, deadline]);
    return parseVerdict(completion.text, deps.policy.categories);
  } finally {
    clearTimeout(timer);
    outer?.removeEventListener('abort', onOuterAbort);
    if (!controller.signal.aborted) controller.abort();
  }
}
