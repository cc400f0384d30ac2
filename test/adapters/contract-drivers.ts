/**
 * One driver per adapter for the cross-adapter contract (contract.test.ts): each builds the real
 * adapter on its real SDK (discord.js, grammy, bolt, node:readline) against the local fake on
 * 127.0.0.1, and answers in the same words what the platform now shows, so the contract's
 * expectations are written once for all four. Commands reach the real moderation (src/crisis/
 * moderation.ts on a real SQLite case store), so a refusal is the core's own.
 */
import { PassThrough, Writable } from 'node:stream';
import { createConsoleAdapter } from '../../adapters/console/index.js';
import { createDiscordAdapter } from '../../adapters/discord/index.js';
import { discordVisibleText } from '../../adapters/discord/outbound.js';
import { visibleText as slackVisible } from '../../adapters/slack/outbound.js';
import { createTelegramAdapter } from '../../adapters/telegram/index.js';
import { ACTION_ACK } from '../../adapters/slack/moderator.js';
import { createModeration, type Moderation } from '../../src/crisis/moderation.js';
import { silentLogger } from '../../src/logger.js';
import type { InboundMessage } from '../../src/messages.js';
import { systemClock, type BotHandlers, type CommandReply, type CommandRequest, type MessageReceipt, type PlatformAdapter } from '../../src/ports.js';
import { buttonPayload, fakeUser } from '../fakes/fake-discord-world.js';
import { startFakeDiscord } from '../fakes/fake-discord.js';
import { blockActionForm, blockActionPayload, eventCallback, signedPost, startFakeSlack } from '../fakes/fake-slack.js';
import { startFakeTelegram } from '../fakes/fake-telegram.js';
import { testConfig as discordConfig } from '../discord/helpers.js';
import { channelEvent, dmEvent, mentionEvent, otherBotEvent, selfEvent, USER } from '../slack/fixtures.js';
import { SIGNING_SECRET, startAdapter } from '../slack/harness.js';
import { alice, BOT, bob, callbackQuery, groupText, MOD_CHAT_ID, otherBot, privateText, self } from '../telegram/fixtures.js';
import { testDb, type TestDb } from '../crisis/helpers.js';
import { testConfig as telegramConfig } from '../telegram/harness.js';

/** The only moderators the contract's core knows: one Discord user and the Discord moderator role. */
export const CONTRACT_MODERATORS = { ids: ['discord:500000000000000002'], roleIds: ['300000000000000001'] };

