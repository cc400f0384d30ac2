import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { closestVariable, KNOWN_VARIABLES, OWN_PREFIXES, unknownVariableWarnings } from '../../src/config-names.js';
import { loadConfig } from '../../src/config.js';

const ROOT = join(import.meta.dirname, '../..');

describe('unknown variables with our prefixes', () => {
  it('names a misspelled token with the variable it probably meant', () => {
    expect(unknownVariableWarnings({ TELEGRAM_TOKEN: 'x' })).toEqual([
      'TELEGRAM_TOKEN is not a variable oyster-bot reads; did you mean TELEGRAM_BOT_TOKEN?',
    ]);
    expect(closestVariable('SLACK_BOT_TOKNE')).toBe('SLACK_BOT_TOKEN');
    expect(closestVariable('OYSTER_DBPATH')).toBe('OYSTER_DB_PATH');
    expect(closestVariable('CRISIS_COUNTRY')).toBe('CRISIS_DEFAULT_COUNTRY');
  });

  it('names an unrelated unknown variable without a wild guess', () => {
    expect(unknownVariableWarnings({ DISCORD_WHATEVER_ELSE_ENTIRELY: '1' })).toEqual([
      'DISCORD_WHATEVER_ELSE_ENTIRELY is not a variable oyster-bot reads (see .env.example for the list)',
    ]);
  });

  it('leaves known variables and other programs\' variables alone', () => {
    expect(unknownVariableWarnings({ TELEGRAM_BOT_TOKEN: 'x', PATH: '/bin', NODE_ENV: 'production', HOME: '/root' })).toEqual([]);
  });

  it('knows every variable the config readers and .env.example mention', () => {
    const files = ['src/config.ts', 'adapters/telegram/config.ts', 'adapters/slack/config.ts', 'adapters/discord/config.ts', 'src/dashboard/config.ts', '.env.example'];
    const pattern = new RegExp(`\\b(?:${OWN_PREFIXES.join('|')})[A-Z0-9_]+\\b`, 'g');
    const mentioned = new Set(files.flatMap((f) => readFileSync(join(ROOT, f), 'utf8').match(pattern) ?? []));
    expect(mentioned.size).toBeGreaterThan(30);
    expect([...mentioned].filter((name) => !KNOWN_VARIABLES.includes(name))).toEqual([]);
  });
});

describe('configuration messages', () => {
  it('lists the allowed values of a setting instead of zod\'s own wording', () => {
    expect(() => loadConfig({ OYSTER_CONSOLE: 'maybe' })).toThrow('OYSTER_CONSOLE is invalid: expected one of auto, on, off (got "maybe")');
    expect(() => loadConfig({ RISK_JUDGE: 'yes' })).toThrow('RISK_JUDGE is invalid: expected one of off, model (got "yes")');
  });
});
