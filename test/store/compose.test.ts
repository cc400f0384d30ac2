/**
 * compose.yaml's structure: PostgreSQL with a readiness check, and two bot instances that share it,
 * take their platforms from .env, wait for PostgreSQL to be healthy, and check their own health.
 * There is no Docker daemon where these tests run, so the file is read and checked here, and run
 * natively (its commands, environment and health checks) in compose-native.test.ts.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import type { ComposeService as Service } from './compose-files.js';

const compose = parse(readFileSync(join(import.meta.dirname, '../../compose.yaml'), 'utf8'), { merge: true }) as {
  services: Record<string, Service>;
  volumes: Record<string, unknown>;
};
const always = Object.entries(compose.services).filter(([, s]) => s.profiles === undefined);
const bots = always.filter(([, s]) => s.image === 'oyster-bot:local');

describe('compose.yaml', () => {
  it('starts PostgreSQL with a readiness check and its data on a volume', () => {
    const pg = compose.services.postgres!;
    expect(pg.image).toMatch(/^postgres:\d+/);
    expect(pg.healthcheck!.test.join(' ')).toMatch(/pg_isready -U oyster -d oyster/);
    expect(pg.volumes).toContain('postgres-data:/var/lib/postgresql/data');
    expect(pg.environment!.POSTGRES_PASSWORD).toMatch(/^\$\{POSTGRES_PASSWORD:\?/);
  });

  it('starts two bot instances on that PostgreSQL, each with its own name and data volume', () => {
    expect(bots.map(([name]) => name).sort()).toEqual(['bot', 'bot-2']);
    const ids = new Set<string>();
    const volumes = new Set<string>();
    for (const [name, bot] of bots) {
      expect(bot.environment!.DATABASE_URL, name).toMatch(/^postgres:\/\/oyster:\$\{POSTGRES_PASSWORD:\?[^}]*\}@postgres:5432\/oyster$/);
      ids.add(bot.environment!.OYSTER_INSTANCE_ID!);
      for (const v of bot.volumes ?? []) volumes.add(v.split(':')[0]!);
      expect(compose.volumes).toHaveProperty(bot.volumes![0]!.split(':')[0]!);
    }
    expect(ids.size).toBe(2);
    expect(volumes.size).toBe(2);
  });

  it('gives every bot its platforms from .env, waits for a healthy PostgreSQL and checks /healthz', () => {
    for (const [name, bot] of bots) {
      expect(bot.env_file, name).toBe('.env');
      expect(bot.build, name).toBe('.');
      expect(bot.depends_on, name).toEqual({ postgres: { condition: 'service_healthy' } });
      expect(bot.healthcheck!.test.join(' '), name).toMatch(/METRICS_PORT.*\/healthz/);
      // Platform tokens come from .env only, never written into the file.
      expect(Object.keys(bot.environment!).filter((k) => /TOKEN|SECRET/.test(k)), name).toEqual([]);
    }
  });

  it('keeps vLLM an optional profile', () => {
    expect(compose.services.vllm!.profiles).toEqual(['vllm']);
  });
});
