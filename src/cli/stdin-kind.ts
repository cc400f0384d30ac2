/**
 * What the console chat would read from: a terminal, piped input (a pipe, a socket or a
 * file), or nothing at all. A service manager or `docker run` without -i hands the process
 * /dev/null, a character device that is not a terminal: a console chat there would read
 * nothing and exit 0, which a service manager takes for success.
 */
import { fstatSync } from 'node:fs';

export type StdinKind = 'tty' | 'piped' | 'none';

export function stdinKind(stdin: NodeJS.ReadableStream): StdinKind {
  if ((stdin as { isTTY?: boolean }).isTTY) return 'tty';
  // A stream handed in by a caller (tests, an embedding program) is input by definition.
  if (stdin !== process.stdin) return 'piped';
  try {
    const stat = fstatSync(0);
    return stat.isFIFO() || stat.isSocket() || stat.isFile() ? 'piped' : 'none';
  } catch {
    return 'none';
  }
}
