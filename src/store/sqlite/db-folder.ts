/**
 * Creates the folder that will hold the SQLite file, one level at a time. Node's recursive
 * mkdir loops forever (one core at 100 %, no output) on some paths that can never be created,
 * such as a folder under /proc; here every level either appears or the start stops with one
 * line naming the path and the reason (exit code 2: the operator must change OYSTER_DB_PATH).
 */
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { BotError } from '../../errors.js';

function cannot(path: string, why: string): BotError {
  return new BotError(
    `OYSTER_DB_PATH ${path} cannot be created: ${why}; set OYSTER_DB_PATH to a file in a writable folder, such as ./data/oyster-bot.db`,
    'CONFIG_INVALID',
  );
}

export function ensureDatabaseFolder(path: string): void {
  if (path === ':memory:') return;
  const missing: string[] = [];
  let dir = dirname(resolve(path));
  while (!existsSync(dir)) {
    missing.unshift(dir);
    const up = dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  if (existsSync(dir) && !statSync(dir).isDirectory()) throw cannot(path, `${dir} is a file, not a folder`);
  for (const level of missing) {
    try {
      mkdirSync(level);
    } catch (error) {
      const code = (error as { code?: string }).code ?? 'error';
      if (code === 'EEXIST' && statSync(level).isDirectory()) continue;
      throw cannot(path, `creating ${level} failed (${code})`);
    }
    // Some virtual file systems accept mkdir and then show nothing.
    if (!existsSync(level)) throw cannot(path, `${level} does not appear after it was created`);
  }
}
