/**
 * One fault run (issue 17 item 7): the real CLI against a platform fake, the fake model and a
 * signed moderator webhook, all on 127.0.0.1. People write in a steady stream (some of them in
 * crisis) while the bot is SIGKILLed again and again and restarted on the same database. Half
 * of the kills land at a random moment of the bot's uptime, half within 150 ms of a crisis
 * message being handed over (intake, triage, resources and the alert's first try all fall in
 * that window). After the last restart the run waits, by events, until the bot is done:
 * every message answered or nothing new for a while, every alert delivered. Then one person
 * asks /forget and the database folder is searched for their words, name and number.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { startFakeModel } from '../fakes/fake-model.js';
import { startWebhookReceiver } from '../hardening/webhook-receiver.js';
import { botUnderFault } from './bot-process.js';
import { startPlatform, type FaultPlatform, type Person } from './fault-platforms.js';
import { tally, tracesIn, type FaultCounts, type Sent } from './fault-tally.js';

export interface FaultRunOptions {
  platform: FaultPlatform;
  kills: number;
  /** Messages handed over per second while the kills go on. */
  rate?: number;
  /** Share of messages that are crisis messages, 0-1. */
  crisisShare?: number;
  seed?: number;
  /** Deadline for one start of the bot (a loaded machine takes seconds to load the SDKs). */
  startDeadlineMs?: number;
  /** Progress lines (the script prints them; the test keeps them quiet). */
  log?: (line: string) => void;
}

export interface FaultReport extends FaultCounts {
  platform: FaultPlatform;
  kills: number;
  starts: number;
  /** Bytes of the forgotten person's text, name and number in the database folder, by file. */
  forgetBytes: { total: number; byFile: Record<string, number> };
  /** The same after a graceful stop (the last checkpoint has run). */
  forgetBytesAfterStop: { total: number; byFile: Record<string, number> };
  stopExit: number | null;
  seconds: number;
}

const EVERYDAY = [
  'Could you suggest a name for my new goldfish?',
  'What is a quick lunch I can make with chickpeas?',
  'How long should I steep green tea?',
  'Give me one tip for keeping houseplants alive in winter.',
  'What is a good stretch after a long bike ride?',
];
const CRISIS = [
  'I keep thinking about killing myself and I do not know how to stop.',
  'Honestly I want to end my life, nothing is getting better.',
  'I do not want to be alive anymore and I am thinking about suicide every day.',
];
/** The person who asks /forget at the end: every one of these must be gone from the files. */
const FORGETTER: Person = { n: 9_999, name: 'Quillamina Brackenthorpe' };
const FORGET_NUMBER = '07700 914 263';
const FORGET_TEXT = `I am Quillamina, call me on ${FORGET_NUMBER}. I keep thinking about killing myself near the marrowglen viaduct.`;
const FORGET_NEEDLES = ['Quillamina', 'Brackenthorpe', FORGET_NUMBER, '07700914263', 'marrowglen viaduct'];

const LETTERS = 'abcdefghij';
const refOf = (n: number) => `zq${String(n).replace(/\d/g, (d) => LETTERS[Number(d)]!)}x${LETTERS[n % 10]}`;

function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

