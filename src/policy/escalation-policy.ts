/**
 * Loads policies/escalation.yaml: case threshold, alert priority and acknowledgement targets
 * per level, outbox retry backoff, the optional digest, retention and what /forget keeps. Validated with zod at
 * load; any problem stops startup with a message that names the field and how to fix it.
 */
import { z } from 'zod';
import { BotError } from '../errors.js';
import { RISK_LEVELS, riskRank, type RiskLevel } from '../messages.js';
import type { AlertPriority } from '../ports.js';
import { AUDIT_FIELDS, type AuditField } from '../store/case-store.js';
import { parseYamlText, policyProblems, readPolicyText, schemaProblems, type PolicyProblem } from './policy-file.js';

const PRIORITIES = ['normal', 'high', 'urgent'] as const;
/** Divisors of 24, so the digest goes out at the same times every day. */
const DIGEST_HOURS = [1, 2, 3, 4, 6, 8, 12, 24] as const;

const LevelSchema = z.strictObject({
  priority: z.enum(PRIORITIES),
  ack_target_minutes: z.number().positive(),
  realert_interval_minutes: z.number().positive(),
  resource_resend_minutes: z.number().min(0),
});

const FileSchema = z.strictObject({
  threshold: z.enum(RISK_LEVELS),
  group_step_in: z.enum(RISK_LEVELS).optional(),
  levels: z.partialRecord(z.enum(RISK_LEVELS), LevelSchema),
  outbox: z.strictObject({
    retry_base_seconds: z.number().positive(),
    retry_max_seconds: z.number().positive(),
    failing_after_attempts: z.int().min(1),
    poll_seconds: z.number().positive(),
    sink_timeout_seconds: z.number().positive(),
  }),
  // Optional: a file without it has no digest.
  digest: z.strictObject({
    enabled: z.boolean(),
    levels: z.array(z.enum(RISK_LEVELS)).min(1),
    first_at_utc: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a time of day as "HH:MM" (24 h, UTC)'),
    every_hours: z.int().refine((h) => (DIGEST_HOURS as readonly number[]).includes(h), {
      message: `must divide 24 (${DIGEST_HOURS.join(', ')}) so the digest comes at the same hours every day`,
    }),
  }).optional(),
  // Optional sections (issue 12): a file without them gets the defaults below.
  reply_deadline_seconds: z.number().positive().max(120).optional(),
  resource_delivery: z.strictObject({
    retry_base_seconds: z.number().positive(),
    retry_max_seconds: z.number().positive(),
    poll_seconds: z.number().positive(),
  }).optional(),
  false_positive_hold_off_hours: z.number().min(0).optional(),
  paging: z.strictObject({
    on_call: z.array(z.string().regex(/^[a-z]+:[^\s:]+$/, 'must be "platform:userId", such as "discord:123456789"')),
    page_next_after_minutes: z.number().positive(),
    max_realerts_per_sink: z.int().min(1),
    digest_when_open_cases_over: z.int().min(1),
  }).optional(),
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
  /**
   * A group message that neither mentions nor replies to the bot gets a public answer (resources
   * and a note) only at this level or above; between the threshold and it, only an alert.
   */
  groupStepIn: RiskLevel;
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
  /**
   * When enabled, 'new' and 'escalated' alerts at these levels wait in the outbox and go out as
   * one digest per sink at `firstAtMinutesUtc` and every `everyMs` after it (CRISIS.md §3:
   * moderate alerts, "a digest where the community configures one"). Only normal-priority
   * levels can be listed (checked at load), so a high or imminent alert never waits.
   */
  digest: DigestPolicy;
  caseRetentionDays: number;
  forgetKeepsAuditFields: AuditField[];
  /** In a conversation at risk the bot answers within this time, with the reviewed safe reply if the model has not (issue 12 item 4). */
  replyDeadlineMs: number;
  /** Retries of crisis resources the platform did not confirm (the resource-delivery queue). */
  resourceDelivery: { retryBaseMs: number; retryMaxMs: number; pollMs: number };
  /** After a false_positive resolve: the person's carried level is reset and re-paging held off this long. */
  falsePositiveHoldOffMs: number;
  paging: PagingPolicy;
}

export interface PagingPolicy {
  /** Moderators paged in turn at urgent priority ("platform:userId"); empty: alerts page nobody by name. */
  onCall: string[];
  /** An urgent case nobody acknowledged pages the next on-call moderator after this long. */
  pageNextAfterMs: number;
  /** Re-alerts of one case per sink; after that the case waits for a moderator without more noise. */
  maxRealertsPerSink: number;
  /** With more unacknowledged cases due for a re-alert than this, re-alerts go out as one digest per sink. */
  digestWhenOpenCasesOver: number;
}

export const DEFAULT_PAGING: PagingPolicy = { onCall: [], pageNextAfterMs: 5 * 60_000, maxRealertsPerSink: 6, digestWhenOpenCasesOver: 5 };

export interface DigestPolicy {
  enabled: boolean;
  levels: RiskLevel[];
  /** Minutes after midnight UTC of the first digest of the day. */
  firstAtMinutesUtc: number;
  everyMs: number;
}

/** The default when the file has no `digest` section: off. */
export const NO_DIGEST: DigestPolicy = { enabled: false, levels: [], firstAtMinutesUtc: 9 * 60, everyMs: 24 * 60 * 60_000 };

const MINUTE = 60_000;

/** Every cross-field problem points at the comments in the file, which describe each field. */
const FIX = 'each field is described in the comments of policies/escalation.yaml';

/** Parses and validates the YAML text; `source` names the file in error messages. */
export function parseEscalationPolicy(text: string, source = 'escalation.yaml'): EscalationPolicy {
  const raw = parseYamlText(source, text);
  const result = FileSchema.safeParse(raw);
  if (!result.success) throw policyProblems(source, schemaProblems(result.error));
  const f = result.data;
  const problems: PolicyProblem[] = [];
  const problem = (field: string, what: string, fix = FIX) => problems.push({ field, problem: what, fix });
  const levels: Partial<Record<RiskLevel, LevelPolicy>> = {};
  for (const level of RISK_LEVELS) {
    const entry = f.levels[level];
    if (!entry) {
      if (riskRank(level) >= riskRank(f.threshold)) {
        problem(`levels.${level}`, `missing; every level at or above threshold "${f.threshold}" needs an entry`, `add levels.${level}`);
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
      problem(`levels.${ordered[i]}.priority`, `must not be lower than levels.${ordered[i - 1]}.priority`);
    }
    if (higher.ackTargetMs > lower.ackTargetMs) {
      problem(`levels.${ordered[i]}.ack_target_minutes`, `must not be longer than levels.${ordered[i - 1]}'s`);
    }
  }
  if (levels.moderate?.priority === 'urgent') {
    problem('levels.moderate.priority', 'moderate risk is never a page (CRISIS.md §3)', 'use normal or high');
  }
  if (f.resource_delivery && f.resource_delivery.retry_max_seconds < f.resource_delivery.retry_base_seconds) {
    problem('resource_delivery.retry_max_seconds', 'must be at least resource_delivery.retry_base_seconds');
  }
  if (f.group_step_in !== undefined && riskRank(f.group_step_in) < riskRank(f.threshold)) {
    problem('group_step_in', `"${f.group_step_in}" is below the threshold "${f.threshold}"`, 'use the threshold or a higher level');
  }
  if (f.outbox.retry_max_seconds < f.outbox.retry_base_seconds) {
    problem('outbox.retry_max_seconds', 'must be at least outbox.retry_base_seconds');
  }
  // Checked even while disabled, so turning the digest on can never be what breaks startup.
  for (const [i, level] of (f.digest?.levels ?? []).entries()) {
    const entry = levels[level];
    if (!entry) {
      problem(`digest.levels[${i}]`, `"${level}" is below the threshold "${f.threshold}" and raises no alert`, 'list only levels that have an entry under levels');
    } else if (entry.priority !== 'normal') {
      problem(`digest.levels[${i}]`, `"${level}" alerts are ${entry.priority} priority and must never wait for a digest`, 'list only normal-priority levels (moderate)');
    }
  }
  if (f.digest && new Set(f.digest.levels).size !== f.digest.levels.length) {
    problem('digest.levels', 'lists a level twice', 'list each level once');
  }
  if (problems.length > 0) throw policyProblems(source, problems);
  return {
    threshold: f.threshold,
    groupStepIn: f.group_step_in ?? 'high',
    levels,
    outbox: {
      retryBaseMs: f.outbox.retry_base_seconds * 1000,
      retryMaxMs: f.outbox.retry_max_seconds * 1000,
      failingAfterAttempts: f.outbox.failing_after_attempts,
      pollMs: f.outbox.poll_seconds * 1000,
      sinkTimeoutMs: f.outbox.sink_timeout_seconds * 1000,
    },
    digest: f.digest
      ? {
          enabled: f.digest.enabled,
          levels: [...f.digest.levels],
          firstAtMinutesUtc: Number(f.digest.first_at_utc.slice(0, 2)) * 60 + Number(f.digest.first_at_utc.slice(3)),
          everyMs: f.digest.every_hours * 60 * MINUTE,
        }
      : NO_DIGEST,
    caseRetentionDays: f.case_retention_days,
    forgetKeepsAuditFields: [...f.forget.keep_audit_fields],
    replyDeadlineMs: (f.reply_deadline_seconds ?? 20) * 1000,
    resourceDelivery: {
      retryBaseMs: (f.resource_delivery?.retry_base_seconds ?? 2) * 1000,
      retryMaxMs: (f.resource_delivery?.retry_max_seconds ?? 60) * 1000,
      pollMs: (f.resource_delivery?.poll_seconds ?? 2) * 1000,
    },
    falsePositiveHoldOffMs: (f.false_positive_hold_off_hours ?? 24) * 60 * MINUTE,
    paging: f.paging
      ? {
          onCall: [...f.paging.on_call],
          pageNextAfterMs: f.paging.page_next_after_minutes * MINUTE,
          maxRealertsPerSink: f.paging.max_realerts_per_sink,
          digestWhenOpenCasesOver: f.paging.digest_when_open_cases_over,
        }
      : DEFAULT_PAGING,
  };
}

/** Reads `<policiesDir>/escalation.yaml`. */
export function loadEscalationPolicy(policiesDir: string): EscalationPolicy {
  return parseEscalationPolicy(readPolicyText(policiesDir, 'escalation.yaml'));
}

/** The policy for a level at or above the threshold; below it, the threshold's entry. */
export function levelPolicy(policy: EscalationPolicy, level: RiskLevel): LevelPolicy {
  const entry = policy.levels[level] ?? policy.levels[policy.threshold];
  if (!entry) throw new BotError(`escalation policy has no entry for ${level}`, 'POLICY_INVALID');
  return entry;
}

/**
 * When an alert at `level` raised at `now` goes out: undefined for "at once" (digest off, or the
 * level is not digested), else the first digest time strictly after `now`.
 */
export function digestTime(policy: EscalationPolicy, level: RiskLevel, now: Date): Date | undefined {
  const d = policy.digest;
  if (!d.enabled || !d.levels.includes(level)) return undefined;
  const dayStart = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  // Slots are first_at + k·every within each UTC day; every_hours divides 24, so they repeat daily.
  const sinceFirst = now.getTime() - (dayStart + d.firstAtMinutesUtc * MINUTE);
  const k = Math.floor(sinceFirst / d.everyMs) + 1;
  return new Date(dayStart + d.firstAtMinutesUtc * MINUTE + k * d.everyMs);
}
