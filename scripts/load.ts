/**
 * `npm run load`: many simulated Telegram users through the real bot, end to end.
 *
 * The bot runs as the real CLI (`oyster-bot start`, a separate process) in Telegram webhook
 * mode, with the real engine, policies and a SQLite file. This process plays Telegram and the
 * model: it POSTs updates with the secret header to the bot's webhook server, runs the fake
 * Bot API that receives the bot's sendMessage calls, and the fake model that answers after a
 * random 20-200 ms. Everything listens on 127.0.0.1 only.
 *
 * Each user sends several messages a few hundred ms apart without waiting for answers, so a
 * user's messages queue in the bot and their order matters. A few percent of users send one
 * crisis message. Latency is POST → the matching sendMessage arriving at the fake Bot API. Updates
 * go over at most the webhook's max_connections at once, as Telegram sends them (load-webhook.ts).
 *
 * Checks (exit 1 when one fails): no message lost, none answered twice, every answer in its
 * own user's chat, per-user order kept, every crisis message got the verified resources and
 * exactly one case (cases table), no case for anyone else, every turn stored, every alert
 * delivered, the bot's own /metrics count matches, and SIGTERM stops it cleanly (exit 0).
 *
 * The figures depend on the machine: the bot, this process and anything else share its cores.
 *
 * The model can be normal (20-200 ms), slow (2-5 s), down (connection refused) or hung (never
 * answers): crisis resources must not wait for it in any case (issue 17 item 4). With the model
 * down or hung, answers are fallback texts, so only the crisis checks apply.
 *
 *   npm run load                                   # 500 users × 4 messages at about 100 messages/s
 *   npm run load -- --model hung
 *   npm run load -- --users 1000 --messages 5 --crisis-percent 3 --ramp-seconds 10 --seed 7
 *   npm run load -- --instances 3     (PostgreSQL, one instance SIGKILLed mid-run: scripts/load-instances.ts)
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { loadDirectory } from '../src/crisis/directory.js';
import { riskRank, type RiskLevel } from '../src/messages.js';
import { loadEscalationPolicy } from '../src/policy/escalation-policy.js';
import { createRiskAssessor } from '../src/risk/assessor.js';
import { startFakeModel } from '../test/fakes/fake-model.js';
import { startFakeTelegram } from '../test/fakes/fake-telegram.js';
import { refusedPort } from '../test/helpers/local-http.js';
import { BoundedLog, OPS_LISTENING } from '../test/helpers/log-port.js';
import { createWebhookPoster, TELEGRAM_DEFAULT_MAX_CONNECTIONS } from './load-webhook.js';

// ─── options ──────────────────────────────────────────────────────────────────
const argv = process.argv.slice(2);
function option(name: string, fallback: number, min: number, max: number): number {
  const i = argv.indexOf(`--${name}`);
  if (i === -1) return fallback;
  const n = Number(argv[i + 1]);
  if (!Number.isFinite(n) || n < min || n > max) {
    console.error(`--${name} expects a number from ${min} to ${max}`);
    process.exit(2);
  }
  return n;
}
const USERS = option('users', 500, 1, 5_000);
const MESSAGES = option('messages', 4, 1, 20);
const CRISIS_PERCENT = option('crisis-percent', 3, 0, 50);
// 500 users start over 18 s and send 4 messages up to 1 s apart: about 100 messages/s.
const RAMP_MS = option('ramp-seconds', 18, 0, 120) * 1_000;
const GAP_MS = option('gap-ms', 1_000, 0, 10_000);
const MODES = ['normal', 'slow', 'down', 'hung'] as const;
type ModelMode = (typeof MODES)[number];
const MODEL_MODE: ModelMode = (() => {
  const i = argv.indexOf('--model');
  const v = i === -1 ? 'normal' : argv[i + 1];
  if (!MODES.includes(v as ModelMode)) {
    console.error(`--model expects one of ${MODES.join(', ')}`);
    process.exit(2);
  }
  return v as ModelMode;
})();
/** Answers are checked only when the model answers them. */
const ANSWERS_EXPECTED = MODEL_MODE === 'normal' || MODEL_MODE === 'slow';
const TIMEOUT_MS = option('timeout-seconds', 240, 10, 1_800) * 1_000;
const SEED = option('seed', 42, 0, 2 ** 31);
const MODEL_MIN_MS = 20;
const MODEL_MAX_MS = 200;
const COUNTRY = 'US';
const ROOT = resolve(import.meta.dirname, '..');
const POLICY_DIR = join(ROOT, 'policies');

