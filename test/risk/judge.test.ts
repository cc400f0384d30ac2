/**
 * The model judge (src/risk/judge.ts) against scripted model clients: how its verdict combines
 * with the screen, and that every failure (timeout, error, garbage) falls back to the screen,
 * is logged with JUDGE_FAILED and never rejects. One test drives the real OpenAI client against
 * the local fake model server.
 */
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { createOpenAiClient } from '../../src/llm/openai-client.js';
import { createLogger } from '../../src/logger.js';
import { RISK_LEVELS, type RiskLevel } from '../../src/messages.js';
import type { Completion, CompletionRequest, LlmClient, RiskInput } from '../../src/ports.js';
import { createRiskAssessor } from '../../src/risk/assessor.js';
import { combineLevels, judgeAndCombine, parseVerdict } from '../../src/risk/judge.js';
import { startFakeModel, type FakeModel } from '../fakes/fake-model.js';
import { NOW, POLICY_DIR } from './helpers.js';

type Step = string | { text: string; delayMs?: number } | Error;

/** A model client that plays scripted answers in order and records each request. */
function scriptedModel(steps: Step[]): LlmClient & { requests: CompletionRequest[] } {
  const requests: CompletionRequest[] = [];
  return {
    requests,
    async complete(request) {
      requests.push(request);
      const step = steps[Math.min(requests.length - 1, steps.length - 1)]!;
      if (step instanceof Error) throw step;
      const { text, delayMs } = typeof step === 'string' ? { text: step, delayMs: 0 } : step;
      if (delayMs) {
        await new Promise<void>((resolve, reject) => {
          const timer = setTimeout(resolve, delayMs);
          request.signal?.addEventListener('abort', () => {
            clearTimeout(timer);
            reject(Object.assign(new Error('aborted'), { name: 'AbortError' }));
          });
        });
      }
      return { text, finishReason: 'stop' } satisfies Completion;
    },
  };
}

function captureLogs() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _enc, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { lines, logger: createLogger({ destination, level: 'debug' }) };
}

const verdict = (level: string, categories: string[] = []) =>
  JSON.stringify({ level, categories, rationale: 'short reason' });

function setup(steps: Step[], judgeTimeoutMs = 500) {
  const llm = scriptedModel(steps);
  const logs = captureLogs();
  const assessor = createRiskAssessor({ policyDir: POLICY_DIR, llm, judgeTimeoutMs, logger: logs.logger, policyVersion: 'v-test' });
  const run = async (text: string) => {
    const input: RiskInput = { text, recent: [], now: NOW };
    const screened = assessor.screen(input);
    return { screened, judged: await assessor.judge!(input, screened) };
  };
  return { llm, logs, assessor, run };
}

describe('combination rule', () => {
  const rank = (l: RiskLevel) => RISK_LEVELS.indexOf(l);
  it('is max(screen, judge), except the judge lowers by one level at most, never below the pin, never from imminent', () => {
    for (const screen of RISK_LEVELS) {
      for (const judge of RISK_LEVELS) {
        for (const pinned of [undefined, ...RISK_LEVELS]) {
          const out = combineLevels(screen, judge, pinned);
          if (rank(judge) >= rank(screen)) expect(out).toBe(judge);
          else if (screen === 'imminent') expect(out).toBe('imminent');
          else {
            expect(rank(out)).toBeGreaterThanOrEqual(rank(screen) - 1);
            expect(rank(out)).toBeLessThanOrEqual(rank(screen));
            if (pinned) expect(rank(out)).toBeGreaterThanOrEqual(Math.min(rank(pinned), rank(screen)));
            expect(rank(out)).toBeGreaterThanOrEqual(rank(judge));
          }
        }
      }
    }
  });
});

describe('judge on top of the screen', () => {
  it('raises the level when the model reads more risk than the rules', async () => {
    const { run, llm } = setup([verdict('high', ['method_seeking', 'made_up_code'])]);
    const { screened, judged } = await run('is there a bridge near the station');
    expect(screened.level).toBe('none');
    expect(judged).toMatchObject({ level: 'high', source: 'judge', policyVersion: 'v-test' });
    expect(judged.reasons).toEqual(['judge:high', 'judge:category:method_seeking']);
    // The user's words go to the model as data in the user turn, after the policy's system prompt.
    expect(llm.requests[0]!.messages[0]!.role).toBe('system');
    expect(llm.requests[0]!.messages[1]!.content).toContain('is there a bridge near the station');
  });

  it('lowers an unpinned screen result by one level at most', async () => {
    const { run } = setup([verdict('none', ['idiom_or_fiction'])]);
    const { screened, judged } = await run('i just want to die');
    expect(screened.level).toBe('moderate');
    expect(screened.pinned).toBeUndefined();
    expect(judged).toMatchObject({ level: 'low', source: 'both' });
  });

  it('never lowers below a pinned level such as explicit method-seeking', async () => {
    const { run } = setup([verdict('none')]);
    const { screened, judged } = await run('how many sleeping pills would i need to not wake up');
    expect(screened).toMatchObject({ level: 'high', pinned: 'high' });
    expect(judged.level).toBe('high');
  });

  it('never lowers imminent, and does not even ask the model', async () => {
    const { run, llm } = setup([verdict('low')]);
    const { judged } = await run('I just swallowed the whole bottle of my pills');
    expect(judged.level).toBe('imminent');
    expect(llm.requests).toHaveLength(0);
  });

  it('accepts a verdict wrapped in a code fence and R0–R4 names', async () => {
    const { run } = setup(['```json\n{"level": "R3", "categories": ["active_ideation"]}\n```']);
    expect((await run('hello')).judged.level).toBe('high');
  });
});

