/**
 * `oyster-bot dashboard link <platform:userId>`: prints a one-time sign-in link for a moderator,
 * for the operator on the server (first sign-in, or a platform whose DMs are closed). The link
 * is stored hashed in the bot's database, works once and expires after 10 minutes; only ids
 * listed in MODERATOR_IDS get one. The link is printed to stdout and nowhere else.
 */
import { loadConfig, withDotEnv } from '../config.js';
import { createDashboardAuth } from '../dashboard/auth.js';
import { dashboardBaseUrl, loginUrl } from '../dashboard/index.js';
import { dashboardConfigFromEnv } from '../dashboard/config.js';
import { createLogger } from '../logger.js';
import { systemClock } from '../ports.js';
import { openCliStore } from './cli-store.js';
import type { CliCommand } from './command.js';

const USAGE = `Usage: oyster-bot dashboard link <platform:userId> [--name NAME]

Prints a one-time sign-in link to the moderator dashboard for a moderator listed in
MODERATOR_IDS (for example telegram:123456). The link works once, for 10 minutes.
  --name NAME   the name the dashboard and the audit log show (default: the id)
Needs DASHBOARD_PORT (and DASHBOARD_PUBLIC_URL behind a proxy) and the bot's database (DATABASE_URL for
PostgreSQL, else OYSTER_DB_PATH), as the bot uses them.
Exit code: 0 with the link on stdout; 1 when the id is not a moderator; 2 for a usage or configuration error.`;

export const dashboardCommand: CliCommand = {
  name: 'dashboard',
  usage: USAGE,
  async run(args, io) {
    const [verb, userKey, ...rest] = args;
    let name: string | undefined;
    for (let i = 0; i < rest.length; i++) {
      if (rest[i] === '--name' && rest[i + 1] !== undefined) name = rest[++i];
      else {
        io.stderr.write(`unknown option ${rest[i]}\n\n${USAGE}\n`);
        return 2;
      }
    }
    if (verb !== 'link' || !userKey || !/^[a-z]+:.+$/.test(userKey)) {
      io.stderr.write(`${USAGE}\n`);
      return 2;
    }
    // Configuration errors propagate: src/cli.ts prints them with exit code 2.
    const env = withDotEnv(io.env);
    const config = loadConfig(env);
    const dashboard = dashboardConfigFromEnv(env);
    if (!dashboard) {
      io.stderr.write('The dashboard is off: set DASHBOARD_PORT (and DASHBOARD_PUBLIC_URL behind a reverse proxy) for the bot and for this command.\n');
      return 2;
    }
    if (dashboard.port === 0 && !dashboard.publicUrl) {
      io.stderr.write('DASHBOARD_PORT=0 picks a port at start-up, so no link can name it: set a fixed port or DASHBOARD_PUBLIC_URL.\n');
      return 2;
    }
    const logger = createLogger({ level: config.LOG_LEVEL === 'info' ? 'warn' : config.LOG_LEVEL, destination: io.stderr });
    const opened = await openCliStore(env, config.OYSTER_DB_PATH, { busyTimeoutMs: config.SQLITE_BUSY_TIMEOUT_MS });
    try {
      const auth = createDashboardAuth({
        store: opened.dashboardAuth,
        moderators: { ids: config.MODERATOR_IDS, roleIds: config.MODERATOR_ROLE_IDS },
        clock: systemClock, logger, idleMinutes: dashboard.idleMinutes, linkMinutes: dashboard.linkMinutes,
      });
      const link = await auth.issueLink({ userKey, displayName: name ?? userKey, roleIds: [] });
      if (!link) {
        io.stderr.write(`${userKey} is not listed in MODERATOR_IDS: only moderators get a dashboard link.\n`);
        return 1;
      }
      io.stdout.write(`${loginUrl(dashboardBaseUrl(dashboard), link.token)}\n`);
      io.stderr.write(`Works once, until ${link.expiresAt.toISOString().slice(0, 16).replace('T', ' ')} UTC. It signs in as ${userKey}: do not share it.\n`);
      return 0;
    } finally {
      await opened.close();
    }
  },
};
