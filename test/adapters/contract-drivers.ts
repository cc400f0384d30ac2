/**
 * One driver per adapter for the cross-adapter contract (contract.test.ts): each builds the real
 * adapter on its real SDK (discord.js, grammy, bolt, node:readline) against the local fake on
 * 127.0.0.1, and answers in the same words what the platform now shows, so the contract's
 * expectations are written once for all four.
 */
import { PassThrough, Writable } from 'node:stream';
import { createConsoleAdapter } from '../../adapters/console/index.js';
import { createDiscordAdapter } from '../../adapters/discord/index.js';
import { visibleText as slackVisible } from '../../adapters/slack/outbound.js';
import { createTelegramAdapter } from '../../adapters/telegram/index.js';
import { silentLogger } from '../../src/logger.js';
import type { InboundMessage } from '../../src/messages.js';
import type { BotHandlers, CommandReply, CommandRequest, MessageReceipt, PlatformAdapter } from '../../src/ports.js';
import { fakeUser } from '../fakes/fake-discord-world.js';
import { startFakeDiscord } from '../fakes/fake-discord.js';
import { eventCallback, signedPost, startFakeSlack } from '../fakes/fake-slack.js';
import { startFakeTelegram } from '../fakes/fake-telegram.js';
import { testConfig as discordConfig } from '../discord/helpers.js';
import { dmEvent, USER } from '../slack/fixtures.js';
import { SIGNING_SECRET, startAdapter } from '../slack/harness.js';
import { alice, BOT, MOD_CHAT_ID, privateText } from '../telegram/fixtures.js';
import { testConfig as telegramConfig } from '../telegram/harness.js';

/** Records what an adapter hands the core. */
export class Recorder implements BotHandlers {
  readonly messages: InboundMessage[] = [];
  async onMessage(message: InboundMessage): Promise<MessageReceipt> {
    this.messages.push(message);
    return { handled: Promise.resolve() };
  }
  async onCommand(command: CommandRequest): Promise<CommandReply> {
    return { text: `ok ${command.name}`, ok: true, private: true };
  }
}

/** A message as the platform shows it now. */
export interface Shown {
  visible: string;
  edits: number;
}

export interface ContractDriver {
  readonly platform: string;
  /** The longest message the platform takes, in characters a reader sees (Infinity: no limit). */
  readonly limit: number;
  readonly adapter: PlatformAdapter;
  readonly recorder: Recorder;
  /** A user writes `text` to the bot privately, through the platform. */
  userWrites(text: string): Promise<void>;
  /** What the bot's messages in this conversation read, oldest first. */
  sentTo(channelId: string): string[];
  /** The moderator-channel message `ref` names as it reads now; undefined if never posted. */
  alert(ref: string): Shown | undefined;
  /** How many messages the bot posted into the moderator channel. */
  moderatorPosts(): number;
  close(): Promise<void>;
}

export type DriverFactory = () => Promise<ContractDriver>;

export const discordDriver: DriverFactory = async () => {
  const fake = await startFakeDiscord();
  const recorder = new Recorder();
  const adapter = createDiscordAdapter(discordConfig(fake), { logger: silentLogger });
  await adapter.start(recorder);
  const mods = fake.world.channels.moderators;
  const edits = (id: string) => fake.requests.filter((r) => r.method === 'PATCH' && r.path === `/channels/${mods}/messages/${id}`);
  const show = (body: { content?: string; embeds?: unknown }) => `${body.content ?? ''}\n${JSON.stringify(body.embeds ?? [])}`;
  return {
    platform: 'discord', limit: 2000, adapter, recorder,
    async userWrites(text) {
      fake.userMessage({ from: fakeUser(fake.world, 'alice'), content: text, dm: true });
    },
    sentTo: (channelId) => fake.posted.filter((p) => p.channelId === channelId).map((p) => String(p.body.content ?? '')),
    alert(ref) {
      const posted = fake.posted.find((p) => p.channelId === mods && p.id === ref);
      if (!posted) return undefined;
      const patches = edits(ref);
      return { visible: show(patches.at(-1)?.body ?? posted.body), edits: patches.length };
    },
    moderatorPosts: () => fake.posted.filter((p) => p.channelId === mods).length,
    async close() {
      await adapter.stop();
      await fake.close();
    },
  };
};

