/**
 * The packaging files say what the operator relies on: the image runs as a non-root user with
 * a health check and the database on a volume, compose has the optional vLLM profile, the unit
 * does not restart into a configuration mistake, and the license matches package.json.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '../..');
const read = (f: string) => readFileSync(join(ROOT, f), 'utf8');

describe('packaging', () => {
  it('builds the image in stages and runs it unprivileged, with a health check and a data volume', () => {
    const docker = read('Dockerfile');
    expect(docker.match(/^FROM /gm)).toHaveLength(2);
    const runtime = docker.slice(docker.lastIndexOf('\nFROM '));
    expect(runtime).toMatch(/^USER node$/m);
    expect(runtime).toMatch(/^HEALTHCHECK .*\n.*\/healthz/m);
    expect(runtime).toMatch(/^VOLUME \["\/data"\]$/m);
    expect(runtime).toMatch(/OYSTER_DB_PATH=\/data\/oyster-bot\.db/);
  });

  it('offers vLLM as an optional compose profile beside the bot', () => {
    const compose = parse(read('compose.yaml')) as { services: Record<string, { profiles?: string[]; volumes?: string[]; command?: string[] }> };
    expect(compose.services.bot!.profiles).toBeUndefined();
    expect(compose.services.bot!.volumes).toContain('oyster-data:/data');
    expect(compose.services.vllm!.profiles).toEqual(['vllm']);
    expect(compose.services.vllm!.command).toContain('--reasoning-parser=qwen3');
  });

  it('has a systemd unit that stops with SIGTERM and never restarts into exit code 2', () => {
    const unit = read('packaging/oyster-bot.service');
    expect(unit).toMatch(/^ExecStart=.*bin\/oyster-bot\.mjs start$/m);
    expect(unit).toMatch(/^RestartPreventExitStatus=2$/m);
    expect(unit).toMatch(/^User=oyster-bot$/m);
  });

  it('ships the Apache-2.0 license that package.json names', () => {
    expect((JSON.parse(read('package.json')) as { license: string }).license).toBe('Apache-2.0');
    expect(read('LICENSE')).toMatch(/Apache License\s+Version 2\.0, January 2004/);
  });
});
