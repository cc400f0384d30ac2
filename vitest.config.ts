import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 20_000,
    // Two cores: keep worker count modest so SDK-against-fake tests do not starve each other.
    maxWorkers: 2,
    // Starts a throwaway PostgreSQL for the PostgreSQL suites when TEST_DATABASE_URL is unset.
    globalSetup: ['test/store/pg-global-setup.ts'],
  },
});
