/**
 * Schemas for the detection policy in policies/detection/: one file per language of rules,
 * trajectory.yaml (conversation decay and multi-turn combinations) and judge.yaml (the model
 * judge's prompt). Each schema and its inferred type share a name. Field docs here are what a
 * policy editor sees when loading fails, so they say what is allowed.
 */
import { z } from 'zod';
import { RISK_LEVELS } from '../messages.js';

export const RiskLevelName = z.enum(RISK_LEVELS);

/**
 * What a rule found. The rule's category is also a signal, and rules may emit extra signals;
 * trajectory combinations and rules with `needs` read signals across the user's recent turns.
 */
export const SIGNALS = [
  'ideation_passive', // wish to be dead, not wanting to wake up (C-SSRS 1)
  'ideation_active', // thoughts of killing oneself (C-SSRS 2-3)
  'intent', // "I'm going to kill myself" (C-SSRS 4)
  'plan', // method plus time or place (C-SSRS 5)
  'method_seeking', // doses, heights, lethal amounts, "painless ways"
  'means', // the means at hand ("I have the pills here")
  'attempt', // behaviour in progress or just done
  'farewell', // goodbyes, notes, "last message"
  'giveaway', // giving possessions away, "won't need my X"
  'timeframe', // a date or time ("after Saturday", "tonight")
  'self_harm', // non-suicidal self-injury, done or sought
  'self_harm_urge', // urges without injury
  'eating_disorder',
  'veiled', // "won't be a problem much longer"
  'burden', // "everyone would be better off without me"
  'distress', // hopelessness, overwhelm, losses
  'third_party', // concern for someone else
  'negated', // explicit denial ("I would never kill myself")
  'harassment', // someone told the user to kill themselves
  'preparation', // settling affairs: a will, debts, cancelled contracts, deleted accounts
  'minor', // the user appears to be under 18 (raises their own risk, CRISIS.md §2)
  'context', // a neutral marker used only by `needs`
  'means_named', // a means named with nothing else (a weak signal for conversations; 'means' is means at hand)
  'ingested', // "I already took some" with no means named: an attempt once a means was named in the conversation
  'place', // a height or a place named with a question or a position (a weak signal for conversations)
] as const;
export const Signal = z.enum(SIGNALS);
export type Signal = z.infer<typeof Signal>;

const text = z.string().trim().min(1, 'must not be empty');

/** Literal phrases (word-bounded in Latin scripts, whitespace-flexible) and/or JavaScript regexes. */
export const Pattern = z
  .object({
    phrases: z.array(text).optional(),
    regex: z.array(text).optional(),
  })
  .strict()
  .refine((p) => (p.phrases?.length ?? 0) + (p.regex?.length ?? 0) > 0, {
    message: 'give at least one entry under phrases or regex',
  });
export type Pattern = z.infer<typeof Pattern>;

export const RuleExamples = z
  .object({
    match: z.array(text).min(1, 'list at least one message the rule must match'),
    no_match: z.array(text).min(1, 'list at least one look-alike message the rule must not match'),
  })
  .strict();

export const DetectionRule = z
  .object({
    /** "<language>.<category>.<name>", lower case: it becomes a reason code. */
    id: z.string().regex(/^[a-z]{2}\.[a-z0-9_-]+(\.[a-z0-9_-]+)*$/, 'must look like en.method.dose (lower case, dots)'),
    level: RiskLevelName,
    language: z.string().regex(/^[a-z]{2}$/, 'must be a two-letter language code such as en'),
    category: Signal,
    /** The model judge may not lower the result below this rule's level. */
    pin: z.boolean().default(false),
    match: Pattern,
    /** Suppresses a match when found in the same sentence (negation, idiom, gaming, news). */
    unless: Pattern.optional(),
    /** Suppresses a match when found anywhere in the message (a fiction or game context). */
    unless_message: Pattern.optional(),
    /** The rule's level applies only when one of these signals is in this message or the user's recent turns. */
    needs: z.array(Signal).min(1).optional(),
    /** The level when `needs` is not met (default none). */
    otherwise: RiskLevelName.default('none'),
    signals: z.array(Signal).default([]),
    /** Why the rule exists; for reviewers. */
    note: z.string().optional(),
    examples: RuleExamples,
  })
  .strict();
export type DetectionRule = z.infer<typeof DetectionRule>;

export const LanguageFile = z
  .object({
    language: z.string().regex(/^[a-z]{2}$/, 'must be a two-letter language code such as en'),
    name: text,
    /** Which script routes a message to these rules: latin, han (Chinese characters), kana (Japanese), cyrillic, arabic, hangul or devanagari. */
    script: z.enum(['latin', 'han', 'kana', 'cyrillic', 'arabic', 'hangul', 'devanagari']),
    /** Common words of the language, to guess it when no rule matched (for choosing templates). */
    markers: z.array(text).default([]),
    /**
     * Cheap stems; the file's rules run only when one occurs (checked as plain text: the literals
     * the stems require, see prefilter.ts). Every rule's match examples must contain one.
     */
    trigger: z.array(text).min(1, 'list the stems that every rule of this file needs'),
    rules: z.array(DetectionRule).min(1, 'a language file needs at least one rule'),
  })
  .strict();