/** Records what an adapter hands the core; `case` commands go to the real moderation. */
export class Recorder implements BotHandlers {
  readonly messages: InboundMessage[] = [];
  readonly commands: CommandRequest[] = [];
  private readonly db: TestDb = testDb();
  private readonly moderation: Moderation = createModeration({
    cases: this.db.cases, moderators: CONTRACT_MODERATORS, clock: systemClock, logger: silentLogger,
  });
  async onMessage(message: InboundMessage): Promise<MessageReceipt> {
    this.messages.push(message);
    return { handled: Promise.resolve() };
  }
  async onCommand(command: CommandRequest): Promise<CommandReply> {
    this.commands.push(command);
    if (command.name === 'case') return this.moderation.handle(command);
    return { text: `ok ${command.name}`, ok: true, private: true };
  }
  close(): void {
    this.db.db.close();
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
  /**
   * Someone who is not a moderator acts on the alert `ref` shows: presses its Acknowledge
   * button, or on the console (which has no buttons) types `/case ack <caseId>`. Resolves with
   * that person's platform id.
   */
  nonModeratorAcknowledges(ref: string, caseId: number): Promise<string>;
  /** What the bot told the person who acted, where only they see it, oldest first. */
  privateAnswers(): string[];
  /**
   * A person whose private messages the platform refuses, and where the refusal shows: when the
   * DM is opened, or only at the first send into it. A string instead: why the platform has no
   * DM to refuse.
   */
  closedDms(): { userId: string; refusedAt: 'open' | 'send' } | string;
  /**
   * The platform delivers `text` in one of the shapes an adapter must tell apart: in a group,
   * addressed to the bot (the mention to be stripped) or not; written by the bot itself or by
   * another bot; or a private message delivered twice. A string instead: why the platform has
   * no such message.
   */
  deliver(kind: InboundKind, text: string): Promise<string | undefined>;
  /** What the bot sent into a conversation, exactly as the platform received it (markup and escapes included). */
  rawSentTo(channelId: string): string[];
  close(): Promise<void>;
}

export type InboundKind = 'groupMention' | 'groupPlain' | 'fromSelf' | 'fromOtherBot' | 'redelivered';

export type DriverFactory = () => Promise<ContractDriver>;

export const discordDriver: DriverFactory = async () => {
  const fake = await startFakeDiscord();
  const recorder = new Recorder();
  const adapter = createDiscordAdapter(discordConfig(fake), { logger: silentLogger });
  await adapter.start(recorder);
  const mods = fake.world.channels.moderators;
  const edits = (id: string) => fake.requests.filter((r) => r.method === 'PATCH' && r.path === `/channels/${mods}/messages/${id}`);
  const show = (body: { content?: string; embeds?: unknown }) => `${body.content ?? ''}\n${JSON.stringify(body.embeds ?? [])}`;
  let interaction = 0;
  return {
    platform: 'discord', limit: 2000, adapter, recorder,
    async nonModeratorAcknowledges(ref, caseId) {
      // Alice has no moderator role (Bob has: CONTRACT_MODERATORS).
      const presser = fakeUser(fake.world, 'alice');
      interaction++;
      fake.interaction(buttonPayload(fake.world, {
        id: String(810000000000000000n + BigInt(interaction)), token: `contract-token-${interaction}`, from: presser,
        customId: `case:ack:${caseId}`, message: { id: ref, channelId: mods },
      }));
      return presser.id;
    },
    // Follow-ups to the interaction with the ephemeral flag (64): only the presser sees them.
    privateAnswers: () => fake.webhookCalls.filter((c) => c.method === 'POST' && c.body?.flags === 64).map((c) => String(c.body.content ?? '')),
    async deliver(kind, text) {
      const alice = fakeUser(fake.world, 'alice');
      const mention = `<@${fake.world.bot.id}>`;
      if (kind === 'groupMention') fake.userMessage({ from: alice, content: `${mention} ${text}` });
      if (kind === 'groupPlain') fake.userMessage({ from: alice, content: text });
      if (kind === 'fromSelf') fake.userMessage({ from: fake.world.bot, content: text });
      if (kind === 'fromOtherBot') fake.userMessage({ from: fakeUser(fake.world, 'otherbot'), content: `${mention} ${text}` });
      if (kind === 'redelivered') {
        // After a RESUME the gateway replays the same MESSAGE_CREATE (same message id).
        const first = fake.userMessage({ from: alice, content: text, dm: true });
        fake.userMessage({ from: alice, content: text, dm: true, id: String(first.id) });
      }
      return undefined;
    },
    rawSentTo: (channelId) => fake.posted.filter((p) => p.channelId === channelId).map((p) => String(p.body.content ?? '')),
    closedDms() {
      const userId = fakeUser(fake.world, 'bob').id;
      fake.closeDms(userId);
      return { userId, refusedAt: 'send' };
    },
    async userWrites(text) {
      fake.userMessage({ from: fakeUser(fake.world, 'alice'), content: text, dm: true });
    },
    sentTo: (channelId) => fake.posted.filter((p) => p.channelId === channelId).map((p) => discordVisibleText(String(p.body.content ?? ''))),
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
      recorder.close();
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
    async nonModeratorAcknowledges(ref, caseId) {
      const messageId = Number(ref.slice(ref.lastIndexOf(':') + 1));
      fake.pushUpdate(callbackQuery(bob, `case:ack:${caseId}`, { chatId: MOD_CHAT_ID, messageId }));
      return String(bob.id);
    },
    // The answer to a button press is a pop-up only the presser sees.
    privateAnswers: () => fake.callsOf('answerCallbackQuery').map((c) => String((c.payload as { text?: string }).text ?? '')).filter((t) => t !== ''),
    // Bob never wrote to the bot privately: Telegram lets a bot message only users who started it.
    closedDms: () => ({ userId: String(bob.id), refusedAt: 'open' }),
    async deliver(kind, text) {
      const mention = `@${BOT.username}`;
      if (kind === 'groupMention') fake.pushUpdate(groupText(alice, `${mention} ${text}`));
      if (kind === 'groupPlain') fake.pushUpdate(groupText(alice, text));
      if (kind === 'fromSelf') fake.pushUpdate(groupText(self, text));
      if (kind === 'fromOtherBot') fake.pushUpdate(groupText(otherBot, `${mention} ${text}`));
      if (kind === 'redelivered') {
        // Telegram redelivers the same update (same update_id and message) after a failed ack.
        const update = privateText(alice, text);
        fake.pushUpdate(update);
        fake.pushUpdate(structuredClone(update));
      }
      return undefined;
    },
    rawSentTo: (chatId) => fake.sent.filter((m) => m.chatId === chatId).map((m) => m.text),
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
      recorder.close();
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
    async nonModeratorAcknowledges(ref, caseId) {
      const [channel, ts] = [ref.slice(0, ref.indexOf(':')), ref.slice(ref.indexOf(':') + 1)];
      await signedPost(url, blockActionForm(blockActionPayload({
        user: 'U0MALLORY', channel, messageTs: ts, actionId: ACTION_ACK, value: String(caseId), responseUrl: fake.responseUrl('contract'),
      })), { secret: SIGNING_SECRET });
      return 'U0MALLORY';
    },
    privateAnswers: () => [
      ...fake.callsTo('chat.postEphemeral').map((c) => slackVisible(String(c.args.text ?? ''))),
      ...fake.responses.filter((r) => r.body.response_type !== 'in_channel').map((r) => slackVisible(String(r.body.text ?? ''))),
    ],
    async deliver(kind, text) {
      const event = (e: Record<string, unknown>, id?: string) => signedPost(url, eventCallback(e, id), { secret: SIGNING_SECRET });
      if (kind === 'groupMention') await event(mentionEvent(text));
      if (kind === 'groupPlain') await event(channelEvent(text));
      if (kind === 'fromSelf') await event(selfEvent(text));
      if (kind === 'fromOtherBot') await event(otherBotEvent(text));
      if (kind === 'redelivered') {
        // A retry carries the same event_id; a duplicate under a new event_id has been seen too.
        const dm = dmEvent(text);
        await event(dm, 'Ev0000AAAA');
        await event({ ...dm }, 'Ev0000BBBB');
      }
      return undefined;
    },
    rawSentTo: (channel) => fake.callsTo('chat.postMessage').filter((c) => c.args.channel === channel).map((c) => String(c.args.text ?? '')),
    closedDms() {
      // A deactivated account: conversations.open answers user_disabled.
      fake.failNext('conversations.open', { error: 'user_disabled' });
      return { userId: 'U0GONE', refusedAt: 'open' };
    },
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
      recorder.close();
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
  const answersFrom = written.length;
  return {
    platform: 'console', limit: Number.POSITIVE_INFINITY, adapter, recorder,
    async nonModeratorAcknowledges(_ref, caseId) {
      // No buttons in a terminal: the person types the command. console:local is not a configured moderator here.
      input.write(`/case ack ${caseId}\n`);
      return 'local';
    },
    // The terminal is the person's own: every line the bot prints there only they see.
    privateAnswers: () => written.slice(answersFrom).filter((w) => !w.startsWith('[moderators] ')).map((w) => w.replace(/\n$/, '')),
    closedDms: () => 'the console is already the one private conversation with the person at the terminal: there is no DM to refuse',
    // One person at one terminal: no group, no other bots, no echo of its own lines, no redelivery.
    deliver: async (kind) => `a terminal has no ${kind === 'redelivered' ? 'redelivery' : 'group or bot messages'}: each typed line is one private message`,
    rawSentTo: () => written.filter((w) => !w.startsWith('[moderators] ')).map((w) => w.replace(/\n$/, '')),
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
      recorder.close();
    },
  };
};