describe('judge failures fall back to the screen', () => {
  it('a reply slower than the timeout resolves with the screen result and logs JUDGE_FAILED', async () => {
    // The judge would answer after a minute; resolving well before that shows the 100 ms timeout
    // cut it off (the bound is generous so a loaded machine cannot fail it).
    const { run, logs, llm } = setup([{ text: verdict('none'), delayMs: 60_000 }], 100);
    const started = Date.now();
    const { screened, judged } = await run('kms');
    expect(Date.now() - started).toBeLessThan(30_000);
    expect(judged).toMatchObject({ level: screened.level, source: 'fallback' });
    expect(judged.reasons).toEqual([...screened.reasons, 'judge:failed']);
    expect(llm.requests[0]!.signal?.aborted).toBe(true);
    const line = logs.lines.find((l) => l.includes('JUDGE_FAILED'));
    expect(line).toBeDefined();
    expect(line).toContain('LLM_TIMEOUT');
    expect(logs.lines.join('')).not.toContain('kms');
  });

  it.each([
    ['garbage that is not JSON', 'I think this person is fine.'],
    ['JSON without a valid level', '{"level": "severe", "categories": []}'],
    ['broken JSON', '{"level": "high", '],
    ['an empty answer', ''],
  ])('%s resolves with the screen result', async (_name, text) => {
    const { run, logs } = setup([text]);
    const { screened, judged } = await run('i feel so alone lately');
    expect(judged).toMatchObject({ level: screened.level, source: 'fallback' });
    expect(logs.lines.some((l) => l.includes('JUDGE_FAILED') && l.includes('LLM_BAD_RESPONSE'))).toBe(true);
  });

  it('a client error resolves with the screen result', async () => {
    const { run, logs } = setup([new Error('connect ECONNREFUSED 127.0.0.1:8000')]);
    const { judged } = await run('I want to kill myself');
    expect(judged).toMatchObject({ level: 'high', source: 'fallback' });
    expect(logs.lines.some((l) => l.includes('JUDGE_FAILED'))).toBe(true);
  });

  it('a caller that aborts gets the screen result at once', async () => {
    const { assessor } = setup([{ text: verdict('none'), delayMs: 5_000 }], 10_000);
    const input: RiskInput = { text: 'kms', recent: [], now: NOW };
    const controller = new AbortController();
    const pending = assessor.judge!(input, assessor.screen(input), controller.signal);
    setTimeout(() => controller.abort(), 20);
    await expect(pending).resolves.toMatchObject({ level: 'high', source: 'fallback' });
  });

  it('parseVerdict keeps only the allowed category codes', () => {
    expect(parseVerdict('{"level":"moderate","categories":["Third party concern","x"]}', ['third_party_concern'])).toEqual({
      level: 'moderate',
      categories: ['third_party_concern'],
    });
  });
});

describe('judge through the real OpenAI client', () => {
  let model: FakeModel | undefined;
  afterEach(async () => {
    await model?.close();
    model = undefined;
  });

  it('sends the judge prompt to the endpoint and combines the parsed verdict', async () => {
    model = await startFakeModel({ reply: () => ({ content: verdict('imminent', ['plan']), reasoning: 'private reasoning' }) });
    const llm = createOpenAiClient({ baseURL: model.url, model: 'oyster-1', timeoutMs: 2_000, maxRetries: 0 });
    const assessor = createRiskAssessor({ policyDir: POLICY_DIR, llm, judgeTimeoutMs: 2_000 });
    const input: RiskInput = { text: 'the car is ready and so am i', recent: [], now: NOW };
    const judged = await assessor.judge!(input, assessor.screen(input));
    expect(judged).toMatchObject({ level: 'imminent', source: 'judge' });
    expect(model.calls).toHaveLength(1);
    expect(model.calls[0]!.messages[0]!.content).toContain('suicide and self-harm risk classifier');
  });

  it('falls back when the endpoint answers 500', async () => {
    model = await startFakeModel({ reply: () => ({ status: 500 }) });
    const llm = createOpenAiClient({ baseURL: model.url, model: 'oyster-1', timeoutMs: 2_000, maxRetries: 0 });
    const assessor = createRiskAssessor({ policyDir: POLICY_DIR, llm, judgeTimeoutMs: 2_000 });
    const input: RiskInput = { text: 'i want to die', recent: [], now: NOW };
    await expect(assessor.judge!(input, assessor.screen(input))).resolves.toMatchObject({ level: 'moderate', source: 'fallback' });
  });
});

