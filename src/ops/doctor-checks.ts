/**
 * The local half of `oyster-bot doctor`: configuration, policies, database and model
 * endpoint. Each check returns one finding: ok with a short detail, or a problem with how to
 * fix it. Nothing here prints a secret: findings name variables, never their values.
 */
import { accessSync, constants, existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { Config } from '../config.js';
import { createOutputCheck } from '../crisis/output-check.js';
import { loadDirectory } from '../crisis/directory.js';
import { probeModel } from '../llm/model-probe.js';
import { loadEscalationPolicy } from '../policy/escalation-policy.js';
import { loadModelPolicy } from '../policy/model-policy.js';
import { policyVersion } from '../policy/version.js';
import { loadDetectionPolicy } from '../risk/policy-loader.js';
import { MIGRATIONS_DIR, openDatabase } from '../store/sqlite/database.js';
import { readMigrations } from '../store/migration-files.js';

export interface Finding {
  /** What was checked ("database", "model endpoint", "telegram"...). */
  name: string;
  status: 'ok' | 'problem' | 'skipped';
  detail: string;
  /** For problems: what the operator should do. */
  fix?: string;
}

export const ok = (name: string, detail: string): Finding => ({ name, status: 'ok', detail });
export const problem = (name: string, detail: string, fix: string): Finding => ({ name, status: 'problem', detail, fix });
export const skipped = (name: string, detail: string): Finding => ({ name, status: 'skipped', detail });

const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** Runs a loader; its BotError message already names the file and the fix. */
function attempt(name: string, run: () => string, fix: string): Finding {
  try {
    return ok(name, run());
  } catch (error) {
    return problem(name, message(error), fix);
  }
}

/** The three policy findings: files and version, crisis directory, risk detection. */
export function checkPolicies(config: Config): Finding[] {
  const dir = resolve(config.OYSTER_POLICY_DIR);
  const fix = 'correct the file named above (see policies/README.md), or set OYSTER_POLICY_DIR to a valid policies/ folder';
  const findings = [
    attempt('policies', () => {
      const version = policyVersion(dir);
      loadModelPolicy(dir);
      loadEscalationPolicy(dir);
      return `version ${version} at ${config.OYSTER_POLICY_DIR}; model and escalation policies are valid`;
    }, fix),
    attempt('crisis directory', () => {
      const directory = loadDirectory(dir);
      createOutputCheck(dir, directory);
      const country = config.CRISIS_DEFAULT_COUNTRY;
      if (country && !directory.has(country)) {
        throw new Error(`CRISIS_DEFAULT_COUNTRY ${country} has no entry in the directory (known: ${directory.countries().join(', ')})`);
      }
      return `${directory.countries().length} countries verified${country ? `, default ${country}` : ', no default country (users are asked)'}`;
    }, config.CRISIS_DEFAULT_COUNTRY ? 'set CRISIS_DEFAULT_COUNTRY to a listed country, or add its verified entry under policies/resources/' : fix),
    attempt('risk detection', () => {
      const policy = loadDetectionPolicy(dir);
      const rules = policy.packs.reduce((n, p) => n + p.rules.length, 0);
      return `${policy.packs.length} language packs (${policy.packs.map((p) => p.language).join(', ')}), ${rules} rules`;
    }, fix),
  ];
  return findings;
}

/** Variables that give moderators a place to hear of a case, besides the log. */
const MODERATOR_SINK_VARIABLES = ['DISCORD_MODERATOR_CHANNEL_ID', 'SLACK_MODERATOR_CHANNEL', 'TELEGRAM_MODERATOR_CHAT_ID'] as const;

/**
 * Whether alerts reach a person: a webhook or a platform moderator channel. With the log alone
 * nobody hears of a case in time, so the crisis texts promise no moderator (issue 12 item 6),
 * and doctor flags it.
 */
export function checkModeratorSinks(env: Readonly<Record<string, string | undefined>>): Finding {
  const set = (name: string) => (env[name] ?? '').trim() !== '';
  const found = [
    ...(set('MODERATOR_WEBHOOK_URL') && set('MODERATOR_WEBHOOK_SECRET') ? ['MODERATOR_WEBHOOK_URL'] : []),
    ...MODERATOR_SINK_VARIABLES.filter(set),
  ];
  if (found.length > 0) return ok('moderator alerts', `alerts reach moderators (${found.join(', ')})`);
  return problem('moderator alerts',
    'alerts reach only the log: no moderator will hear of a person at risk, so crisis messages promise no moderator',
    `set MODERATOR_WEBHOOK_URL and MODERATOR_WEBHOOK_SECRET, or a platform moderator channel (${MODERATOR_SINK_VARIABLES.join(', ')})`);
}

/** Opens the database without migrating, compares its migrations with the files, and takes (and rolls back) a write. */
export function checkDatabase(config: Config): Finding {
  const name = 'database';
  const path = config.OYSTER_DB_PATH;
  if (path === ':memory:') return ok(name, 'in memory: nothing survives a restart');
  const file = resolve(path);
  if (!existsSync(file)) {
    let dir = dirname(file);
    while (!existsSync(dir)) dir = dirname(dir);
    try {
      accessSync(dir, constants.W_OK);
      return ok(name, `${path} does not exist yet; it is created with its schema at first start`);
    } catch {
      return problem(name, `${path} does not exist and ${dir} is not writable`, 'make that folder writable for this user, or set OYSTER_DB_PATH elsewhere');
    }
  }
  let db: ReturnType<typeof openDatabase>;
  try {
    db = openDatabase(path, { migrate: false, busyTimeoutMs: 1_000 });
  } catch (error) {
    return problem(name, message(error), 'check the file permissions and that OYSTER_DB_PATH points at an oyster-bot SQLite file');
  }
  try {
    const files = readMigrations(MIGRATIONS_DIR);
    const hasTable = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'").get() !== undefined;
    const applied = hasTable
      ? (db.prepare('SELECT id, name, checksum FROM schema_migrations ORDER BY id').all() as Array<{ id: number; name: string; checksum: string }>)
      : [];
    for (const row of applied) {
      const f = files[row.id - 1];
      if (!f || f.name !== row.name || f.checksum !== row.checksum) {
        return problem(name, `migration ${row.name} in ${path} does not match migrations/ (missing or edited after it was applied)`,
          'restore the original migration file; put schema changes in a new numbered migration');
      }
    }
    try {
      // A real write, rolled back: proves the file, its folder (WAL) and the lock are usable.
      db.exec('BEGIN IMMEDIATE');
      db.exec('CREATE TABLE oyster_doctor_probe (x INTEGER)');
      db.exec('ROLLBACK');
    } catch (error) {
      if (db.inTransaction) db.exec('ROLLBACK');
      const code = (error as { code?: string }).code ?? '';
      const fix = code.startsWith('SQLITE_BUSY')
        ? 'another process holds the write lock: stop the other oyster-bot (or tool) using this file'
        : 'make the file and its folder writable for this user';
      return problem(name, `${path} is not writable (${code || message(error)})`, fix);
    }
    const pending = files.length - applied.length;
    const schema = pending === 0
      ? `schema up to date (${files.length} migrations)`
      : `${pending} of ${files.length} migrations pending (applied at start, or run \`oyster-bot migrate\`)`;
    return ok(name, `${path}: ${schema}, writable`);
  } catch (error) {
    return problem(name, message(error), 'check that OYSTER_DB_PATH points at an oyster-bot SQLite file');
  } finally {
    db.close();
  }
}

/** Reachability of OYSTER_BASE_URL, and whether it serves OYSTER_MODEL. */
export async function checkModel(config: Config, timeoutMs = 5_000): Promise<Finding> {
  const name = 'model endpoint';
  const base = config.OYSTER_BASE_URL;
  const probe = await probeModel({ baseURL: base, apiKey: config.OYSTER_API_KEY, timeoutMs });
  switch (probe.reason) {
    case 'ok':
      if (!probe.models.includes(config.OYSTER_MODEL)) {
        return problem(name, `${base} serves ${probe.models.map((m) => `"${m}"`).join(', ') || 'no models'}, not OYSTER_MODEL "${config.OYSTER_MODEL}"`,
          "set OYSTER_MODEL to a served id, or start vLLM with --served-model-name matching it");
      }
      return ok(name, `${base} is reachable and serves "${config.OYSTER_MODEL}"`);
    case 'unreachable':
      return problem(name, `cannot reach ${base} (${probe.detail ?? 'network error'})`, 'start the model server (vLLM), or set OYSTER_BASE_URL to where it listens');
    case 'timeout':
      return problem(name, `${base} did not answer GET /models within ${timeoutMs} ms`, 'check the model server is up and not overloaded, and that OYSTER_BASE_URL is right');
    case 'unauthorized':
      return problem(name, `${base} refused the request (HTTP ${probe.status})`, 'set OYSTER_API_KEY to the key the endpoint expects');
    default:
      return problem(name, `${base}/models answered ${probe.status ? `HTTP ${probe.status}` : 'something that is not a model list'}`,
        'OYSTER_BASE_URL must be the OpenAI-compatible base ending in /v1, such as http://127.0.0.1:8000/v1');
  }
}
