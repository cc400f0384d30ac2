import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BotError } from '../../src/errors.js';
import { loadDirectory } from '../../src/crisis/directory.js';
import { createOutputCheck } from '../../src/crisis/output-check.js';
import { FIXTURE_DIR, POLICY_DIR, policyWithFixture } from './directory-helpers.js';

// The detection-* folders belong to the risk screen's own fixture test (test/risk/).
const scenarios = readdirSync(FIXTURE_DIR).filter((name) => !name.startsWith('detection-')).sort();

function loadAll(dir: string): unknown {
  return createOutputCheck(dir, loadDirectory(dir));
}

describe('broken policy folders', () => {
  it('has a fixture for each class of policy mistake', () => {
    expect(scenarios.length).toBeGreaterThanOrEqual(19);
  });

  it('loads the shipped policies without error', () => {
    expect(typeof loadAll(POLICY_DIR)).toBe('function');
  });

  it.each(scenarios)('stops startup with a message naming the file, field and fix: %s', (scenario) => {
    const expected = readFileSync(join(FIXTURE_DIR, scenario, 'expected-error.txt'), 'utf8').trim();
    const dir = policyWithFixture(scenario);
    try {
      let thrown: unknown;
      try {
        loadAll(dir);
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(BotError);
      expect((thrown as BotError).code).toBe('POLICY_INVALID');
      expect((thrown as BotError).message).toBe(expected);
      expect((thrown as BotError).message).toMatch(/^Invalid policy \S+\.yaml( at \S+)?: .+\. Fix: .+\.$/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
