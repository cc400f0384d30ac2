/**
 * vitest global setup: when TEST_DATABASE_URL is unset and PostgreSQL's binaries are installed,
 * start a throwaway cluster for the run and hand its URL to the test workers (they are started
 * after this and inherit the environment). A run limited to files that cannot touch PostgreSQL
 * (`vitest run test/crisis/...`) does not pay the ~2 s start.
 */
import { findPgBinDir, startTestCluster } from './pg-cluster.js';

/** Path filters on the command line that may select a PostgreSQL test. */
function mayNeedPostgres(argv: string[]): boolean {
  const filters = argv.slice(2).filter((a) => !a.startsWith('-') && a !== 'run' && !/vitest(\.mjs)?$/.test(a));
  return filters.length === 0 || filters.some((f) => /store|pg|postgres|multi/i.test(f));
}

export default async function setup(): Promise<(() => Promise<void>) | undefined> {
  if (process.env.TEST_DATABASE_URL) return undefined;
  if (!findPgBinDir() || !mayNeedPostgres(process.argv)) return undefined;
  const cluster = await startTestCluster();
  process.env.TEST_DATABASE_URL = cluster.url;
  return () => cluster.stop();
}
