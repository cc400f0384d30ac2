/**
 * The policy version: a short content hash over every file in policies/, so each
 * assessment, case and alert records exactly which rules and texts produced it.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { BotError } from '../errors.js';
import { PACKAGE_ROOT } from '../package-root.js';

/** The policies/ folder shipped with the package, wherever the process was started from. */
export const BUNDLED_POLICY_DIR = join(PACKAGE_ROOT, 'policies');

export function policyVersion(dir: string): string {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new BotError(`policy folder ${dir} does not exist: set OYSTER_POLICY_DIR to the policies/ folder of this repository`, 'POLICY_INVALID');
  }
  const hash = createHash('sha256');
  for (const file of listFiles(dir)) {
    // Hash the relative path too, so renaming a file changes the version.
    hash.update(relative(dir, file).split('\\').join('/'));
    hash.update('\0');
    hash.update(readFileSync(file));
    hash.update('\0');
  }
  return hash.digest('hex').slice(0, 12);
}

function listFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...listFiles(path));
    else out.push(path);
  }
  return out;
}
