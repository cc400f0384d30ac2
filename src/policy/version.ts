/**
 * The policy version: a short content hash over every file in policies/, so each
 * assessment, case and alert records exactly which rules and texts produced it.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

export function policyVersion(dir: string): string {
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