/** Deterministic randomness (mulberry32), so a run can be repeated. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}
const random = rng(SEED);
const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;

// ─── what users say (our own sentences) ─────────────────────────────────────────
const EVERYDAY = [
  'Can you recommend a podcast about space exploration?',
  'What should I cook tonight with rice, eggs and spinach?',
  'How do I keep my basil plant from wilting on the balcony?',
  'Tell me a fun fact about octopuses.',
  'Any tips for learning to juggle three balls?',
  'What is the difference between a latte and a flat white?',
  'Could you explain how compound interest works in simple words?',
  'My cat keeps knocking things off the table, why do cats do that?',
  'Help me write a short birthday message for my grandmother.',
  'Which board games work well for four players on a rainy evening?',
];
const CRISIS = [
  'I have decided to kill myself this weekend and I have written the notes already.',
  'Honestly I want to end my life, nothing is getting better.',
  'I keep planning how to kill myself when everyone is asleep.',
  'I do not want to be alive anymore and I am thinking about suicide every day.',
  'Everything feels pointless and I want to die.',
];

/** A reference the fake model echoes back: letters only, so no output rule mistakes it for a number. */
const LETTERS = 'abcdefghij';
const ref = (user: number, index: number) =>
  `zq${String(user).replace(/\d/g, (d) => LETTERS[Number(d)]!)}x${String(index).replace(/\d/g, (d) => LETTERS[Number(d)]!)}`;
const REF = /zq([a-j]+)x([a-j]+)/;
const unref = (s: string) => Number([...s].map((c) => LETTERS.indexOf(c)).join(''));

