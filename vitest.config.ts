import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Deadlines, not waits: a test ends as soon as it is done. Beside another full run on a
    // loaded 2-core machine (load average above 20), building a bot and answering two messages
    // took past 20 s, so tests that hold on any machine failed on time alone.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Two cores: keep worker count modest so SDK-against-fake tests do not starve each other.
    maxWorkers: 2,
    // Starts a throwaway PostgreSQL for the PostgreSQL suites when TEST_DATABASE_URL is unset.
    globalSetup: ['test/store/pg-global-setup.ts'],
  },
});
