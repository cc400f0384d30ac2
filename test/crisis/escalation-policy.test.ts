import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadEscalationPolicy, parseEscalationPolicy } from '../../src/policy/escalation-policy.js';
import { POLICIES_DIR } from './helpers.js';

const shipped = readFileSync(join(POLICIES_DIR, 'escalation.yaml'), 'utf8');

describe('escalation policy', () => {
  it('loads the shipped policy with the targets of CRISIS.md §3', () => {
    const p = loadEscalationPolicy(POLICIES_DIR);
    expect(p.threshold).toBe('moderate');
    expect(p.levels.moderate).toMatchObject({ priority: 'normal', ackTargetMs: 60 * 60_000 });
    expect(p.levels.high).toMatchObject({ priority: 'high', ackTargetMs: 15 * 60_000 });
    expect(p.levels.imminent).toMatchObject({ priority: 'urgent', ackTargetMs: 5 * 60_000, realertIntervalMs: 5 * 60_000 });
    expect(p.outbox.failingAfterAttempts).toBeGreaterThan(0);
    expect(p.forgetKeepsAuditFields).not.toContain('note');
  });

  it('names the field, the permitted values and the fix when a priority is misspelled', () => {
    const broken = shipped.replace('priority: urgent', 'priority: page');
    expect(() => parseEscalationPolicy(broken)).toThrow(
      /^Invalid policy escalation\.yaml at levels\.imminent\.priority: .*"normal".*"high".*"urgent".*Fix: /,
    );
  });

  it('reads the group step-in level, high when unset, and refuses one below the threshold', () => {
    expect(parseEscalationPolicy(shipped).groupStepIn).toBe('high');
    expect(parseEscalationPolicy(shipped.replace('group_step_in: high', 'group_step_in: imminent')).groupStepIn).toBe('imminent');
    expect(parseEscalationPolicy(shipped.replace(/\ngroup_step_in: high\n/, '\n')).groupStepIn).toBe('high');
    expect(() => parseEscalationPolicy(shipped.replace('group_step_in: high', 'group_step_in: low')))
      .toThrow('Invalid policy escalation.yaml at group_step_in: "low" is below the threshold "moderate". Fix: use the threshold or a higher level.');
  });

  it('stops when a level at or above the threshold has no entry', () => {
    const broken = shipped.replace('threshold: moderate', 'threshold: low');
    expect(() => parseEscalationPolicy(broken)).toThrow(/at levels\.low: missing; every level at or above threshold "low" needs an entry/);
  });

  it('stops when moderate is set to page or a higher level acknowledges more slowly', () => {
    const paging = shipped.replace(/moderate:\n {4}priority: normal/, 'moderate:\n    priority: urgent');
    expect(() => parseEscalationPolicy(paging)).toThrow(/moderate risk is never a page/);
    const slow = shipped.replace('ack_target_minutes: 5\n', 'ack_target_minutes: 30\n');
    expect(() => parseEscalationPolicy(slow)).toThrow(/at levels\.imminent\.ack_target_minutes: must not be longer/);
  });

  it('rejects unknown keys, unknown audit fields and broken YAML with POLICY_INVALID', () => {
    expect(() => parseEscalationPolicy(`${shipped}\nextra: 1\n`)).toThrow(/Unrecognized key.*extra/);
    expect(() => parseEscalationPolicy(shipped.replace('policy_version]', 'user_id]'))).toThrow(/at forget\.keep_audit_fields\[3\]/);
    try {
      parseEscalationPolicy('levels: [unclosed');
      expect.unreachable();
    } catch (error) {
      expect(error).toMatchObject({ code: 'POLICY_INVALID' });
      expect((error as Error).message).toContain('YAML syntax error');
    }
  });
});
