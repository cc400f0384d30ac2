import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { casesCommand } from '../../src/cli/cases.js';
import { createEscalation } from '../../src/crisis/escalation.js';
import { createOutboxWorker } from '../../src/crisis/outbox.js';
import { silentLogger } from '../../src/logger.js';
import { CLI_TEST_TIMEOUT_MS, runCli } from '../cli/run-cli.js';
import { manualClock, MINUTE, POLICIES_DIR, recordingSink, signal, testDb } from './helpers.js';

// One test spawns the real CLI, which takes seconds to load on a busy machine.
describe('oyster-bot cases', { timeout: CLI_TEST_TIMEOUT_MS }, () => {
  let dir: string;
  let dbPath: string;
  let ids: { failing: number; delivered: number; resolved: number };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'oyster-cases-'));
    dbPath = join(dir, 'bot.db');
    const t = testDb(dbPath);
    const clock = manualClock();
    const webhook = recordingSink('webhook');
    const escalation = createEscalation({ cases: t.cases, messages: t.messages, sinks: ['webhook'], policy: t.policy, clock, logger: silentLogger });
    const worker = createOutboxWorker({ cases: t.cases, sinks: [webhook], policy: t.policy, clock, logger: silentLogger, random: () => 0 });

    const delivered = await escalation.raise(signal('moderate', { user: { id: '11', displayName: 'a' }, userKey: 'telegram:11' }));
    const resolved = await escalation.raise(signal('high', { user: { id: '12', displayName: 'b' }, userKey: 'telegram:12' }));
    await worker.drainOnce();
    await t.cases.applyAction({ kind: 'acknowledge', caseId: delivered.caseId!, actor: 'telegram:900', actorName: 'Mo', at: clock.now(), updateSinks: [] });
    await t.cases.applyAction({ kind: 'resolve', caseId: resolved.caseId!, actor: 'telegram:900', actorName: 'Mo', at: clock.now(), outcome: 'false_positive', updateSinks: [] });
    webhook.failing = true;
    const failing = await escalation.raise(signal('imminent', { user: { id: '13', displayName: 'c' }, userKey: 'telegram:13', excerpt: 'private words' }));
    // Five failed attempts within three minutes: failing, and still before the first re-alert.
    for (let i = 0; i < 6; i++) {
      await worker.drainOnce();
      clock.advance(MINUTE / 2);
    }
    ids = { failing: failing.caseId!, delivered: delivered.caseId!, resolved: resolved.caseId! };
    t.db.close();
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('prints every case with status, level, acknowledgement and a failing alert, and exits 1 while an alert fails', async () => {
    const { code, stdout, stderr } = await runCli(['cases', '--db', dbPath], { env: { OYSTER_POLICY_DIR: POLICIES_DIR, LOG_LEVEL: 'silent' } });
    expect(stderr).toBe('');
    expect(code).toBe(1);
    const lines = stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^id\s+status\s+level\s+platform\s+user key\s+opened \(UTC\)\s+acknowledged by\s+alerts$/);
    const row = (id: number) => lines.find((l) => l.startsWith(`#${id} `)) ?? '';
    expect(row(ids.failing)).toMatch(/open\s+imminent\s+telegram\s+telegram:13\s+2026-03-01 20:00\s+-\s+FAILING 1 \(ESCALATION_NOTIFY_FAILED:test_down\)$/);
    expect(row(ids.delivered)).toMatch(/acknowledged\s+moderate\s+.*telegram:900\s+sent 1$/);
    expect(row(ids.resolved)).toMatch(/resolved\s+high\s+/);
    expect(stdout).toContain('Outbox: 1 undelivered, 1 failing.');
    expect(stdout).not.toContain('private words');
  });

  it('lists only unresolved cases with --open', async () => {
    const out = new PassThrough();
    let text = '';
    out.on('data', (d: Buffer) => (text += d.toString()));
    const code = await casesCommand.run(['--open', '--db', dbPath, '--policies', POLICIES_DIR], {
      stdin: new PassThrough(), stdout: out, stderr: new PassThrough(), env: {},
    });
    expect(code).toBe(1);
    expect(text).toContain(`#${ids.failing} `);
    expect(text).toContain(`#${ids.delivered} `);
    expect(text).not.toContain(`#${ids.resolved} `);
  });

  it('rejects an unknown option with exit code 2', async () => {
    const err = new PassThrough();
    let text = '';
    err.on('data', (d: Buffer) => (text += d.toString()));
    const code = await casesCommand.run(['--all'], { stdin: new PassThrough(), stdout: new PassThrough(), stderr: err, env: {} });
    expect(code).toBe(2);
    expect(text).toContain('unknown option --all');
  });
});
