/**
 * How PostgreSQL tests find their server: TEST_DATABASE_URL (set by the vitest global setup when
 * PostgreSQL is installed, or by hand). Unset, a PostgreSQL suite fails in CI (CI=true), where a
 * missing server is a broken pipeline, and is skipped elsewhere with the reason in its name.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { describe, it } from 'vitest';

export const SKIP_REASON =
  'skipped: TEST_DATABASE_URL is unset and PostgreSQL is not installed (apt-get install -y postgresql, or set TEST_DATABASE_URL)';

/** describe() for suites that need PostgreSQL; `body` gets the server URL. */
export function describePg(name: string, body: (serverUrl: string) => void): void {
  const url = process.env.TEST_DATABASE_URL;
  if (url) {
    describe(name, () => body(url));
  } else if (process.env.CI === 'true') {
    describe(name, () => {
      it('has a PostgreSQL to run against', () => {
        throw new Error('TEST_DATABASE_URL is unset in CI: .ci/run must install postgresql so the vitest global setup can start it');
      });
    });
  } else {
    describe(name, () => {
      // Skipped only outside CI when no PostgreSQL is reachable; the test's name is the reason,
      // so the output shows it (README: run `npx vitest run test/store` with Debian's postgresql).
      it.skip(SKIP_REASON, () => undefined);
    });
  }
}

/**
 * A new, empty database on the server, so suites never see each other's rows. The name is
 * generated here from hex digits only: identifiers cannot be bound as parameters.
 */
export async function freshDatabase(serverUrl: string): Promise<string> {
  const name = `oyster_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}
