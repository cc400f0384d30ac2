/**
 * The operator's side of the dashboard: `oyster-bot dashboard link` (the real CLI process,
 * writing to the database a running bot reads) and the DASHBOARD_* settings.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { dashboardConfigFromEnv } from '../../src/dashboard/config.js';
import { runCli } from '../cli/run-cli.js';
import { Client, MODERATOR, startDashWorld, type DashWorld } from './harness.js';

let world: DashWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

describe('oyster-bot dashboard link', () => {
  it('prints a one-time link for a listed moderator that signs in to the running bot once', async () => {
    world = await startDashWorld();
    const port = new URL(world.base).port;
    const env = { OYSTER_DB_PATH: world.dbPath, MODERATOR_IDS: `fake:${MODERATOR.id}`, DASHBOARD_PORT: port };
    const out = await runCli(['dashboard', 'link', `fake:${MODERATOR.id}`, '--name', 'Mia'], { env });
    expect(out.stderr).toContain('Works once');
    expect(out.code).toBe(0);
    const url = out.stdout.trim();
    expect(url).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${port}/login/[A-Za-z0-9_-]{43}$`));
    const client = new Client(world.base);
    expect((await client.signIn(url)).status).toBe(303);
    const page = await client.request('/');
    expect(page.status).toBe(200);
    expect(page.body).toContain('Signed in as <strong>Mia</strong>');
    expect((await new Client(world.base).signIn(url)).status).toBe(403);
  });

  it('refuses an id that is not in MODERATOR_IDS, and prints no link', async () => {
    world = await startDashWorld();
    const env = { OYSTER_DB_PATH: world.dbPath, MODERATOR_IDS: `fake:${MODERATOR.id}`, DASHBOARD_PORT: new URL(world.base).port };
    const out = await runCli(['dashboard', 'link', 'fake:intruder'], { env });
    expect(out.code).toBe(1);
    expect(out.stdout).toBe('');
    expect(out.stderr).toContain('not listed in MODERATOR_IDS');
  });

  it('says how to turn the dashboard on when DASHBOARD_PORT is unset', async () => {
    const out = await runCli(['dashboard', 'link', 'telegram:1'], { env: { OYSTER_DB_PATH: ':memory:', MODERATOR_IDS: 'telegram:1' } });
    expect(out.code).toBe(2);
    expect(out.stderr).toContain('set DASHBOARD_PORT');
  });
});

describe('dashboard settings', () => {
  it('is off unless DASHBOARD_PORT is set, and binds loopback by default', () => {
    expect(dashboardConfigFromEnv({})).toBeUndefined();
    expect(dashboardConfigFromEnv({ DASHBOARD_PORT: '8088' })).toEqual({
      port: 8088, host: '127.0.0.1', publicUrl: undefined, idleMinutes: 30, linkMinutes: 10,
    });
  });

  it('names the variable and what it expects when a value is wrong', () => {
    expect(() => dashboardConfigFromEnv({ DASHBOARD_PORT: 'eighty' })).toThrow(/DASHBOARD_PORT is invalid: expected a whole number/);
    expect(() => dashboardConfigFromEnv({ DASHBOARD_PORT: '80', DASHBOARD_PUBLIC_URL: 'mods.example.org' })).toThrow(/DASHBOARD_PUBLIC_URL is invalid/);
    expect(() => dashboardConfigFromEnv({ DASHBOARD_PUBLIC_URL: 'https://mods.example.org' })).toThrow(/DASHBOARD_PORT is not/);
  });

  it('takes the public address as an origin, without a path the pages could not live under', () => {
    expect(dashboardConfigFromEnv({ DASHBOARD_PORT: '80', DASHBOARD_PUBLIC_URL: 'https://mods.example.org/' })?.publicUrl)
      .toBe('https://mods.example.org');
    expect(() => dashboardConfigFromEnv({ DASHBOARD_PORT: '80', DASHBOARD_PUBLIC_URL: 'https://example.org/oyster' })).toThrow(/without a path/);
  });
});
