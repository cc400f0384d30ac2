/**
 * Issue 13: "the engine enters each file once per message". The engine is one pipeline in
 * src/engine.ts with each step's work in a file of src/engine/, and the crisis step has one owner
 * file per member of its seam. Following one at-risk message, each of those files must be entered
 * once: a step split across two files, or a callback back into the pipeline, makes a reader jump
 * back and forth. Measured by scripts/trace-message.ts, which runs the real bot (SQLite, the fake
 * model) under the inspector and prints every entry into these files in order.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);

/** The route the script prints: one line per entry, `  <file> <function> <- <caller>`. */
function routeOf(stdout: string): string[] {
  const lines = stdout.split('\n');
  const start = lines.findIndex((l) => l.startsWith('route through '));
  expect(start, stdout).toBeGreaterThanOrEqual(0);
  return lines.slice(start + 1).filter((l) => l.startsWith('  ')).map((l) => l.trim().split(' ')[0]!);
}

describe('one at-risk message through the pipeline', () => {
  it('enters each engine step file and each crisis step owner once, in pipeline order', { timeout: 180_000 }, async () => {
    const { stdout } = await run(process.execPath, ['--import', 'tsx', 'scripts/trace-message.ts', '--route-only'], { timeout: 170_000, maxBuffer: 8 << 20 });
    const route = routeOf(stdout);
    expect(route).toEqual([
      'src/engine.ts',
      'src/engine/intake.ts',
      'src/engine/triage.ts',
      'src/crisis/follow-up.ts',
      'src/crisis/responder.ts',
      'src/engine/reply.ts',
      'src/crisis/hand-off.ts',
      'src/engine/answer.ts',
      'src/crisis/reply-check.ts',
      'src/engine/turns.ts',
      'src/engine/record.ts',
    ]);
  });
});
