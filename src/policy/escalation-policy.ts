/**
 * Loads policies/escalation.yaml: case threshold, alert priority and acknowledgement targets
 * per level, outbox retry backoff, retention and what /forget keeps. Validated with zod at
 * load; any problem stops startup with a message that names the field and how to fix it.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';
import { BotError } from '../errors.js';
import { RISK_LEVELS, riskRank, type RiskLevel } from '../messages.js';
import type { AlertPriority } from '../ports.js';
import { AUDIT_FIELDS, type AuditField } from '../crisis/case-store.js';

const PRIORITIES = ['normal', 'high', 'urgent'] as const;

const LevelSchema = z.strictObject({
  priority: z.enum(PRIORITIES),
  ack_target_minutes: z.number().positive(),
  realert_interval_minutes: z.number().positive(),
  resource_resend_minutes: z.number().min(0),
});

const FileSchema = z.strictObject({
  threshold: z.enum(RISK_LEVELS),
  levels: z.partialRecord(z.enum(RISK_LEVELS), LevelSchema),
  outbox: z.strictObject({
    retry_base_seconds: z.number().positive(),
    retry_max_seconds: z.number().positive(),
    failing_after_attempts: z.int().min(1),
    poll_seconds: z.number().positive(),
    sink_timeout_seconds: z.number().positive(),
  }),
  case_retention_days: z.int().min(1),
  forget: z.strictObject({ keep_audit_fields: z.array(z.enum(AUDIT_FIELDS)) }),
});

export interface LevelPolicy {
  priority: AlertPriority;
  ackTargetMs: number;
  realertIntervalMs: number;
  resourceResendMs: number;
}

export interface EscalationPolicy {
  threshold: RiskLevel;
  /** Present for every level at or above the threshold (checked at load). */
  levels: Partial<Record<RiskLevel, LevelPolicy>>;
  outbox: {
    retryBaseMs: number;
    retryMaxMs: number;
    /** Attempts after which an undelivered alert is reported as failing (it keeps retrying). */
    failingAfterAttempts: number;
    pollMs: number;
    sinkTimeoutMs: number;
  };
  caseRetentionDays: number;
  forgetKeepsAuditFields: AuditField[];
}

const MINUTE = 60_000;

/** Parses and validates the YAML text; `source` names the file in error messages. */
export function parseEscalationPolicy(text: string, source = 'policies/escalation.yaml'): EscalationPolicy {
  let raw: unknown;
  try {
    raw = parse(text);
  } catch (error) {
    throw invalid(source, [`not valid YAML (${(error as Error).message.split('\n')[0]})`], error);
  }
  const result = FileSchema.safeParse(raw);
  if (!result.success) {
    throw invalid(source, result.error.issues.map((i) => `${i.path.join('.') || '(top level)'}: ${i.message}`));
  }
  const f = result.data;
  const problems: string[] = [];
  const levels: Partial<Record<RiskLevel, LevelPolicy>> = {};
  for (const level of RISK_LEVELS) {
    const entry = f.levels[level];
    if (!entry) {
      if (riskRank(level) >= riskRank(f.threshold)) {
        problems.push(`levels.${level}: missing; every level at or above threshold "${f.threshold}" needs an entry`);
      }
      continue;
    }
    levels[level] = {
      priority: entry.priority,
      ackTargetMs: entry.ack_target_minutes * MINUTE,
      realertIntervalMs: entry.realert_interval_minutes * MINUTE,
      resourceResendMs: entry.resource_resend_minutes * MINUTE,
    };
  }
  // A higher level must never be quieter or slower than a lower one (CRISIS.md §3).
  const ordered = RISK_LEVELS.filter((l) => levels[l]);
  for (let i = 1; i < ordered.length; i++) {
    const lower = levels[ordered[i - 1]!]!;
    const higher = levels[ordered[i]!]!;
    if (PRIORITIES.indexOf(higher.priority) < PRIORITIES.indexOf(lower.priority)) {
      problems.push(`levels.${ordered[i]}.priority: must not be lower than levels.${ordered[i - 1]}.priority`);
    }
    if (higher.ackTargetMs > lower.ackTargetMs) {
      problems.push(`levels.${ordered[i]}.ack_target_minutes: must not be longer than levels.${ordered[i - 1]}'s`);
    }
  }
  if (levels.moderate?.priority === 'urgent') {
    problems.push('levels.moderate.priority: moderate risk is never a page (CRISIS.md §3); use normal or high');
  }
  if (f.outbox.retry_max_seconds < f.outbox.retry_base_seconds) {
    problems.push('outbox.retry_max_seconds: must be at least outbox.retry_base_seconds');
  }
  if (problems.length > 0) throw invalid(source, problems);
  return {
    threshold: f.threshold,
    levels,
    outbox: {
      retryBaseMs: f.outbox.retry_base_seconds * 1000,
      retryMaxMs: f.outbox.retry_max_seconds * 1000,
      failingAfterAttempts: f.outbox.failing_after_attempts,
      pollMs: f.outbox.poll_seconds * 1000,
      sinkTimeoutMs: f.outbox.sink_timeout_seconds * 1000,
    },
    caseRetentionDays: f.case_retention_days,
    forgetKeepsAuditFields: [...f.forget.keep_audit_fields],
  };
}

/** Reads `<policiesDir>/escalation.yaml`. */
export function loadEscalationPolicy(policiesDir: string): EscalationPolicy {
  const path = join(policiesDir, 'escalation.yaml');
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw invalid(path, ['cannot be read; restore policies/escalation.yaml from the repository'], error);
  }
  return parseEscalationPolicy(text, path);
}

/** The policy for a level at or above the threshold; below it, the threshold's entry. */
export function levelPolicy(policy: EscalationPolicy, level: RiskLevel): LevelPolicy {
  const entry = policy.levels[level] ?? policy.levels[policy.threshold];
  if (!entry) throw new BotError(`escalation policy has no entry for ${level}`, 'POLICY_INVALID');
  return entry;
}

function invalid(source: string, problems: string[], cause?: unknown): BotError {
  const message = [
    `${source} is invalid:`,
    ...problems.map((p) => `  - ${p}`),
    'Fix these fields (each is described in the comments of policies/escalation.yaml) and start again.',
  ].join('\n');
  return new BotError(message, 'POLICY_INVALID', cause === undefined ? {} : { cause });
}
