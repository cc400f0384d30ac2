#!/usr/bin/env node
// The oyster-bot CLI: runs the compiled JavaScript in dist/, which `npm install` builds (the
// `prepare` script) and `npm run build` rebuilds. No TypeScript loader on the start path.
import { existsSync } from 'node:fs';

const entry = new URL('../dist/src/bin.js', import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write('oyster-bot: the compiled code (dist/) is missing: run `npm run build` in the oyster-bot folder, or `npm run dev -- <command>` to run from source\n');
  process.exit(2);
}
await import(entry.href);