export const telegramDriver: DriverFactory = async () => {
  const fake = await startFakeTelegram({ bot: BOT });
  const recorder = new Recorder();
  const adapter = createTelegramAdapter(telegramConfig(fake, { moderatorChatId: String(MOD_CHAT_ID) }), { logger: silentLogger });
  await adapter.start(recorder);
  const mods = String(MOD_CHAT_ID);
  return {
    platform: 'telegram', limit: 4096, adapter, recorder,
    async userWrites(text) {
      fake.pushUpdate(privateText(alice, text));
    },
    sentTo: (chatId) => fake.sent.filter((s) => s.chatId === chatId).map((s) => s.visible),
    alert(ref) {
      const found = fake.sent.find((s) => `${s.chatId}:${s.messageId}` === ref);
      return found && { visible: found.visible, edits: found.edits };
    },
    moderatorPosts: () => fake.sent.filter((s) => s.chatId === mods).length,
    async close() {
      await adapter.stop();
      await fake.close();
    },
  };
};

export const slackDriver: DriverFactory = async () => {
  const fake = await startFakeSlack();
  fake.users.set(USER, { name: 'alice', displayName: 'Alice' });
  const recorder = new Recorder();
  const { adapter, url } = await startAdapter(fake, recorder);
  const mods = 'C0MODS';
  const blocksText = (args: Record<string, unknown>) => `${slackVisible(String(args.text ?? ''))}\n${slackVisible(JSON.stringify(args.blocks ?? []))}`;
  return {
    platform: 'slack', limit: 4000, adapter, recorder,
    async userWrites(text) {
      await signedPost(url, eventCallback(dmEvent(text)), { secret: SIGNING_SECRET });
    },
    sentTo: (channel) => fake.callsTo('chat.postMessage').filter((c) => c.args.channel === channel).map((c) => slackVisible(String(c.args.text))),
    alert(ref) {
      const [channel, ts] = [ref.slice(0, ref.indexOf(':')), ref.slice(ref.indexOf(':') + 1)];
      const posted = fake.callsTo('chat.postMessage').find((c) => c.args.channel === channel && c.result?.ts === ts);
      if (!posted) return undefined;
      const updates = fake.callsTo('chat.update').filter((c) => c.args.channel === channel && c.args.ts === ts);
      return { visible: blocksText((updates.at(-1) ?? posted).args), edits: updates.length };
    },
    moderatorPosts: () => fake.callsTo('chat.postMessage').filter((c) => c.args.channel === mods).length,
    async close() {
      await adapter.stop();
      await fake.close();
    },
  };
};

export const consoleDriver: DriverFactory = async () => {
  const input = new PassThrough();
  const written: string[] = [];
  const output = new Writable({
    write(chunk: Buffer, _encoding, done) {
      written.push(chunk.toString('utf8'));
      done();
    },
  });
  const recorder = new Recorder();
  const adapter = createConsoleAdapter({ input, output, interactive: false, moderator: true });
  await adapter.start(recorder);
  const blocks = () => written.filter((w) => w.startsWith('[moderators] '));
  return {
    platform: 'console', limit: Number.POSITIVE_INFINITY, adapter, recorder,
    async userWrites(text) {
      input.write(`${text}\n`);
    },
    sentTo: () => written.filter((w) => !w.startsWith('[moderators] ')).map((w) => w.replace(/\n$/, '')),
    alert(ref) {
      const all = blocks();
      const posted = all.filter((b) => !b.startsWith('[moderators] update to alert'));
      const index = Number(ref.replace('console:', '')) - 1;
      if (posted[index] === undefined) return undefined;
      // A terminal cannot change printed lines: the console shows a change as a marked reprint.
      const updates = all.filter((b) => b.startsWith(`[moderators] update to alert ${ref}:`));
      return { visible: updates.at(-1) ?? posted[index]!, edits: updates.length };
    },
    moderatorPosts: () => blocks().filter((b) => !b.startsWith('[moderators] update to alert')).length,
    async close() {
      input.end();
      await adapter.stop();
    },
  };
};
