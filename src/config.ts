/**
 * Configuration from the environment (and an optional .env file), validated once at start.
 * A wrong value stops the bot with one line naming the variable and what it expects
 * (exit code 2, from the CLI). Platform variables are validated by each adapter's config.ts.
 */
import { existsSync, readFileSync } from 'node:fs';
import { parseEnv } from 'node:util';
import { z } from 'zod';
import { BotError } from './errors.js';
import { BUNDLED_POLICY_DIR } from './policy/version.js';

export type Env = Record<string, string | undefined>;

const int = (min: number, max: number) =>
  z.string().trim().regex(/^\d+$/, `a whole number from ${min} to ${max}`).transform(Number)
    .refine((n) => n >= min && n <= max, `a whole number from ${min} to ${max}`);
const url = z.string().trim().refine((v) => /^https?:\/\/[^\s]+$/.test(v), 'an http(s) URL such as http://127.0.0.1:8000/v1');
const list = z.string().transform((v) => v.split(',').map((s) => s.trim()).filter(Boolean));
const country = z.string().trim().toUpperCase().regex(/^[A-Z]{2}$/, 'a two-letter ISO country code such as US or DE');
const onOff = z.enum(['on', 'off']);

/** Every variable the core reads, its default, and what a wrong value should say. */
const schema = z.object({
  OYSTER_DB_PATH: z.string().trim().min(1).default('./data/oyster-bot.db'),
  /** postgres://… selects the PostgreSQL store (several instances on one database); unset: SQLite at OYSTER_DB_PATH. */
  DATABASE_URL: z.string().trim().regex(/^postgres(ql)?:\/\/\S+$/, 'a postgres://user:password@host:5432/database URL').optional(),
  /** This instance's name among several on one PostgreSQL (default: the host name); stable across restarts. */
  OYSTER_INSTANCE_ID: z.string().trim().regex(/^[A-Za-z0-9._:-]{1,64}$/, 'up to 64 letters, digits, dots, dashes, colons or underscores').optional(),
  OYSTER_POLICY_DIR: z.string().trim().min(1).default(BUNDLED_POLICY_DIR),
  /** How long a write waits for another process's lock on the SQLite file. */
  SQLITE_BUSY_TIMEOUT_MS: int(0, 60_000).default(5_000),
  OYSTER_BASE_URL: url.default('http://127.0.0.1:8000/v1'),
  OYSTER_MODEL: z.string().trim().min(1).default('OysterAI/Oyster_1_Qwen_14B'),
  OYSTER_API_KEY: z.string().optional(),
  OYSTER_TIMEOUT_MS: int(1_000, 600_000).default(120_000),
  OYSTER_MAX_RETRIES: int(0, 10).default(2),
  OYSTER_CONTEXT_TOKENS: int(2_048, 262_144).default(32_768),
  /**
   * The model judge (issue 11 item 5), the second line behind the offline screen: `on` (or the older
   * `model`) judges with the chat model's endpoint, which always exists (OYSTER_BASE_URL has a
   * default), so it is on unless RISK_JUDGE=off opts out.
   */
  RISK_JUDGE: z.enum(['on', 'off', 'model']).default('on'),
  RISK_JUDGE_TIMEOUT_MS: int(100, 60_000).default(4_000),
  CRISIS_DEFAULT_COUNTRY: country.optional(),
  MODERATOR_IDS: list.default([]),
  MODERATOR_ROLE_IDS: list.default([]),
  MODERATOR_WEBHOOK_URL: url.optional(),
  MODERATOR_WEBHOOK_SECRET: z.string().min(16, 'at least 16 characters').optional(),
  // 0 turns the limiter off (benchmarks; a trusted single-user setup).
  RATE_LIMIT_PER_MINUTE: int(0, 10_000).default(12),
  RATE_LIMIT_BURST: int(1, 1_000).default(6),
  RETENTION_DAYS: int(1, 3_650).default(90),
  // 0 lets the system pick a free port, which the 'ops endpoint listening' log line names (tests, side-by-side runs).
  METRICS_PORT: int(0, 65_535).optional(),
  // Loopback by default: metrics and readiness are for the operator, not the internet.
  METRICS_HOST: z.string().trim().regex(/^[A-Za-z0-9.:-]+$/, 'an address to bind such as 127.0.0.1 or 0.0.0.0').default('127.0.0.1'),
  OYSTER_CONSOLE: z.enum(['auto', 'on', 'off']).default('auto'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Streamed replies at risk levels none and low (edits of one message); off sends whole replies. */
  STREAMING: onOff.default('on'),
  /** How long start waits for each platform connection before naming it and retrying in the background. */
  OYSTER_CONNECT_TIMEOUT_MS: int(1_000, 600_000).default(10_000),
  /** auto: send a per-user cache_salt, dropped for good if the server refuses the field. */
  OYSTER_CACHE_SALT: z.enum(['auto', 'off']).default('auto'),
  /** Where an interactive console chat writes its logs, so they never land between chat lines. */
  OYSTER_LOG_FILE: z.string().trim().min(1).default('./data/oyster-bot.log'),
});

export type CoreConfig = z.infer<typeof schema>;

/** Every core variable's name (src/config-names.ts: a misspelled one is named at start). */
export const CORE_VARIABLES: readonly string[] = Object.keys(schema.shape);

export interface Config extends CoreConfig {
  /** The raw environment, for adapters' own config readers. */
  env: Env;
}

/**
 * What a wrong value should have been, in words. Our own refinements carry that text as
 * their message; zod's built-in enum message ("Invalid option: expected one of …") would read
 * "expected Invalid option" after our prefix, so enums list their values instead.
 */
function expectation(issue: z.core.$ZodIssue): string {
  if (issue.code === 'invalid_value') return `one of ${issue.values.map(String).join(', ')}`;
  if (issue.code === 'invalid_type') return 'a value';
  return issue.message;
}

/** Reads KEY=value lines from `.env` in the working directory; the real environment wins. */
export function withDotEnv(env: Env, path = '.env'): Env {
  if (!existsSync(path)) return env;
  const fromFile = parseEnv(readFileSync(path, 'utf8')) as Env;
  return { ...fromFile, ...env };
}

export function loadConfig(env: Env): Config {
  // Empty strings count as unset, as in most .env conventions.
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = schema.safeParse(present);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const name = String(issue.path[0]);
    // Never echo a secret back, not even a malformed one (a database URL carries its password).
    const got = /KEY|SECRET|TOKEN|DATABASE_URL/.test(name) ? '' : ` (got ${JSON.stringify(present[name] ?? '')})`;
    throw new BotError(`${name} is invalid: expected ${expectation(issue)}${got}`, 'CONFIG_INVALID');
  }
  if (parsed.data.MODERATOR_WEBHOOK_URL && !parsed.data.MODERATOR_WEBHOOK_SECRET) {
    throw new BotError('MODERATOR_WEBHOOK_SECRET is missing: set a secret of at least 16 characters to sign webhook alerts', 'CONFIG_INVALID');
  }
  for (const id of parsed.data.MODERATOR_IDS) {
    if (!/^[a-z]+:.+$/.test(id)) {
      throw new BotError(`MODERATOR_IDS is invalid: expected platform:userId entries such as telegram:12345 (got ${JSON.stringify(id)})`, 'CONFIG_INVALID');
    }
  }
  return { ...parsed.data, env };
}