describe('without a model client', () => {
  it('the assessor has no judge at all', () => {
    expect(createRiskAssessor({ policyDir: POLICY_DIR }).judge).toBeUndefined();
  });
});

describe('guard-model answers', () => {
  const allowed = ['none', 'self_harm', 'harm_to_others'];
  it.each([
    ['safe', 'none'],
    ['unsafe\nS11', 'high'],
    ['unsafe\nS1,S11', 'high'],
    ['unsafe\nS1', 'none'],
    ['Safety: Unsafe\nCategories: Suicide & Self-Harm', 'high'],
    ['Safety: Controversial\nCategories: Suicide & Self-Harm', 'moderate'],
    ['Safety: Unsafe\nCategories: Violent', 'none'],
    ['Safety: Safe\nCategories: None', 'none'],
  ])('%j reads as %s', (text, level) => {
    expect(parseVerdict(text, allowed).level).toBe(level);
  });

  it('sends a guard model only the user\'s words, without our system prompt', async () => {
    const llm = scriptedModel(['unsafe\nS11']);
    const base = createRiskAssessor({ policyDir: POLICY_DIR });
    // The shipped judge policy switched to the Llama Guard format.
    const input: RiskInput = { text: 'is there a tall bridge near the station', recent: [{ role: 'user', text: 'i lost my job', at: NOW }], now: NOW };
    const judged = await judgeAndCombine(
      { llm, policy: { ...base.policy.judge, format: 'llama_guard' }, timeoutMs: 500, logger: captureLogs().logger },
      input,
      base.screen(input),
    );
    expect(judged.level).toBe('high');
    expect(llm.requests[0]!.messages).toEqual([{ role: 'user', content: 'i lost my job\nis there a tall bridge near the station' }]);
  });
});

describe('the judge as the second line (issue 11 item 5)', () => {
  it('catches a risk the screen missed and returns it within the judge timeout', async () => {
    // Swedish has no language pack: the screen reads none; the scripted judge answers after 50 ms.
    const { run } = setup([{ text: verdict('imminent', ['plan']), delayMs: 50 }], 3_000);
    const started = performance.now();
    const { screened, judged } = await run('jag har alla tabletterna framför mig, i kväll tar jag dem');
    const elapsed = performance.now() - started;
    expect(screened.level).toBe('none');
    expect(judged).toMatchObject({ level: 'imminent', source: 'judge' });
    expect(elapsed).toBeLessThan(3_000);
  });

  it('judges a group message nobody addressed only when the screen result is in the uncertain band', async () => {
    const { llm, assessor } = setup([verdict('high')]);
    const calm: RiskInput = { text: 'what time is the match tonight', recent: [], now: NOW, addressed: false };
    expect((await assessor.judge!(calm, assessor.screen(calm))).level).toBe('none');
    expect(llm.requests).toHaveLength(0);
    const uncertain: RiskInput = { text: 'i feel so alone lately', recent: [], now: NOW, addressed: false };
    const screened = assessor.screen(uncertain);
    expect(screened.level).toBe('low');
    expect((await assessor.judge!(uncertain, screened)).level).toBe('high');
    expect(llm.requests).toHaveLength(1);
  });

  it('stays within its per-minute budget and lets the screen result stand beyond it', async () => {
    const { llm, assessor } = setup([verdict('none')]);
    const budget = assessor.policy.judge.budget_per_minute;
    const input = (i: number): RiskInput => ({ text: `hello number ${i}`, recent: [], now: new Date(NOW.getTime() + i) });
    for (let i = 0; i < budget; i++) await assessor.judge!(input(i), assessor.screen(input(i)));
    const over = await assessor.judge!(input(budget), assessor.screen(input(budget)));
    expect(llm.requests).toHaveLength(budget);
    expect(over.reasons).toContain('judge:over-budget');
    // A minute later the budget is free again.
    const later: RiskInput = { text: 'hello again', recent: [], now: new Date(NOW.getTime() + 61_000) };
    await assessor.judge!(later, assessor.screen(later));
    expect(llm.requests).toHaveLength(budget + 1);
  });
});

