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
    // V8 first runs each regular expression in its interpreter and compiles it later. After a
    // few bots were built and dropped in one process, the output check's and the screen's
    // patterns stayed about 5x slower than in a fresh process (288 crisis texts checked: 190 ms
    // fresh, 1,000 ms after four bots); compiling them at once removes that.
    execArgv: ['--no-regexp-tier-up'],
    // Each worker keeps its loaded modules from one test file to the next instead of loading the
    // whole bot (SDKs, policies, risk model) again for each of ~160 files: test/crisis and
    // test/risk took 111 s of CPU isolated and 47 s shared. No test mocks a module or changes
    // process.env, and every test builds its own bot, database and fakes. Without the flag
    // above, CPU-heavy files late in a worker ran far slower (crisis-templates 20 s -> 363 s).
    isolate: false,
    // Starts a throwaway PostgreSQL for the PostgreSQL suites when TEST_DATABASE_URL is unset.
    globalSetup: ['test/store/pg-global-setup.ts'],
  },
});
