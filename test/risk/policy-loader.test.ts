/**
 * An invalid detection policy stops startup with one BotError POLICY_INVALID whose message names
 * the file, the path inside it and how to fix it. Each broken folder lives under
 * test/fixtures/policies/detection-<scenario>/.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BotError } from '../../src/errors.js';
import { createRiskAssessor } from '../../src/risk/assessor.js';
import { loadDetectionPolicy } from '../../src/risk/policy-loader.js';
import { FIXTURES, POLICY_DIR } from './helpers.js';

function failure(scenario: string): BotError {
  try {
    loadDetectionPolicy(join(FIXTURES, `detection-${scenario}`));
  } catch (error) {
    expect(error).toBeInstanceOf(BotError);
    expect((error as BotError).code).toBe('POLICY_INVALID');
    return error as BotError;
  }
  throw new Error(`fixture ${scenario} loaded without error`);
}

const file = (scenario: string, name = 'en.yaml') => `detection-${scenario}/detection/${name}`;

describe('broken detection policies', () => {
  it.each([
    ['bad-level', 'rules.0 (en.test.rule).level: must be one of: none, low, moderate, high, imminent (got "severe")'],
    ['bad-regex', 'rules.0 (en.test.rule).match.regex.0: is not a valid regular expression'],
    ['uppercase-regex', 'match.regex.0: has upper-case letters; write patterns in lower case'],
    ['example-does-not-match', 'examples.match "i want to end it all" does not match. Fix the pattern or the example.'],
    ['no-match-matches', 'examples.no_match "sometimes i want to kill myself" matches. Fix: add an unless entry or narrow the pattern.'],
    ['trigger-gap', 'contains none of the file\'s trigger stems, so the rule could never run. Fix: add a stem to trigger.'],
    ['unknown-key', 'rules.0 (en.test.rule): Unrecognized key: "levle". Fix: remove or rename the key'],
    ['duplicate-id', 'rules.1.id: "en.test.rule" is already used in'],
    ['language-mismatch', 'rules.0.language: "es" differs from the file\'s language "en"'],
    ['yaml-syntax', 'not valid YAML ('],
  ])('%s names the file, the path and the fix', (scenario, expected) => {
    const error = failure(scenario);
    expect(error.message).toContain(file(scenario));
    expect(error.message).toContain(expected);
  });

  it('a raise rule naming an unknown signal is refused with the list of signals', () => {
    const message = failure('bad-raise').message;
    expect(message).toContain(file('bad-raise', 'trajectory.yaml'));
    expect(message).toContain('raise.0.signal: must be one of:');
    expect(message).toContain('(got "teenager")');
  });

  it('a missing trajectory.yaml is named', () => {
    expect(failure('missing-trajectory').message).toContain(`${file('missing-trajectory', 'trajectory.yaml')}: missing.`);
  });

  it('a folder without language files is refused', () => {
    expect(failure('no-language-files').message).toContain('no language files. Fix: add at least policies/detection/en.yaml.');
  });

  it('a YAML syntax error is reported once, not again as a schema error', () => {
    expect(failure('yaml-syntax').message.split('\n')).toHaveLength(2);
  });

  it('createRiskAssessor refuses to build on a broken policy', () => {
    expect(() => createRiskAssessor({ policyDir: join(FIXTURES, 'detection-bad-regex') })).toThrow(/POLICY_INVALID|not a valid regular expression/);
  });

  it('a missing folder says where the policy was looked for', () => {
    expect(() => loadDetectionPolicy(join(FIXTURES, 'does-not-exist'))).toThrow(/cannot read the detection policy folder.*OYSTER_POLICY_DIR/);
  });
});

describe('valid policies', () => {
  it('the minimal fixture loads and screens', () => {
    const assessor = createRiskAssessor({ policyDir: join(FIXTURES, 'detection-valid-minimal') });
    expect(assessor.screen({ text: 'i want to kill myself', recent: [], now: new Date() }).level).toBe('high');
  });

  it('the shipped policy loads and records a content hash as its version by default', () => {
    const assessor = createRiskAssessor({ policyDir: POLICY_DIR });
    expect(assessor.policyVersion).toMatch(/^[0-9a-f]{12}$/);
    expect(assessor.screen({ text: 'hi', recent: [], now: new Date() }).policyVersion).toBe(assessor.policyVersion);
  });
});
