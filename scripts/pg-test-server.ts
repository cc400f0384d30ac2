/**
 * Starts a throwaway PostgreSQL for local test runs (initdb in a temporary directory, as the
 * unprivileged `postgres` user when run as root, listening on 127.0.0.1 only), prints
 * TEST_DATABASE_URL=…, and removes it on Ctrl-C. `npm test` does not need this: its global
 * setup starts its own cluster when PostgreSQL is installed. Use it to keep one server across runs:
 *   npx tsx scripts/pg-test-server.ts        # then, in another shell:
 *   TEST_DATABASE_URL=postgres://… npx vitest run test/store
 */
import { startTestCluster } from '../test/store/pg-cluster.js';

const cluster = await startTestCluster({ durable: process.argv.includes('--durable') });
process.stdout.write(`TEST_DATABASE_URL=${cluster.url}\n`);
const stop = () => {
  void cluster.stop().then(() => process.exit(0));
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
// Keep the process alive until a signal arrives.
setInterval(() => undefined, 1 << 30);
