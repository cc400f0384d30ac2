import { describe, expect, it } from 'vitest';
import { slackConfigFromEnv } from '../../adapters/slack/config.js';
import { toBotError } from '../../adapters/slack/errors.js';
import { BotError } from '../../src/errors.js';

const SECRET = '8f742231b10e8888abcd99eee85a5eee';

function fails(env: Record<string, string>, pattern: RegExp): void {
  try {
    slackConfigFromEnv(env);
  } catch (error) {
    expect(error).toBeInstanceOf(BotError);
    expect((error as BotError).code).toBe('CONFIG_INVALID');
    expect((error as BotError).message).toMatch(pattern);
    expect((error as BotError).message).not.toContain(env.SLACK_BOT_TOKEN ?? '\u0000');
    return;
  }
  throw new Error('expected a CONFIG_INVALID error');
}

describe('slack config from the environment', () => {
  it('is off without SLACK_BOT_TOKEN', () => {
    expect(slackConfigFromEnv({})).toBeUndefined();
    expect(slackConfigFromEnv({ SLACK_BOT_TOKEN: '  ' })).toBeUndefined();
  });

  it('reads HTTP mode with defaults', () => {
    const c = slackConfigFromEnv({ SLACK_BOT_TOKEN: 'xoxb-1-2-abc', SLACK_SIGNING_SECRET: SECRET })!;
    expect(c).toMatchObject({ mode: 'http', port: 3000, command: '/oyster', apiUrl: undefined, moderatorChannel: undefined });
  });

  it('prefers Socket Mode when an app token is set and adds a trailing slash to SLACK_API_URL', () => {
    const c = slackConfigFromEnv({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_APP_TOKEN: 'xapp-1-A-2', SLACK_API_URL: 'http://127.0.0.1:9/api', SLACK_MODERATOR_CHANNEL: 'C0MODS' })!;
    expect(c).toMatchObject({ mode: 'socket', apiUrl: 'http://127.0.0.1:9/api/', moderatorChannel: 'C0MODS' });
  });

  it('names the variable and the fix when a value is wrong', () => {
    fails({ SLACK_BOT_TOKEN: 'xoxp-user-token' }, /^SLACK_BOT_TOKEN is invalid: .*xoxb-/);
    fails({ SLACK_BOT_TOKEN: 'xoxb-1' }, /^SLACK_SIGNING_SECRET is missing: .*SLACK_APP_TOKEN/);
    fails({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_APP_TOKEN: 'xoxb-wrong' }, /^SLACK_APP_TOKEN is invalid/);
    fails({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: SECRET, SLACK_PORT: '70000' }, /^SLACK_PORT is invalid: expected a port/);
    fails({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: SECRET, SLACK_API_URL: 'ftp://x' }, /^SLACK_API_URL is invalid/);
    fails({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: SECRET, SLACK_MODERATOR_CHANNEL: '#mods' }, /^SLACK_MODERATOR_CHANNEL is invalid: expected a channel id/);
    fails({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: SECRET, SLACK_COMMAND: 'oyster' }, /^SLACK_COMMAND is invalid/);
  });
});

describe('slack error mapping', () => {
  const platform = (error: string) => Object.assign(new Error(`An API error occurred: ${error}`), { code: 'slack_webapi_platform_error', data: { ok: false, error } });

  it('maps platform error strings to codes', () => {
    expect(toBotError(platform('invalid_auth'), 'auth.test').code).toBe('PLATFORM_AUTH');
    expect(toBotError(platform('cannot_dm_bot'), 'chat.postMessage').code).toBe('PLATFORM_PERMISSION');
    expect(toBotError(platform('not_in_channel'), 'chat.postMessage').code).toBe('PLATFORM_PERMISSION');
    expect(toBotError(platform('msg_too_long'), 'chat.postMessage').code).toBe('PLATFORM_BAD_REQUEST');
    expect(toBotError(platform('internal_error'), 'chat.postMessage').code).toBe('PLATFORM_NETWORK');
    expect(toBotError(platform('not_in_channel'), 'chat.postMessage').context).toEqual({ method: 'chat.postMessage', slackError: 'not_in_channel' });
  });

  it('keeps the Retry-After of a rate limit in milliseconds', () => {
    const e = toBotError(Object.assign(new Error('rate limited'), { code: 'slack_webapi_rate_limited_error', retryAfter: 7 }), 'chat.postMessage');
    expect(e.code).toBe('PLATFORM_RATE_LIMITED');
    expect(e.retryAfterMs).toBe(7000);
  });

  it('maps transport failures and HTTP statuses', () => {
    expect(toBotError(Object.assign(new Error('ECONNREFUSED'), { code: 'slack_webapi_request_error' }), 'x').code).toBe('PLATFORM_NETWORK');
    expect(toBotError(Object.assign(new Error('503'), { code: 'slack_webapi_http_error', statusCode: 503 }), 'x').code).toBe('PLATFORM_NETWORK');
    expect(toBotError(Object.assign(new Error('403'), { code: 'slack_webapi_http_error', statusCode: 403 }), 'x').code).toBe('PLATFORM_PERMISSION');
    expect(toBotError(new Error('weird'), 'x').code).toBe('UNKNOWN');
  });
});
