/**
 * `oyster-bot cases [--open]`: the operator's view of moderator cases and whether their
 * alerts got out. Prints ids, states and codes only: no excerpts and no names, so the
 * output is safe to paste into an incident channel.
 */
import { BUNDLED_POLICY_DIR } from '../policy/version.js';
import { resolve } from 'node:path';
import { withDotEnv } from '../config.js';
import { openCliStore } from './cli-store.js';
import { loadEscalationPolicy } from '../policy/escalation-policy.js';
import type { CaseSummary } from '../store/case-store.js';
import type { CliCommand } from './command.js';

const USAGE = `Usage: oyster-bot cases [--open] [--limit N] [--db PATH] [--policies DIR]

Lists moderator cases, newest first, with the delivery state of their alerts.
  --open          only cases not yet resolved
  --limit N       at most N cases (default 200)
  --db PATH       the SQLite database (default: $OYSTER_DB_PATH or ./data/oyster-bot.db);
                  with DATABASE_URL=postgres://… (and no --db) the PostgreSQL database instead
  --policies DIR  the policy folder, for the "failing" threshold (default: $OYSTER_POLICY_DIR, else the bundled policies/)

Alerts: "sent" = every alert delivered; "pending N" = N waiting to be (re)tried;
"FAILING N" = N alerts past the retry threshold, still being retried (last error code shown).
Exit code: 0; 1 when any alert is failing (for monitoring scripts); 2 for a usage, policy or migration error.`;

const COLUMNS = ['id', 'status', 'level', 'platform', 'user key', 'opened (UTC)', 'acknowledged by', 'alerts'] as const;

export const casesCommand: CliCommand = {
  name: 'cases',
  usage: USAGE,
  async run(args, io) {
    let options: { open: boolean; limit: number; db: string; policies: string };
    try {
      options = parseArgs(args, io.env);
    } catch (error) {
      io.stderr.write(`${(error as Error).message}\n\n${USAGE}\n`);
      return 2;
    }
    if (args.includes('--help') || args.includes('-h')) {
      io.stdout.write(`${USAGE}\n`);
      return 0;
    }
    // Policy, migration and store errors propagate: src/cli.ts prints them and picks the exit code.
    const policy = loadEscalationPolicy(resolve(options.policies));
    // --db names a SQLite file explicitly; otherwise the store the bot itself would open.
    const env = withDotEnv(io.env);
    const opened = await openCliStore(args.includes('--db') ? { ...env, DATABASE_URL: undefined } : env, options.db);
    try {
      const store = opened.cases;
      const cases = await store.listCases({
        activeOnly: options.open, failingAfterAttempts: policy.outbox.failingAfterAttempts, limit: options.limit,
      });
      const stats = await store.outboxStats(policy.outbox.failingAfterAttempts);
      if (cases.length === 0) io.stdout.write(options.open ? 'No open cases.\n' : 'No cases.\n');
      else io.stdout.write(`${formatCasesTable(cases)}\n`);
      io.stdout.write(`Outbox: ${stats.depth} undelivered, ${stats.failing} failing.\n`);
      return stats.failing > 0 ? 1 : 0;
    } finally {
      await opened.close();
    }
  },
};

function parseArgs(args: string[], env: NodeJS.ProcessEnv): { open: boolean; limit: number; db: string; policies: string } {
  const out = {
    open: false,
    limit: 200,
    db: env['OYSTER_DB_PATH'] || './data/oyster-bot.db',
    policies: env['OYSTER_POLICY_DIR'] || BUNDLED_POLICY_DIR,
  };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const value = (): string => {
      const v = args[++i];
      if (v === undefined || v.startsWith('--')) throw new Error(`${arg} needs a value`);
      return v;
    };
    if (arg === '--open') out.open = true;
    else if (arg === '--db') out.db = value();
    else if (arg === '--policies') out.policies = value();
    else if (arg === '--limit') {
      const n = Number(value());
      if (!Number.isInteger(n) || n < 1) throw new Error('--limit needs a whole number of at least 1');
      out.limit = n;
    } else if (arg !== '--help' && arg !== '-h') throw new Error(`unknown option ${arg}`);
  }
  return out;
}

/** A fixed-width table; the exit code tells scripts whether any alert is failing. */
export function formatCasesTable(cases: CaseSummary[]): string {
  const rows = cases.map((c) => [
    `#${c.id}`,
    c.paused ? `${c.status} (paused)` : c.status,
    c.level,
    c.conversation.platform,
    c.userKey,
    c.openedAt.toISOString().slice(0, 16).replace('T', ' '),
    c.acknowledgedBy ?? '-',
    alertState(c),
  ]);
  const widths = COLUMNS.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: readonly string[]) => cells.map((cell, i) => cell.padEnd(widths[i]!)).join('  ').trimEnd();
  return [line(COLUMNS), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

function alertState(c: CaseSummary): string {
  const d = c.delivery;
  const waiting = d.pending - d.failing;
  const parts = [
    ...(d.failing > 0 ? [`FAILING ${d.failing}`] : []),
    ...(waiting > 0 ? [`pending ${waiting}`] : []),
    ...(d.delivered > 0 ? [`sent ${d.delivered}`] : []),
  ];
  const error = d.pending > 0 && d.lastError ? ` (${d.lastError})` : '';
  return parts.length === 0 ? 'none' : `${parts.join(', ')}${error}`;
}
