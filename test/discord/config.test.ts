/** DISCORD_* environment variables → adapter config, and the one-line errors for wrong values. */
import { describe, expect, it } from 'vitest';
import { discordConfigFromEnv } from '../../adapters/discord/config.js';
import { FAKE_DISCORD_TOKEN } from '../fakes/fake-discord.js';

const base = { DISCORD_BOT_TOKEN: FAKE_DISCORD_TOKEN };

describe('discord config', () => {
  it('is off when DISCORD_BOT_TOKEN is unset or empty', () => {
    expect(discordConfigFromEnv({})).toBeUndefined();
    expect(discordConfigFromEnv({ DISCORD_BOT_TOKEN: '  ' })).toBeUndefined();
  });

  it('reads the defaults: Discord API, no listed channels, typing renewed every 8 s', () => {
    expect(discordConfigFromEnv(base)).toMatchObject({
      token: FAKE_DISCORD_TOKEN, apiUrl: undefined, channelIds: [], moderatorChannelId: undefined, typingIntervalMs: 8_000,
    });
  });

  it('accepts a token pasted with its "Bot " prefix', () => {
    expect(discordConfigFromEnv({ DISCORD_BOT_TOKEN: `Bot ${FAKE_DISCORD_TOKEN}` })!.token).toBe(FAKE_DISCORD_TOKEN);
  });

  it('names the variable and never echoes a malformed token', () => {
    const secret = 'my-client-secret-0123456789';
    expect(() => discordConfigFromEnv({ DISCORD_BOT_TOKEN: secret })).toThrow(/^DISCORD_BOT_TOKEN is invalid/);
    try {
      discordConfigFromEnv({ DISCORD_BOT_TOKEN: secret });
    } catch (error) {
      expect((error as Error).message).not.toContain(secret);
      expect(error).toMatchObject({ code: 'CONFIG_INVALID' });
    }
  });

  it('normalizes DISCORD_API_URL so the REST client can append /v10', () => {
    expect(discordConfigFromEnv({ ...base, DISCORD_API_URL: 'http://127.0.0.1:9999/api/v10/' })!.apiUrl).toBe('http://127.0.0.1:9999/api');
    expect(() => discordConfigFromEnv({ ...base, DISCORD_API_URL: 'discord.com/api' })).toThrow(/^DISCORD_API_URL is invalid/);
  });

  it('reads comma-separated channel ids and rejects names', () => {
    const config = discordConfigFromEnv({ ...base, DISCORD_CHANNEL_IDS: '1200000000000000001, 1200000000000000002,' });
    expect(config!.channelIds).toEqual(['1200000000000000001', '1200000000000000002']);
    expect(() => discordConfigFromEnv({ ...base, DISCORD_CHANNEL_IDS: '#general' })).toThrow(/^DISCORD_CHANNEL_IDS is invalid/);
  });

  it('rejects a moderator channel that is not an id', () => {
    expect(() => discordConfigFromEnv({ ...base, DISCORD_MODERATOR_CHANNEL_ID: 'mod-alerts' })).toThrow(/^DISCORD_MODERATOR_CHANNEL_ID is invalid/);
    expect(discordConfigFromEnv({ ...base, DISCORD_MODERATOR_CHANNEL_ID: '1200000000000000003' })!.moderatorChannelId).toBe('1200000000000000003');
  });
});
