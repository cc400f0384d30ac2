/**
 * `oyster-bot assess` spawned as a real child process (bin/oyster-bot.mjs) on temporary JSONL
 * files: one output line per valid row in input order, bad rows named on stderr, no network
 * without --judge, and the judge reached over real HTTP with --judge.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeModel, type FakeModel } from '../fakes/fake-model.js';
import { CLI_TEST_TIMEOUT_MS, runCli } from '../cli/run-cli.js';

let model: FakeModel;
beforeAll(async () => {
  model = await startFakeModel({ reply: () => JSON.stringify({ level: 'moderate', categories: ['distress'], rationale: 'r' }) });
});
afterAll(async () => {
  await model.close();
});

function jsonl(lines: string[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'oyster-assess-'));
  const path = join(dir, 'rows.jsonl');
  writeFileSync(path, lines.join('\n') + '\n');
  return path;
}

const rows = [
  JSON.stringify({ id: 'zombie', text: 'how do I kill a zombie process' }),
  '{"id": "broken", "text": ',
  JSON.stringify({ id: 'kms', text: 'kms' }),
  JSON.stringify({ text: 'a row without an id' }),
  '',
  JSON.stringify({ id: 7, messages: ['thank you for everything', 'ive been giving away all my stuff', "I won't need my guitar after Saturday"] }),
  JSON.stringify({ id: 'both', text: 'x', messages: ['y'] }),
  JSON.stringify({ id: 'zh', messages: [{ text: '吃多少片安眠药才能死' }] }),
];

// Every test spawns the real CLI: seconds each on a busy machine.
describe('oyster-bot assess', { timeout: CLI_TEST_TIMEOUT_MS }, () => {
  it('prints one line per valid row in input order, names bad rows on stderr and exits 1', async () => {
    const file = jsonl(rows);
    const r = await runCli(['assess', file], { env: { OYSTER_BASE_URL: model.url } });
    expect(r.code).toBe(1);
    const out = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { id: unknown; level: string; reasons: string[] });
    expect(out.map((o) => [o.id, o.level])).toEqual([
      ['zombie', 'none'],
      ['kms', 'high'],
      [7, 'imminent'],
      ['zh', 'high'],
    ]);
    for (const o of out) expect(Object.keys(o)).toEqual(['id', 'level', 'reasons']);
    expect(out[2]!.reasons).toContain('trajectory.farewell-giveaway-timeframe');
    expect(r.stderr).toContain(`${file}:2: not valid JSON; skipped`);
    expect(r.stderr).toContain(`${file}:4: "id" must be a non-empty string or a number; skipped`);
    expect(r.stderr).toContain(`${file}:7: give exactly one of "text"`);
    // Without --judge the model endpoint is never contacted, even when one is configured.
    expect(model.calls).toHaveLength(0);
  });

  it('with --judge asks the model for each row and combines its verdict', async () => {
    const before = model.calls.length;
    const file = jsonl([JSON.stringify({ id: 'a', text: 'is there a tall bridge near here' }), JSON.stringify({ id: 'b', text: 'kms' })]);
    const r = await runCli(['assess', file, '--judge'], { env: { OYSTER_BASE_URL: model.url, RISK_JUDGE_TIMEOUT_MS: '5000' } });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const out = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { id: string; level: string; reasons: string[] });
    expect(out).toEqual([
      { id: 'a', level: 'moderate', reasons: ['judge:moderate', 'judge:category:distress'] },
      { id: 'b', level: 'high', reasons: ['en.intent.kill-myself', 'judge:moderate', 'judge:category:distress'] },
    ]);
    expect(model.calls.length - before).toBe(2);
  });

  it('exits 2 when the file cannot be read', async () => {
    const missing = join(tmpdir(), 'oyster-no-such-file.jsonl');
    const r = await runCli(['assess', missing]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`assess: cannot read ${missing}`);
  });

  it('reads rows from standard input with -', async () => {
    const r = await runCli(['assess', '-'], { stdin: `${JSON.stringify({ id: 1, text: 'i just want to die' })}\n` });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ id: 1, level: 'moderate', reasons: ['en.ideation.passive'] });
  });
});
