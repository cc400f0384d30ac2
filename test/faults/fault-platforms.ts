/**
 * The two platforms of the fault suite, each played by its fake over 127.0.0.1 the way the real
 * platform redelivers after a crash:
 *   - Telegram (long polling): updates stay queued in the fake until a getUpdates offset
 *     confirms them, so an update the bot never confirmed comes again after the restart.
 *   - Slack (HTTP Events API): a delivery that got no 2xx is retried with the same event_id and
 *     X-Slack-Retry-Num. Slack retries three times (about at once, after 1 min, after 5 min); here
 *     each retry waits until the restarted bot listens again, which is where the 1-minute and
 *     5-minute retries land, so the suite does not sit through Slack's real schedule.
 * Each driver turns what the bot sent back into one list of outbound messages for the tally.
 */
import { startFakeSlack, eventCallback, signedPost, slashCommandForm, type FakeSlack } from '../fakes/fake-slack.js';
import { startFakeTelegram, type FakeTelegram } from '../fakes/fake-telegram.js';
import { freePort } from '../helpers/local-http.js';

export type FaultPlatform = 'telegram' | 'slack';

export interface Person {
  /** 1-based number; the platform id is derived from it. */
  n: number;
  name: string;
}

/** One message the bot sent, in the form the tally reads. */
export interface Outbound {
  /** A person's number for their private chat, or 'moderators' for the moderator channel. */
  to: number | 'moderators';
  text: string;
  at: number;
}

export interface PlatformDriver {
  readonly platform: FaultPlatform;
  /** The bot's environment for this platform (ports and URLs stay the same across restarts). */
  readonly env: Record<string, string>;
  /** Hands a message to the bot as the platform would, redelivering until it is accepted. */
  deliver(person: Person, text: string, botUp: () => Promise<void>): Promise<{ attempts: number; accepted: boolean }>;
  /** Sends `/forget confirm` from `person`; resolves once the bot has answered it. */
  forget(person: Person, botUp: () => Promise<void>): Promise<void>;
  outbound(): Outbound[];
  close(): Promise<void>;
}

const MODERATOR_CHAT = '-1001777000111';
const MODERATOR_CHANNEL = 'C0MODS';
/** Slack gives up after the original try and three retries. */
const SLACK_TRIES = 4;

export async function startPlatform(platform: FaultPlatform): Promise<PlatformDriver> {
  return platform === 'telegram' ? telegramDriver(await startFakeTelegram()) : slackDriver(await startFakeSlack(), await freePort());
}

const telegramId = (p: Person) => 700_000_000 + p.n;

function telegramDriver(fake: FakeTelegram): PlatformDriver {
  // No message_id: the fake numbers each message as Telegram does (one counter for all private chats).
  const update = (p: Person, text: string, command?: number) => ({
    message: {
      date: Math.floor(Date.now() / 1000), text,
      chat: { id: telegramId(p), type: 'private', first_name: p.name },
      from: { id: telegramId(p), is_bot: false, first_name: p.name, language_code: 'en' },
      ...(command === undefined ? {} : { entities: [{ type: 'bot_command', offset: 0, length: command }] }),
    },
  });
  const toOf = (chat: string): number | 'moderators' | undefined =>
    chat === MODERATOR_CHAT ? 'moderators' : Number(chat) > 700_000_000 ? Number(chat) - 700_000_000 : undefined;
  return {
    platform: 'telegram',
    env: { TELEGRAM_BOT_TOKEN: fake.token, TELEGRAM_API_ROOT: fake.apiRoot, TELEGRAM_MODERATOR_CHAT_ID: MODERATOR_CHAT },
    // The fake keeps the update until the bot's offset confirms it: that is Telegram's redelivery.
    async deliver(p, text) {
      fake.pushUpdate(update(p, text));
      return { attempts: 1, accepted: true };
    },
    async forget(p) {
      const before = fake.sent.filter((s) => s.chatId === String(telegramId(p))).length;
      fake.pushUpdate(update(p, '/forget confirm', '/forget'.length));
      while (fake.sent.filter((s) => s.chatId === String(telegramId(p))).length === before) await new Promise((r) => setTimeout(r, 50));
    },
    outbound: () => fake.calls.filter((c) => c.method === 'sendMessage' && c.status === 200).flatMap((c) => {
      const to = toOf(String(c.payload.chat_id));
      return to === undefined ? [] : [{ to, text: String(c.payload.text), at: c.at }];
    }),
    close: () => fake.close(),
  };
}

const SIGNING_SECRET = 'fa17fa17fa17fa17fa17fa17fa17fa17';
const slackUser = (p: Person) => `U0F${p.n}`;
let slackTs = 0;

function slackDriver(fake: FakeSlack, port: number): PlatformDriver {
  const url = `http://127.0.0.1:${port}/slack/events`;
  /** POSTs until a 2xx, waiting for the bot between tries; a Slack retry carries the same body and event_id. */
  async function post(body: object | string, botUp: () => Promise<void>): Promise<{ attempts: number; accepted: boolean; body: string }> {
    for (let attempt = 0; attempt < SLACK_TRIES; attempt++) {
      if (attempt > 0) await botUp();
      const res = await signedPost(url, body, { secret: SIGNING_SECRET, ...(attempt > 0 ? { retryNum: attempt, retryReason: 'http_error' } : {}) })
        .catch(() => undefined);
      if (res && res.status >= 200 && res.status < 300) return { attempts: attempt + 1, accepted: true, body: res.body };
    }
    return { attempts: SLACK_TRIES, accepted: false, body: '' };
  }
  return {
    platform: 'slack',
    env: {
      SLACK_BOT_TOKEN: 'xoxb-fault-suite', SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_API_URL: fake.apiUrl,
      SLACK_PORT: String(port), SLACK_HOST: '127.0.0.1', SLACK_MODERATOR_CHANNEL: MODERATOR_CHANNEL,
    },
    async deliver(p, text, botUp) {
      fake.users.set(slackUser(p), { name: p.name });
      const ts = `${Math.floor(Date.now() / 1000)}.${String(++slackTs).padStart(6, "0")}`;
      const event = { type: 'message', channel: `D${slackUser(p).slice(1)}`, channel_type: 'im', user: slackUser(p), text, ts, event_ts: ts, team: 'T0TEAM', client_msg_id: `f-${ts}` };
      return post(eventCallback(event), botUp);
    },
    async forget(p, botUp) {
      const id = `forget-${p.n}`;
      const form = slashCommandForm({ text: 'forget confirm', user: slackUser(p), channel: `D${slackUser(p).slice(1)}`, responseUrl: fake.responseUrl(id) });
      const res = await post(form, botUp);
      // Answered inline in the ack, or later through the response_url.
      while (res.body.trim() === '' && !fake.responses.some((r) => r.id === id)) await new Promise((r) => setTimeout(r, 50));
    },
    outbound: () => fake.calls.filter((c) => c.method === 'chat.postMessage' && c.result?.ok === true).flatMap((c) => {
      const channel = String(c.args.channel);
      const to = channel === MODERATOR_CHANNEL ? 'moderators' as const : /^D0F\d+$/.test(channel) ? Number(channel.slice(3)) : undefined;
      return to === undefined ? [] : [{ to, text: String(c.args.text), at: c.at }];
    }),
    close: () => fake.close(),
  };
}
