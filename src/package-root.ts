/**
 * The package's own folder, found from this file: src/ when run from source (tsx, tests),
 * dist/src/ when run compiled. Policies, migrations and package.json are read from there, so
 * the bot finds them wherever it was started from and whichever way it runs.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

function findRoot(from: string): string {
  let dir = from;
  for (;;) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    const up = dirname(dir);
    // Unreachable in a checkout or an install; falls back to the source layout's answer.
    if (up === dir) return resolve(from, '..');
    dir = up;
  }
}

export const PACKAGE_ROOT = findRoot(dirname(fileURLToPath(import.meta.url)));

let version: string | undefined;
/** The version in package.json, read once on first use (only `--version` and doctor ask). */
export function packageVersion(): string {
  version ??= (JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version?: string }).version ?? 'unknown';
  return version;
}