interface Sent {
  user: number;
  index: number;
  crisis: boolean;
  postedAt: number;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

async function main(): Promise<number> {
  // Screen every sentence with the real rules first: a crisis sentence must be one the screen
  // catches, and an everyday one must not open a case, or the checks below would be wrong.
  const assessor = createRiskAssessor({ policyDir: POLICY_DIR });
  const threshold = loadEscalationPolicy(POLICY_DIR).threshold;
  const screen = (text: string) => assessor.screen({ text: `${text} (ref ${ref(1, 1)})`, recent: [], now: new Date() }).level;
  const crisisTexts = CRISIS.filter((t) => riskRank(screen(t)) >= riskRank(threshold));
  const everydayTexts = EVERYDAY.filter((t) => riskRank(screen(t)) < riskRank(threshold));
  for (const t of CRISIS) if (!crisisTexts.includes(t)) console.warn(`note: the screen does not catch "${t}"; left out`);
  for (const t of EVERYDAY) if (!everydayTexts.includes(t)) console.warn(`note: the screen flags "${t}"; left out`);
  if ((CRISIS_PERCENT > 0 && crisisTexts.length === 0) || everydayTexts.length === 0) {
    console.error('no usable sentences after screening: check policies/detection');
    return 1;
  }
  const directory = loadDirectory(POLICY_DIR);

  const model = await startFakeModel({
    reply: (body) => {
      const last = [...body.messages].reverse().find((m) => m.role === 'user')?.content ?? '';
      const tag = REF.exec(last)?.[0] ?? 'unknown';
      const delayMs = MODEL_MODE === 'slow' ? 2_000 + random() * 3_000
        : MODEL_MODE === 'hung' ? 600_000 : MODEL_MIN_MS + random() * (MODEL_MAX_MS - MODEL_MIN_MS);
      return { content: `Thanks for writing, here is my answer for ${tag}.`, delayMs };
    },
  });
  // The ports come from the bot's info-level 'listening' lines: a quieter level would hide them.
  const logLevel = process.env.LOAD_LOG_LEVEL ?? 'info';
  if (!['info', 'debug', 'trace'].includes(logLevel)) {
    console.error(`LOAD_LOG_LEVEL=${logLevel}: use info, debug or trace (the bot's ports are read from its info-level log lines)`);
    await model.close();
    return 2;
  }
  const telegram = await startFakeTelegram();
  const dir = mkdtempSync(join(tmpdir(), 'oyster-load-'));
  const dbPath = join(dir, 'bot.db');
  // "down": nothing listens where the model should be.
  const modelUrl = MODEL_MODE === 'down' ? `http://127.0.0.1:${await refusedPort()}/v1` : model.url;
  const SECRET = 'load_test_secret';

  // LOAD_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" profiles the bot process.
  const nodeArgs = process.env.LOAD_NODE_ARGS?.split(' ').filter(Boolean) ?? [];
  const bot = spawn(process.execPath, [...nodeArgs, join(ROOT, 'bin/oyster-bot.mjs'), 'start'], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp',
      OYSTER_DB_PATH: dbPath, OYSTER_BASE_URL: modelUrl, OYSTER_MAX_RETRIES: '0', OYSTER_TIMEOUT_MS: '10000',
      TELEGRAM_BOT_TOKEN: telegram.token, TELEGRAM_API_ROOT: telegram.apiRoot,
      TELEGRAM_WEBHOOK_URL: 'https://bot.example.org/telegram', TELEGRAM_WEBHOOK_SECRET: SECRET,
      // Port 0 for both, read back from the log: a port picked here could be taken before the bot binds it.
      TELEGRAM_WEBHOOK_HOST: '127.0.0.1', TELEGRAM_WEBHOOK_PORT: '0',
      METRICS_PORT: '0', OYSTER_CONSOLE: 'off', CRISIS_DEFAULT_COUNTRY: COUNTRY,
      // One user's several messages a minute must not be limited: this measures throughput.
      // info (the default level) for the two 'listening' lines that name the ports.
      RATE_LIMIT_PER_MINUTE: '0', LOG_LEVEL: logLevel,
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const botLog = new BoundedLog();
  bot.stderr.on('data', (d: Buffer) => botLog.add(d));
  let webhookPort = 0;
  let metricsPort = 0;
  const botExit = new Promise<number | null>((r) => bot.on('close', (code) => r(code)));
  const deadline = Date.now() + TIMEOUT_MS;

  const cleanup = async () => {
    if (bot.exitCode === null) bot.kill('SIGKILL');
    await Promise.all([model.close(), telegram.close()]);
    rmSync(dir, { recursive: true, force: true });
  };

  // Ready: database writable, Telegram adapter started (webhook registered), and the model
  // reachable unless this run takes it down on purpose.
  for (;;) {
    webhookPort ||= botLog.port('telegram webhook listening') ?? 0;
    metricsPort ||= botLog.port(OPS_LISTENING) ?? 0;
    const ready = webhookPort > 0 && metricsPort > 0 && await fetch(`http://127.0.0.1:${metricsPort}/readyz`).then(async (r) => {
      if (r.status === 200) return true;
      const body = await r.json().catch(() => undefined) as { checks?: Array<{ name: string; ok: boolean }> } | undefined;
      return !ANSWERS_EXPECTED && (body?.checks ?? []).length > 0 && (body?.checks ?? []).every((c) => c.ok || c.name === 'model');
    }, () => false);
    if (ready) break;
    if (bot.exitCode !== null || Date.now() > deadline) {
      console.error(`the bot did not become ready\n${botLog.last(8_000)}`);
      await cleanup();
      return 1;
    }
    await new Promise((r) => setTimeout(r, 100));
  }

  // ─── plan and send ─────────────────────────────────────────────────────────
  // An ordinary message is one the bot's own screen reads below the threshold as the bot reads
  // it: with its reference and after the user's earlier messages (the screen weighs the whole
  // conversation). Screened alone, some sentences passed here and were flagged in the bot.
  // After a crisis message the user's next ones are read in its light, as they should be.
  const harmlessNext = (user: number, index: number, earlier: string[]): string => {
    const now = new Date();
    const recent = earlier.map((t, i) => ({ role: 'user' as const, text: `${t} (ref ${ref(user, i)})`, at: now }));
    const first = Math.floor(random() * everydayTexts.length);
    for (let k = 0; k < everydayTexts.length; k++) {
      const text = everydayTexts[(first + k) % everydayTexts.length]!;
      const level = assessor.screen({ text: `${text} (ref ${ref(user, index)})`, recent, now }).level;
      if (riskRank(level) < riskRank(threshold)) return text;
    }
    throw new Error(`every everyday sentence is flagged after user ${user}'s earlier messages: check policies/detection`);
  };
  const crisisUsers = new Set<number>();
  // A few percent of all messages are crisis messages, each from a different user.
  const crisisCount = Math.min(USERS, Math.round((USERS * MESSAGES * CRISIS_PERCENT) / 100));
  while (crisisUsers.size < crisisCount) crisisUsers.add(1 + Math.floor(random() * USERS));
  const sent: Sent[] = [];
  const plans = Array.from({ length: USERS }, (_, i) => {
    const user = i + 1;
    const crisisAt = crisisUsers.has(user) ? Math.floor(random() * MESSAGES) : -1;
    const startMs = random() * RAMP_MS;
    const messages: Array<{ index: number; text: string; crisis: boolean }> = [];
    for (let index = 0; index < MESSAGES; index++) {
      messages.push({ index, text: index === crisisAt ? pick(crisisTexts) : crisisAt >= 0 && index > crisisAt ? pick(everydayTexts) : harmlessNext(user, index, messages.map((m) => m.text)), crisis: index === crisisAt });
    }
    return { user, startMs, messages };
  });
  // Updates arrive as Telegram sends them: over at most the webhook's max_connections at once.
  const asked = telegram.callsOf('setWebhook').at(-1)?.payload.max_connections;
  const webhook = createWebhookPoster({
    url: `http://127.0.0.1:${webhookPort}/telegram`, secret: SECRET, timeoutMs: 30_000,
    maxConnections: typeof asked === 'number' ? asked : TELEGRAM_DEFAULT_MAX_CONNECTIONS,
  });
  const telegramUserId = (user: number) => 700_000_000 + user;
  let updateId = 1;
  let refused = 0;
  const startedAt = Date.now();
  const post = async (user: number, index: number, text: string) => {
    const from = { id: telegramUserId(user), is_bot: false, first_name: `User${user}`, language_code: 'en' };
    const update = {
      update_id: updateId++,
      message: { message_id: index + 1, date: Math.floor(Date.now() / 1000), chat: { id: from.id, type: 'private', first_name: from.first_name }, from, text },
    };
    telegram.observe(update);
    if ((await webhook.post(update)) !== 200) refused++;
  };
  await Promise.all(plans.map(async (plan) => {
    await new Promise((r) => setTimeout(r, plan.startMs));
    for (const m of plan.messages) {
      const text = `${m.text} (ref ${ref(plan.user, m.index)})`;
      const entry: Sent = { user: plan.user, index: m.index, crisis: m.crisis, postedAt: Date.now() };
      sent.push(entry);
      await post(plan.user, m.index, text);
      if (GAP_MS > 0) await new Promise((r) => setTimeout(r, random() * GAP_MS));
    }
  }));
  const postedAllAt = Date.now();
  webhook.close();

  // ─── wait for every answer (bounded) ───────────────────────────────────────
  // With the model down or hung every message still gets one message back (a fallback text).
  const answersOf = () => telegram.calls.filter((c) => c.method === 'sendMessage' && c.status === 200 && (!ANSWERS_EXPECTED || REF.test(String(c.payload.text))));
  // Until every answer is in, the deadline passes, or nothing new arrived for 15 s.
  let seen = 0;
  let progressAt = Date.now();
  while (Date.now() < deadline && Date.now() - progressAt < 15_000) {
    const count = answersOf().length;
    if (count >= sent.length) break;
    if (count > seen) [seen, progressAt] = [count, Date.now()];
    await new Promise((r) => setTimeout(r, 100));
  }
  // A little longer, so a late duplicate would still be seen.
  await new Promise((r) => setTimeout(r, 1_000));
  // The bot counts a message once its turn is stored, just after its answer goes out. With the
  // model down or hung the loop above counts every message back (resources and notes too), so
  // it can end while answers are still going out: /metrics is read once the count stops moving.
  const countedIn = (text: string) => [...text.matchAll(/^oyster_messages_total\{[^}]*platform="telegram"[^}]*\} (\d+)$/gm)].reduce((n, m) => n + Number(m[1]), 0);
  let metricsText = '';
  for (let last = -1, movedAt = Date.now(); Date.now() < deadline && Date.now() - movedAt < 15_000;) {
    metricsText = await fetch(`http://127.0.0.1:${metricsPort}/metrics`).then((r) => r.text(), () => '');
    const n = countedIn(metricsText);
    if (n >= sent.length) break;
    if (n !== last) [last, movedAt] = [n, Date.now()];
    await new Promise((r) => setTimeout(r, 200));
  }
  bot.kill('SIGTERM');
  const exitCode = await Promise.race([botExit, new Promise<'hung'>((r) => setTimeout(() => r('hung'), 20_000))]);