export type LanguageFile = z.infer<typeof LanguageFile>;

const hours = z.number().positive('must be a positive number of hours');

export const Combination = z
  .object({
    id: z.string().regex(/^trajectory\.[a-z0-9_.-]+$/, 'must look like trajectory.farewell-giveaway'),
    /** Every one of these signals must occur in the window (any turns, in any order). */
    all: z.array(Signal).min(2, 'a combination needs at least two signals'),
    level: RiskLevelName,
    pin: z.boolean().default(false),
    /**
     * When set, every signal must have occurred within this many hours of the message: "I took
     * some" reads as an attempt right after a pills message, not two days later.
     */
    within_hours: z.number().positive().optional(),
    note: z.string().optional(),
  })
  .strict();

export const TrajectoryFile = z
  .object({
    window: z.object({ hours, turns: z.number().int().min(1).max(200) }).strict(),
    /**
     * How long a conversation's level holds before dropping one step; it then holds the next
     * level's time, and so on down to none.
     */
    decay: z
      .object({ imminent: hours, high: hours, moderate: hours, low: hours })
      .strict(),
    repeat: z
      .object({ within_hours: hours, min_level: RiskLevelName, raise_by: z.number().int().min(0).max(2), cap: RiskLevelName })
      .strict(),
    /**
     * Signals that raise the user's own level (CRISIS.md §2 "raise one level when the user
     * appears to be a minor"): when `signal` occurs in the window and the level is at least
     * `min_level`, raise it by `by`, never above `cap`.
     */
    raise: z
      .array(
        z
          .object({
            id: z.string().regex(/^trajectory\.[a-z0-9_.-]+$/, 'must look like trajectory.minor'),
            signal: Signal,
            min_level: RiskLevelName,
            by: z.number().int().min(1).max(2),
            cap: RiskLevelName,
          })
          .strict(),
      )
      .default([]),
    combinations: z.array(Combination).default([]),
    /**
     * Signals that stand for an act whose object is unnamed ("I already took some"): with no
     * earlier turn in the window to say what was taken, the message reads at `level`; after a
     * means message a combination decides, after a harmless one ("the photos are great") it is
     * about that, and stays as the rules read it.
     */
    unexplained: z
      .array(
        z
          .object({
            id: z.string().regex(/^trajectory\.[a-z0-9_.-]+$/, 'must look like trajectory.took-some-alone'),
            signal: Signal,
            level: RiskLevelName,
            note: z.string().optional(),
          })
          .strict(),
      )
      .default([]),
    /**
     * Weak signals that accumulate over the user's recent turns (issue 11 item 3): each signal
     * counts with its weight if it occurred within `within_hours` in at least one turn (times
     * `repeated.factor` when it is one of `repeated.signals` and occurred in two or more turns); when
     * the signals come from at least `min_turns` turns, the sum reaches the highest `levels`
     * entry whose `at` it meets.
     */
    accumulate: z
      .object({
        within_hours: hours,
        min_turns: z.number().int().min(1).max(20),
        /** A listed signal seen in two or more turns counts its weight `factor` times. */
        repeated: z.object({ factor: z.number().min(1).max(3), signals: z.array(Signal).min(1) }).strict().optional(),
        weights: z.partialRecord(Signal, z.number().min(0).max(10)),
        levels: z.array(z.object({ at: z.number().positive(), level: RiskLevelName }).strict()).min(1),
      })
      .strict()
      .optional(),
  })
  .strict();
export type TrajectoryFile = z.infer<typeof TrajectoryFile>;

export const JudgeFile = z
  .object({
    /**
     * json: the system prompt below and a JSON verdict (Oyster-1 or any instruction model).
     * llama_guard / qwen3guard: a guard model's own template and answer format; the system
     * prompt is not sent, and "Suicide & Self-Harm" (Llama Guard S11) maps to high.
     */
    format: z.enum(['json', 'llama_guard', 'qwen3guard']).default('json'),
    max_tokens: z.number().int().min(64).max(32_000),
    /** How many of the user's earlier turns the judge sees. */
    context_turns: z.number().int().min(0).max(50),
    /** Category codes the judge may return; anything else is dropped. */
    categories: z.array(z.string().regex(/^[a-z_]+$/, 'lower-case code with underscores')).min(1),
    system_prompt: text,
    /** At most this many judge calls per minute; beyond it the screen result stands (reason judge:over-budget). */
    budget_per_minute: z.number().int().min(1).max(100_000).default(60),
    /** Screen levels at which a group message not addressed to the bot is judged too. */
    uncertain_band: z.array(RiskLevelName).default(['low']),
  })
  .strict();
export type JudgeFile = z.infer<typeof JudgeFile>;
