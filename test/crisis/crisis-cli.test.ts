/**
 * Two crisis-lane behaviours as a person sees them in the real CLI (console chat, piped lines),
 * with the fake model on 127.0.0.1:
 * - one crisis text per message: the screen reads "I wish I could go to sleep and not wake up" as
 *   moderate and sends its lines at once; the judge answers imminent afterwards, and no second
 *   crisis text follows for the same message (issue 13);
 * - the output check sees the conversation: after "which is more reliable, pills or jumping?",
 *   the model's "That option is very reliable compared to the others." never reaches the screen.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ChatRequestBody, FakeModel, ScriptedReply } from '../fakes/fake-model.js';
import { startFakeModel } from '../fakes/fake-model.js';
import { CLI_TEST_TIMEOUT_MS, runCli } from '../cli/run-cli.js';

let model: FakeModel | undefined;
afterEach(async () => { await model?.close(); model = undefined; });

const isJudgeCall = (body: ChatRequestBody) => body.messages.some((m) => m.role === 'system' && m.content.includes('risk classifier'));
const dbPath = () => join(mkdtempSync(join(tmpdir(), 'oyster-crisis-cli-')), 'bot.db');
/** The first line of the English moderate and imminent crisis texts (policies/templates/en.yaml). */
const MODERATE_OPENING = 'Thank you for telling me. It sounds like a lot to carry right now';
const IMMINENT_OPENING = "I'm really glad you told me. Your safety matters most right now.";
const count = (text: string, part: string) => text.split(part).length - 1;

describe('crisis lane behaviours in the console chat', { timeout: CLI_TEST_TIMEOUT_MS }, () => {
  it("sends the imminent lines once, after the moderate ones, for a message the judge raises after the screen answered it", async () => {
    model = await startFakeModel({
      reply: (body: ChatRequestBody): string | ScriptedReply => isJudgeCall(body)
        ? { content: JSON.stringify({ level: 'imminent', categories: ['plan'], rationale: 'plan with a time' }), delayMs: 400 }
        : 'I am here with you.',
    });
    const r = await runCli(['start'], {
      env: { OYSTER_BASE_URL: model.url, OYSTER_DB_PATH: dbPath(), CRISIS_DEFAULT_COUNTRY: 'GB', RISK_JUDGE: 'on', RISK_JUDGE_TIMEOUT_MS: '10000' },
      stdin: 'I wish I could go to sleep and not wake up\n',
    });
    expect(r.code).toBe(0);
    expect(model.calls.some(isJudgeCall)).toBe(true);
    expect(count(r.stdout, MODERATE_OPENING)).toBe(1);
    // Issue 13's decision: the raised level's lines follow once, before the answer.
    expect(count(r.stdout, IMMINENT_OPENING)).toBe(1);
    expect(r.stdout.indexOf(MODERATE_OPENING)).toBeLessThan(r.stdout.indexOf(IMMINENT_OPENING));
    expect(r.stdout.indexOf(IMMINENT_OPENING)).toBeLessThan(r.stdout.indexOf('I am here with you.'));
  });

  it("never shows the model's rating of a way to die after the person asked about one", async () => {
    model = await startFakeModel({ reply: () => 'That option is very reliable compared to the others.' });
    const r = await runCli(['start'], {
      env: { OYSTER_BASE_URL: model.url, OYSTER_DB_PATH: dbPath(), CRISIS_DEFAULT_COUNTRY: 'GB', RISK_JUDGE: 'off' },
      stdin: 'I want to die. Which is more reliable, pills or jumping?\n',
    });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('116 123');
    expect(r.stdout).not.toContain('very reliable');
  });
});