  // ─── analyse ───────────────────────────────────────────────────────────────
  const key = (user: number, index: number) => `${user}:${index}`;
  const byKey = new Map(sent.map((s) => [key(s.user, s.index), s]));
  const answers = new Map<string, number[]>();
  const perChat = new Map<number, Array<{ index: number | undefined; text: string; at: number }>>();
  let misrouted = 0;
  for (const call of telegram.calls) {
    if (call.method !== 'sendMessage' || call.status !== 200) continue;
    const chat = Number(call.payload.chat_id) - 700_000_000;
    const text = String(call.payload.text);
    const m = REF.exec(text);
    const index = m ? unref(m[2]!) : undefined;
    if (m) {
      if (unref(m[1]!) !== chat) misrouted++;
      const k = key(unref(m[1]!), index!);
      answers.set(k, [...(answers.get(k) ?? []), call.at]);
    }
    perChat.set(chat, [...(perChat.get(chat) ?? []), { index, text, at: call.at }]);
  }
  // A resource message carries the verified US lines and no model reference; a fallback answer
  // (model down or hung) carries neither.
  const usNumbers = directory.render({ country: COUNTRY, level: threshold, locale: 'en', place: 'private', about: 'self' }).numbers;
  const isResources = (e: { index: number | undefined; text: string }) => e.index === undefined && usNumbers.some((n) => e.text.includes(n));
  const lost = sent.filter((s) => !answers.has(key(s.user, s.index)));
  const twice = [...answers.entries()].filter(([, ats]) => ats.length > 1);
  const strays = [...answers.keys()].filter((k) => !byKey.has(k));
  let outOfOrder = 0;
  for (const plan of plans) {
    const order = (perChat.get(plan.user) ?? []).map((e) => e.index).filter((i): i is number => i !== undefined);
    if (order.some((v, i) => i > 0 && v <= order[i - 1]!)) outOfOrder++;
  }
  const latencies = sent.filter((s) => answers.has(key(s.user, s.index)))
    .map((s) => answers.get(key(s.user, s.index))![0]! - s.postedAt).sort((a, b) => a - b);
  // The last message back to any user (with the model down or hung, the fallback texts).
  const lastAnswerAt = Math.max(...answersOf().map((c) => c.at));

