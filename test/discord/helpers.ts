/**
 * Shared setup for the Discord tests: a fake Discord, the real adapter config read from an
 * environment that points at it (short timers so tests stay fast), and a recording set of
 * handlers for tests that check the adapter alone.
 */
import { Writable } from 'node:stream';
import { discordConfigFromEnv, type DiscordAdapterConfig } from '../../adapters/discord/config.js';
import { createLogger, type Logger } from '../../src/logger.js';
import type { InboundMessage } from '../../src/messages.js';
import type { BotHandlers, CommandReply, CommandRequest, MessageReceipt } from '../../src/ports.js';
import { FAKE_DISCORD_TOKEN, type FakeDiscord } from '../fakes/fake-discord.js';

/** The environment an admin would set, pointed at the fake. */
export function fakeEnv(fake: FakeDiscord): Record<string, string> {
  return {
    DISCORD_BOT_TOKEN: FAKE_DISCORD_TOKEN,
    DISCORD_API_URL: fake.apiUrl,
    DISCORD_CHANNEL_IDS: fake.world.channels.listed,
    DISCORD_MODERATOR_CHANNEL_ID: fake.world.channels.moderators,
  };
}

export function testConfig(fake: FakeDiscord, overrides: Partial<DiscordAdapterConfig> = {}): DiscordAdapterConfig {
  const config = discordConfigFromEnv(fakeEnv(fake));
  if (!config) throw new Error('fake env should enable the Discord adapter');
  // Short waits: one guild arrives at once, and REST failures should surface within a test.
  return { ...config, waitGuildTimeoutMs: 300, restTimeoutMs: 3_000, restRetries: 1, ...overrides };
}

/** Handlers that record what the adapter hands to the core and answer commands from a script. */
export class RecordingHandlers implements BotHandlers {
  readonly messages: InboundMessage[] = [];
  readonly commands: CommandRequest[] = [];
  constructor(private readonly answer: (c: CommandRequest) => CommandReply | Promise<CommandReply> = () => ({ ok: true, private: true, text: 'ok' })) {}

  async onMessage(message: InboundMessage): Promise<MessageReceipt> {
    this.messages.push(message);
    return { handled: Promise.resolve() };
  }

  async onCommand(command: CommandRequest): Promise<CommandReply> {
    this.commands.push(command);
    return this.answer(command);
  }
}

/** A real pino logger writing JSON lines into memory, for tests that check what gets logged. */
export function captureLogs(): { logger: Logger; entries(): Array<Record<string, unknown>> } {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      done();
    },
  });
  return {
    logger: createLogger({ level: 'debug', destination }),
    entries: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>),
  };
}
