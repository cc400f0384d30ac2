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
    // Workers keep loaded modules across test files instead of a fresh module state per file:
    // vitest took 275 s instead of about 6 minutes on this machine. That needs every file to be
    // independent of what ran before it in the worker: per-bot state lives in the bot (a token
    // counter per bot, not per process), and a file leaves nothing running behind it (a stopped
    // adapter makes no further platform call).
    isolate: false,
    // Starts a throwaway PostgreSQL for the PostgreSQL suites when TEST_DATABASE_URL is unset,
    // and, for a whole-suite run, builds the CLI the tests spawn once (test/cli/cli-build-setup.ts).
    globalSetup: ['test/store/pg-global-setup.ts', 'test/cli/cli-build-setup.ts'],
  },
});