export async function runFaults(options: FaultRunOptions): Promise<FaultReport> {
  const log = options.log ?? (() => undefined);
  const random = rng(options.seed ?? 17);
  const rate = options.rate ?? 4;
  const crisisShare = options.crisisShare ?? 0.2;
  const started = Date.now();
  const model = await startFakeModel({
    reply: (body) => {
      const last = [...body.messages].reverse().find((m) => m.role === 'user')?.content ?? '';
      return { content: `Thanks for writing. (${/zq[a-j]+x[a-j]+/.exec(last)?.[0] ?? 'no ref'})`, delayMs: 20 + random() * 180 };
    },
  });
  const platform = await startPlatform(options.platform);
  const receiver = await startWebhookReceiver('fault-suite-webhook-secret-0123456789');
  const dir = mkdtempSync(join(tmpdir(), 'oyster-faults-'));
  const dbPath = join(dir, 'bot.db');
  const bot = botUnderFault({
    ...platform.env, OYSTER_DB_PATH: dbPath, OYSTER_BASE_URL: model.url, OYSTER_TIMEOUT_MS: '10000',
    CRISIS_DEFAULT_COUNTRY: 'US', MODERATOR_WEBHOOK_URL: receiver.url, MODERATOR_WEBHOOK_SECRET: 'fault-suite-webhook-secret-0123456789',
    OYSTER_CONSOLE: 'off', RATE_LIMIT_PER_MINUTE: '0',
  }, options.startDeadlineMs ?? 300_000);
  const up = () => bot.up();

  const sent: Sent[] = [];
  const killTimes: number[] = [];
  const sentAt = new Map<string, number>();
  const undeliverable = new Set<string>();
  const deliveries: Array<Promise<void>> = [];
  const crisisWaiters: Array<() => void> = [];
  const hand = (person: Person, text: string, ref: string, crisis: boolean) => {
    sent.push({ person: person.n, ref, crisis });
    sentAt.set(ref, Date.now());
    deliveries.push(platform.deliver(person, `${text} (ref ${ref})`, up).then((d) => {
      if (!d.accepted) undeliverable.add(ref);
    }, () => {
      // The bot never came back in time for a redelivery: the platform gave up on it.
      undeliverable.add(ref);
    }));
    if (crisis) for (const w of crisisWaiters.splice(0)) w();
  };
  try {
    bot.start();
    await bot.up();
    // The person who will ask /forget writes first, so their rows live through every kill.
    hand(FORGETTER, FORGET_TEXT, refOf(FORGETTER.n), true);

    // The stream: everyday messages from a pool of people, crisis messages from new people.
    let sending = true;
    let counter = 0;
    const stream = (async () => {
      while (sending) {
        counter++;
        if (random() < crisisShare) hand({ n: 1_000 + counter, name: `Crisis Person ${counter}` }, CRISIS[counter % CRISIS.length]!, refOf(1_000 + counter), true);
        else {
          const n = 1 + Math.floor(random() * 40);
          hand({ n, name: `Everyday Person ${n}` }, EVERYDAY[counter % EVERYDAY.length]!, refOf(100_000 + counter), false);
        }
        await new Promise((r) => setTimeout(r, (1_000 / rate) * (0.5 + random())));
      }
    })();

    for (let k = 1; k <= options.kills; k++) {
      await bot.up();
      if (random() < 0.5) await new Promise((r) => setTimeout(r, random() * 2_500));
      else {
        await new Promise<void>((r) => crisisWaiters.push(r));
        await new Promise((r) => setTimeout(r, random() * 150));
      }
      await bot.kill();
      killTimes.push(Date.now());
      log(`kill ${k}/${options.kills} after ${sent.length} messages handed over`);
      bot.start();
    }
    sending = false;
    await stream;
    await bot.up();
    await Promise.all(deliveries);
    log(`all ${sent.length} messages handed over; waiting for the bot to finish`);
    await settle(() => tally(sent, undeliverable, platform.outbound(), receiver, dbPath), dbPath);
    // Counted before /forget: it erases the person's case, which is the point of it.
    const counts = tally(sent, undeliverable, platform.outbound(), receiver, dbPath);

    await platform.forget(FORGETTER, up);
    const forgetBytes = tracesIn(dir, FORGET_NEEDLES);
    const stopExit = await bot.stop();
    const forgetBytesAfterStop = tracesIn(dir, FORGET_NEEDLES);
    if (process.env.FAULTS_DEBUG) {
      const out = platform.outbound();
      for (const d of counts.details) {
        const person = /^person (\d+):/.exec(d)?.[1];
        if (person) for (const o of out.filter((x) => x.to === Number(person))) log(`${person} at ${o.at - started}: ${o.text.slice(0, 160).replace(/\n/g, ' / ')}`);
        const ref = /^(zq\w+)/.exec(d)?.[1];
        if (!ref) continue;
        const times = out.filter((o) => o.text.includes(ref)).map((o) => o.at);
        log(`${d}: answers at ${times.map((t) => t - started).join(', ')}; kills at ${killTimes.map((t) => t - started).join(', ')}; handed at ${sentAt.get(ref)! - started}`);
      }
    }
    return { platform: options.platform, kills: options.kills, starts: bot.starts, ...counts, forgetBytes, forgetBytesAfterStop, stopExit, seconds: (Date.now() - started) / 1000 };
  } catch (error) {
    throw new Error(`${error instanceof Error ? error.message : String(error)}\nbot stderr:\n${bot.stderr().slice(-3_000)}`);
  } finally {
    await bot.kill();
    await Promise.all([model.close(), platform.close(), receiver.close()]);
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Waits until every alert is delivered and nothing is lost, or until nothing changed for 20 s. */
async function settle(counts: () => FaultCounts, dbPath: string): Promise<void> {
  let last = '';
  let changedAt = Date.now();
  for (;;) {
    const c = counts();
    const db = new Database(dbPath, { readonly: true });
    const open = (db.prepare('SELECT COUNT(*) AS n FROM alert_outbox WHERE delivered_at IS NULL').get() as { n: number }).n;
    db.close();
    if (c.lost === 0 && c.resourcesLost === 0 && c.alertsLost === 0 && open === 0) return;
    const now = JSON.stringify([c, open]);
    if (now !== last) [last, changedAt] = [now, Date.now()];
    if (Date.now() - changedAt > 20_000) return;
    await new Promise((r) => setTimeout(r, 200));
  }
}
