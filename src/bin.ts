/**
 * The process entry point: runs the CLI with the process's arguments and streams. The
 * installed `oyster-bot` command (bin/oyster-bot.mjs) runs the compiled copy, dist/src/bin.js;
 * `npm run dev` and the tests that spawn the CLI run this file from source through tsx.
 */
import { main } from './cli.js';

process.exitCode = await main(process.argv.slice(2));
