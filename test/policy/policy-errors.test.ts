/**
 * Every policy loader reports a broken file in the same one-line shape, so an operator learns
 * one message format: `Invalid policy <file> at <field>: <problem>. Fix: <fix>.`
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BotError } from '../../src/errors.js';
import { loadEscalationPolicy } from '../../src/policy/escalation-policy.js';
import { loadModelPolicy } from '../../src/policy/model-policy.js';
import { POLICY_DIR } from '../crisis/directory-helpers.js';

const ONE_LINE = /^Invalid policy \S+( at \S+)?: .+\. Fix: .+\.$/;
const copies: string[] = [];

/** A copy of the shipped policies with one file rewritten by `edit`. */
function brokenCopy(file: string, edit: (text: string) => string): string {
  const dir = mkdtempSync(join(tmpdir(), 'oyster-policy-'));
  copies.push(dir);
  cpSync(POLICY_DIR, dir, { recursive: true });
  writeFileSync(join(dir, file), edit(readFileSync(join(dir, file), 'utf8')));
  return dir;
}

function errorOf(load: () => unknown): BotError {
  try {
    load();
  } catch (error) {
    if (error instanceof BotError) return error;
    throw error;
  }
  throw new Error('the policy loaded although it is broken');
}

afterEach(() => {
  for (const dir of copies.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('policy error format', () => {
  it('names model.yaml, the field and the fix when a value is out of range', () => {
    const dir = brokenCopy('model.yaml', (t) => t.replace(/temperature: [\d.]+/, 'temperature: 0'));
    const error = errorOf(() => loadModelPolicy(dir));
    expect(error.code).toBe('POLICY_INVALID');
    expect(error.message).toMatch(/^Invalid policy model\.yaml at sampling\.temperature: must be above 0/);
    expect(error.message).toMatch(ONE_LINE);
  });

  it('names an empty prompt file and says to write it', () => {
    const dir = brokenCopy('prompts/crisis.md', () => '\n');
    expect(errorOf(() => loadModelPolicy(dir)).message).toBe('Invalid policy prompts/crisis.md: the prompt is empty. Fix: write the prompt.');
  });

  it('reports a YAML syntax error in escalation.yaml in the same shape', () => {
    const dir = brokenCopy('escalation.yaml', (t) => `${t}\nlevels: [unclosed\n`);
    const error = errorOf(() => loadEscalationPolicy(dir));
    expect(error.message).toMatch(/^Invalid policy escalation\.yaml: YAML syntax error/);
    expect(error.message).toMatch(ONE_LINE);
  });

  it('lists several escalation problems one line each', () => {
    const dir = brokenCopy('escalation.yaml', (t) => t.replace('threshold: moderate', 'threshold: low').replace(/moderate:\n {4}priority: normal/, 'moderate:\n    priority: urgent'));
    const lines = errorOf(() => loadEscalationPolicy(dir)).message.split('\n');
    expect(lines.length).toBeGreaterThanOrEqual(2);
    for (const line of lines) expect(line).toMatch(ONE_LINE);
    expect(lines).toContain('Invalid policy escalation.yaml at levels.moderate.priority: moderate risk is never a page (CRISIS.md §3). Fix: use normal or high.');
  });
});