  // Crisis: resources arrive in that user's chat (no model reference in them), with every
  // verified number for the level; one case per crisis user, none for anyone else. A later
  // message can raise the level (the trajectory rules read the conversation): then updated
  // resources are due again (policies/escalation.yaml), so one resource message is expected
  // per rise of the stored level, each with the numbers for its level.
  const db = new Database(dbPath, { readonly: true });
  const levelsOf = db.prepare("SELECT risk_level AS level FROM turns WHERE user_key = ? AND role = 'user' ORDER BY id");
  const caseRows = db.prepare('SELECT user_key AS userKey, COUNT(*) AS n FROM cases GROUP BY user_key').all() as Array<{ userKey: string; n: number }>;
  const casesByUser = new Map(caseRows.map((r) => [r.userKey, r.n]));
  const crisisSent = sent.filter((s) => s.crisis);
  const resourceProblems: string[] = [];
  const resourceLatencies: number[] = [];
  // Split: a crisis message that is its user's first, and one sent while that user's earlier
  // messages were still waiting for the model (the per-user queue runs them in order).
  const resourceFirst: number[] = [];
  const resourceQueued: number[] = [];
  let rises = 0;
  for (const s of crisisSent) {
    const userKey = `telegram:${telegramUserId(s.user)}`;
    const chat = perChat.get(s.user) ?? [];
    const resources = chat.filter(isResources);
    const due: RiskLevel[] = [];
    let top: RiskLevel = 'none';
    const levels = (levelsOf.all(userKey) as Array<{ level: RiskLevel }>).map((r) => r.level);
    const own = levels[s.index];
    if (!own || riskRank(own) < riskRank(threshold)) resourceProblems.push(`user ${s.user}: the crisis message was stored at level ${own ?? 'missing'}`);
    for (const level of levels) {
      if (riskRank(level) >= riskRank(threshold) && riskRank(level) > riskRank(top)) due.push(level);
      if (riskRank(level) > riskRank(top)) top = level;
    }
    rises += Math.max(0, due.length - 1);
    if (resources.length !== due.length) resourceProblems.push(`user ${s.user}: ${resources.length} resource messages for levels ${due.join(' → ')}`);
    due.forEach((level, i) => {
      const numbers = directory.render({ country: COUNTRY, level, locale: 'en', place: 'private', about: 'self' }).numbers;
      const got = resources[i];
      if (got && !numbers.every((n) => got.text.includes(n))) resourceProblems.push(`user ${s.user}: ${level} resources lack ${numbers.join(', ')}`);
    });
    if (resources[0]) {
      resourceLatencies.push(resources[0].at - s.postedAt);
      (s.index === 0 ? resourceFirst : resourceQueued).push(resources[0].at - s.postedAt);
    }
    if (casesByUser.get(userKey) !== 1) resourceProblems.push(`user ${s.user}: ${casesByUser.get(userKey) ?? 0} cases`);
  }
  const crisisKeys = new Set(crisisSent.map((s) => `telegram:${telegramUserId(s.user)}`));
  const strayCases = caseRows.filter((r) => !crisisKeys.has(r.userKey)).length;
  const strayResources = plans.filter((p) => !crisisUsers.has(p.user) && (perChat.get(p.user) ?? []).some(isResources)).length;
  const turns = db.prepare("SELECT role, COUNT(*) AS n FROM turns GROUP BY role").all() as Array<{ role: string; n: number }>;
  const storedUser = turns.find((t) => t.role === 'user')?.n ?? 0;
  const storedAnswers = turns.find((t) => t.role === 'assistant')?.n ?? 0;
  const undelivered = (db.prepare('SELECT COUNT(*) AS n FROM alert_outbox WHERE delivered_at IS NULL').get() as { n: number }).n;
  db.close();
  const counted = countedIn(metricsText);

