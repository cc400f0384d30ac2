#!/usr/bin/env node
// The oyster-bot CLI. The code base is TypeScript run through tsx's loader, so a clone
// needs no build step: `npm install && npm start` is enough.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli.ts');
process.exitCode = await main(process.argv.slice(2));
