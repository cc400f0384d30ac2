/**
 * The shell script a test runs in a tmux pane to start the console chat as a person would: the
 * given environment, the compiled CLI's `start`, then "EXITED:<code>" and a long sleep so the
 * pane (and what the bot last printed) stays on screen for the test to read.
 */
import { writeFileSync } from 'node:fs';
import { CLI_NODE_ARGS, ROOT } from '../cli/run-cli.js';

export function writeChatScript(path: string, env: Record<string, string>): void {
  writeFileSync(path, [
    '#!/bin/sh',
    ...Object.entries(env).map(([k, v]) => `export ${k}='${v}'`),
    `cd '${ROOT}'`,
    `'${process.execPath}' ${CLI_NODE_ARGS.map((a) => `'${a}'`).join(' ')} start`,
    'echo "EXITED:$?"',
    'sleep 600',
  ].join('\n'), { mode: 0o755 });
}