  // ─── report ────────────────────────────────────────────────────────────────
  const seconds = (lastAnswerAt - startedAt) / 1000;
  const ms = (v: number) => `${Math.round(v)} ms`;
  const sortedResources = resourceLatencies.sort((a, b) => a - b);
  const modelLine = { normal: 'fake model 20-200 ms', slow: 'fake model slow (2-5 s)', down: 'model down (connection refused)', hung: 'model hung (never answers)' }[MODEL_MODE];
  console.log(`oyster-bot load test: Telegram webhook → real bot process (engine, SQLite file) → fake Bot API; ${modelLine}`);
  console.log(`  users ${USERS}, messages per user ${MESSAGES}, messages ${sent.length} (${crisisSent.length} crisis, ${(100 * crisisSent.length / sent.length).toFixed(1)}%), seed ${SEED}`);
  console.log(`  sending took ${((postedAllAt - startedAt) / 1000).toFixed(1)} s (ramp ${RAMP_MS / 1000} s, up to ${GAP_MS} ms between one user's messages): ${(sent.length / ((postedAllAt - startedAt) / 1000)).toFixed(1)} messages/s offered`);
  console.log(`  throughput   ${(sent.length / seconds).toFixed(1)} messages/s (first POST to last answer: ${seconds.toFixed(1)} s)`);
  if (ANSWERS_EXPECTED) console.log(`  latency      p50 ${ms(percentile(latencies, 50))}, p90 ${ms(percentile(latencies, 90))}, p95 ${ms(percentile(latencies, 95))}, p99 ${ms(percentile(latencies, 99))}, max ${ms(latencies.at(-1) ?? Number.NaN)} (POST → answer at the Bot API)`);
  if (sortedResources.length > 0) {
    console.log(`  resources    p50 ${ms(percentile(sortedResources, 50))}, p99 ${ms(percentile(sortedResources, 99))}, max ${ms(sortedResources.at(-1)!)}, over 50 ms: ${sortedResources.filter((v) => v > 50).length} of ${sortedResources.length} (crisis POST → verified resources at the Bot API); ${rises} re-sent after a later message raised the level`);
    const split = (list: number[]) => {
      const sorted = [...list].sort((a, b) => a - b);
      return sorted.length ? `p50 ${ms(percentile(sorted, 50))}, max ${ms(sorted.at(-1)!)} (${sorted.length})` : 'none';
    };
    console.log(`               crisis as the user's first message: ${split(resourceFirst)}; after earlier messages of the same user: ${split(resourceQueued)}`);
  }
  const checks: Array<[string, boolean, string]> = [
    ['every update accepted (HTTP 200)', refused === 0, `${refused} refused`],
    ...(ANSWERS_EXPECTED ? [
      ['no message lost', lost.length === 0, `${lost.length} unanswered`],
      ['none answered twice', twice.length === 0 && strays.length === 0, `${twice.length} answered more than once, ${strays.length} unknown`],
      ['every answer went to its own user', misrouted === 0, `${misrouted} answers in another user's chat`],
      ['per-user order kept', outOfOrder === 0, `${outOfOrder} users saw answers out of order`],
    ] as Array<[string, boolean, string]> : []),
    ['every crisis message got its verified resources (again on each level rise) and exactly one case', resourceProblems.length === 0, resourceProblems.slice(0, 5).join('; ')],
    ['no resources or case for anyone else', strayCases === 0 && strayResources === 0, `${strayCases} cases, ${strayResources} users with resources`],
    ['every turn stored', storedUser === sent.length && (!ANSWERS_EXPECTED || storedAnswers === sent.length), `${storedUser} user turns, ${storedAnswers} answers stored`],
    ['resources p99 within 50 ms', percentile(sortedResources, 99) <= 50, `p99 ${ms(percentile(sortedResources, 99))}`],
    ['every moderator alert delivered', undelivered === 0, `${undelivered} undelivered`],
    ['/metrics counted every message', counted === sent.length, `oyster_messages_total ${counted}`],
    ['graceful stop on SIGTERM, exit 0', exitCode === 0, `exit ${String(exitCode)}`],
  ];
  for (const [name, passed, detail] of checks) console.log(`  ${passed ? 'PASS' : 'FAIL'} ${name}${passed ? '' : `: ${detail}`}`);
  const failed = checks.filter(([, passed]) => !passed).length;
  if (failed > 0) console.error(`bot stderr (last 2000 chars):\n${botLog.last(2000)}`);
  await cleanup();
  return failed === 0 ? 0 : 1;
}

// --instances N: N instances on one PostgreSQL behind a round-robin proxy (scripts/load-instances.ts).
const run = argv.includes('--instances') ? import('./load-instances.js').then((m) => m.multiInstanceMain(argv)) : main();
run.then((code) => process.exit(code), (error: unknown) => {
  console.error(error);
  process.exit(1);
});
