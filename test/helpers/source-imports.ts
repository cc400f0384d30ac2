/**
 * The code base's own TypeScript files and the import specifiers in each, read as text: what
 * the architecture and folder-cycle tests check. Static imports, re-exports and dynamic imports
 * count; type-only imports too, since they tie folders together just the same.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '../..');

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sources(path) : name.endsWith('.ts') ? [path] : [];
  });
}

function importsOf(text: string): string[] {
  const found = text.matchAll(/(?:^|\n)\s*(?:import|export)[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g);
  return [...found].map((m) => m[1] ?? m[2]!);
}

/** Every .ts file under src/ and adapters/, relative to the repository root, with its imports. */
export function sourceImports(): Array<{ file: string; imports: string[] }> {
  return [...sources(join(ROOT, 'src')), ...sources(join(ROOT, 'adapters'))]
    .map((abs) => ({ file: relative(ROOT, abs), imports: importsOf(readFileSync(abs, 'utf8')) }));
}
