/**
 * A throwaway PostgreSQL for tests: initdb into a temporary directory and start it on
 * 127.0.0.1 on a free port, from Debian's `postgresql` package. PostgreSQL refuses to run as
 * root, so when this process is root the cluster is created and run as the unprivileged
 * `postgres` user that the package creates (through runuser). Used by the vitest global setup
 * and by scripts/pg-test-server.ts (a long-lived server for local runs).
 */
import { execFile } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface TestCluster {
  /** postgres://oyster@127.0.0.1:<port>/postgres: trust authentication, loopback only. */
  url: string;
  dir: string;
  stop(): Promise<void>;
}

/** The directory holding initdb and pg_ctl: PG_BIN, else the newest /usr/lib/postgresql/<n>/bin. */
export function findPgBinDir(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.PG_BIN && existsSync(join(env.PG_BIN, 'initdb'))) return env.PG_BIN;
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root).filter((v) => /^\d+$/.test(v)).sort((a, b) => Number(b) - Number(a));
  for (const v of versions) if (existsSync(join(root, v, 'bin', 'initdb'))) return join(root, v, 'bin');
  return undefined;
}

/**
 * A port free a moment ago. PostgreSQL cannot be given port 0 (its `port` setting starts at 1) and
 * name the port it took, as our own servers do, so another process can take this one before the
 * server binds it; startTestCluster then starts again on a new one.
 */
async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export interface ClusterOptions {
  /**
   * Keep fsync and synchronous commit on (benchmarks). Tests turn them off: a test cluster
   * never outlives the run, and durability costs seconds on a loaded two-core machine.
   */
  durable?: boolean;
  /** Picks the port to try (default: one free a moment ago); tests pass a taken one first. */
  pickPort?: () => Promise<number>;
}

/** Creates and starts a cluster; rejects with initdb's or pg_ctl's own output when that fails. */
export async function startTestCluster(options: ClusterOptions = {}): Promise<TestCluster> {
  const bin = findPgBinDir();
  if (!bin) throw new Error('PostgreSQL is not installed: apt-get install -y postgresql (or set PG_BIN to its bin directory)');
  const dir = mkdtempSync(join(tmpdir(), 'oyster-pg-'));
  const data = join(dir, 'data');
  const asRoot = userInfo().uid === 0;
  if (asRoot) {
    // The cluster's files must belong to the user that runs the server.
    const { stdout } = await run('id', ['-u', 'postgres']);
    const { stdout: gid } = await run('id', ['-g', 'postgres']);
    chownSync(dir, Number(stdout.trim()), Number(gid.trim()));
    chmodSync(dir, 0o700);
  }
  const exec = (tool: string, args: string[]) =>
    asRoot ? run('runuser', ['-u', 'postgres', '--', join(bin, tool), ...args]) : run(join(bin, tool), args);
  const logFile = join(dir, 'server.log');
  const startOn = async (port: number) => {
    const settings = [
      '-c listen_addresses=127.0.0.1', `-p ${port}`, `-c unix_socket_directories=${dir}`, '-c max_connections=200',
      ...(options.durable ? [] : ['-c fsync=off', '-c synchronous_commit=off', '-c full_page_writes=off']),
    ].join(' ');
    await exec('pg_ctl', ['-D', data, '-l', logFile, '-o', settings, '-w', '-t', '60', 'start']);
  };
  let port = 0;
  try {
    await exec('initdb', ['-D', data, '-U', 'oyster', '--auth=trust', '-E', 'UTF8', '--no-locale', '--no-sync']);
    for (let attempt = 1; ; attempt++) {
      port = await (options.pickPort ?? freePort)();
      try {
        await startOn(port);
        break;
      } catch (error) {
        // Taken between the probe and the bind: another port. Anything else is reported as it is.
        const log = existsSync(logFile) ? readFileSync(logFile, 'utf8') : '';
        if (attempt >= 5 || !/could not bind|Address already in use/i.test(log)) throw error;
      }
    }
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    const e = error as { stderr?: string; stdout?: string; message: string };
    throw new Error(`could not start a test PostgreSQL: ${e.stderr || e.stdout || e.message}`);
  }
  let stopped = false;
  return {
    url: `postgres://oyster@127.0.0.1:${port}/postgres`,
    dir,
    async stop() {
      if (stopped) return;
      stopped = true;
      // Immediate: the data is thrown away, so there is nothing to flush.
      await exec('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']).catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
