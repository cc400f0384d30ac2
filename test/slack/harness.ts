/**
 * Builds the real Slack adapter (real bolt App, real WebClient) against the fake Slack on
 * 127.0.0.1, plus a recording BotHandlers for tests of the adapter on its own.
 */
import { createSlackAdapter, type SlackAdapter } from '../../adapters/slack/index.js';
import type { SlackAdapterConfig } from '../../adapters/slack/config.js';
import { silentLogger } from '../../src/logger.js';
import type { InboundMessage } from '../../src/messages.js';
import type { BotHandlers, CommandReply, CommandRequest, MessageReceipt } from '../../src/ports.js';
import type { FakeSlack } from '../fakes/fake-slack.js';

export const SIGNING_SECRET = '8f742231b10e8888abcd99eee85a5eee';

export function testConfig(fake: FakeSlack, overrides: Partial<SlackAdapterConfig> = {}): SlackAdapterConfig {
  return {
    botToken: 'xoxb-test-token',
    mode: 'http',
    signingSecret: SIGNING_SECRET,
    appToken: undefined,
    port: 0,
    host: '127.0.0.1',
    apiUrl: fake.apiUrl,
    moderatorChannel: 'C0MODS',
    command: '/oyster',
    maxRateLimitRetries: 2,
    maxRetryAfterSeconds: 30,
    requestTimeoutMs: 5_000,
    commandInlineMs: 2_000,
    ...overrides,
  };
}

/** BotHandlers that record what the adapter hands the core; replies are scripted. */
export class RecordingHandlers implements BotHandlers {
  messages: InboundMessage[] = [];
  commands: CommandRequest[] = [];
  onMessageImpl: (m: InboundMessage) => Promise<void> = async () => undefined;
  reply: (c: CommandRequest) => CommandReply | Promise<CommandReply> = () => ({ text: 'ok', ok: true, private: true });

  /** Recorded at once (intake); onMessageImpl stands for the handling that follows the ack. */
  async onMessage(message: InboundMessage): Promise<MessageReceipt> {
    this.messages.push(message);
    return { handled: this.onMessageImpl(message) };
  }

  async onCommand(command: CommandRequest): Promise<CommandReply> {
    this.commands.push(command);
    return this.reply(command);
  }

  reset(): void {
    this.messages = [];
    this.commands = [];
    this.onMessageImpl = async () => undefined;
    this.reply = () => ({ text: 'ok', ok: true, private: true });
  }
}

export interface Started {
  adapter: SlackAdapter;
  url: string;
  sleeps: number[];
}

/** Starts the adapter in HTTP mode; `sleeps` records rate-limit waits instead of sleeping. */
export async function startAdapter(fake: FakeSlack, handlers: BotHandlers, overrides: Partial<SlackAdapterConfig> = {}): Promise<Started> {
  const sleeps: number[] = [];
  const adapter = createSlackAdapter(testConfig(fake, overrides), {
    logger: silentLogger,
    sleep: async (ms) => { sleeps.push(ms); },
  });
  await adapter.start(handlers);
  return { adapter, url: `http://127.0.0.1:${adapter.port}/slack/events`, sleeps };
}
