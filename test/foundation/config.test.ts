import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig, withDotEnv } from '../../src/config.js';

describe('configuration', () => {
  it('has working defaults for the embedded setup', () => {
    const c = loadConfig({});
    expect(c.OYSTER_DB_PATH).toBe('./data/oyster-bot.db');
    expect(c.OYSTER_BASE_URL).toBe('http://127.0.0.1:8000/v1');
    expect(c.OYSTER_MODEL).toBe('OysterAI/Oyster_1_Qwen_14B');
    expect(c.MODERATOR_IDS).toEqual([]);
  });

  it('names the variable and what it expects when a value is wrong', () => {
    expect(() => loadConfig({ OYSTER_TIMEOUT_MS: 'soon' })).toThrow('OYSTER_TIMEOUT_MS is invalid: expected a whole number from 1000 to 600000 (got "soon")');
    expect(() => loadConfig({ OYSTER_BASE_URL: 'localhost:8000' })).toThrow(/OYSTER_BASE_URL is invalid: expected an http\(s\) URL/);
    expect(() => loadConfig({ CRISIS_DEFAULT_COUNTRY: 'Germany' })).toThrow(/CRISIS_DEFAULT_COUNTRY is invalid: expected a two-letter ISO country code/);
    expect(() => loadConfig({ MODERATOR_IDS: '12345' })).toThrow(/MODERATOR_IDS is invalid: expected platform:userId/);
  });

  it('never echoes a secret in its error', () => {
    let message = '';
    try { loadConfig({ MODERATOR_WEBHOOK_URL: 'https://hooks.example/x', MODERATOR_WEBHOOK_SECRET: 'short-secret' }); } catch (e) { message = (e as Error).message; }
    expect(message).toContain('MODERATOR_WEBHOOK_SECRET');
    expect(message).not.toContain('short-secret');
  });

  it('reads a .env file and lets the real environment win', () => {
    const dir = mkdtempSync(join(tmpdir(), 'oyster-env-'));
    writeFileSync(join(dir, '.env'), 'OYSTER_MODEL=from-file\nLOG_LEVEL=debug\n');
    const env = withDotEnv({ LOG_LEVEL: 'warn' }, join(dir, '.env'));
    const c = loadConfig(env);
    expect(c.OYSTER_MODEL).toBe('from-file');
    expect(c.LOG_LEVEL).toBe('warn');
  });
});
