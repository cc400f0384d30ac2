/**
 * Several bot instances on one PostgreSQL, through the real CLI (`npm run load -- --instances 3`,
 * and test/store/multi-instance.test.ts).
 *
 * N `oyster-bot start` processes share one PostgreSQL database (DATABASE_URL), each in Telegram
 * webhook mode on its own port, behind a small round-robin proxy that plays the load balancer:
 * it spreads the updates over the instances and, like Telegram retrying a delivery that got no
 * answer, passes an update to the next instance when one does not answer. Users send several
 * messages each without waiting; a few percent send one crisis message. Mid-run one instance is
 * SIGKILLed and restarted under the same OYSTER_INSTANCE_ID.
 *
 * Counted: messages lost (never answered), answered twice, users who saw answers out of order,
 * cases per crisis user (and any for others), and per alert the deliveries at the moderator
 * webhook (deduped there on the alert id, as receivers are told to; raw redeliveries reported).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { createServer, request } from 'node:http';
import { resolve } from 'node:path';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { loadDirectory } from '../src/crisis/directory.js';
import { loadEscalationPolicy } from '../src/policy/escalation-policy.js';
import { PgDb, migratePg } from '../src/store/pg/index.js';
import { startFakeModel } from '../test/fakes/fake-model.js';
import { startFakeTelegram } from '../test/fakes/fake-telegram.js';
import { startWebhookReceiver } from '../test/hardening/webhook-receiver.js';
import { listenLocal, readBody } from '../test/helpers/local-http.js';
import { BoundedLog, OPS_LISTENING } from '../test/helpers/log-port.js';

const ROOT = resolve(import.meta.dirname, '..');
const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

export interface MultiLoadOptions {
  databaseUrl: string;
  instances: number;
  users: number;
  messages: number;
  crisisPercent: number;
  rampMs: number;
  /** SIGKILL one instance once this share of users has started, and restart it (0: no kill). */
  killAt: number;
  timeoutMs: number;
  log?: (line: string) => void;
}

export interface MultiLoadResult {
  sent: number;
  crisis: number;
  /** Messages that got no answer at all: neither the model's nor a fallback text quoting them. */
  lost: number;
  /** Messages answered with a fallback text (model late or failing, or a reply deadline at risk) instead of the model's answer. */
  fallbacks: number;
  duplicated: number;
  outOfOrder: number;
  /** Crisis users without exactly one case, plus cases of users who sent no crisis message. */
  caseProblems: number;
  alerts: number;
  /** Alerts the webhook sink never delivered. */
  alertsMissing: number;
  /** Requests beyond one per alert (redeliveries the receiver deduped). */
  alertRedeliveries: number;
  throughput: number;
  /** CPU (user + system) the bot processes used per message sent, start-up left out. */
  cpuMsPerMessage: number;
  /** 1-minute load average at the start and at the end of the run. */
  load: [number, number];
  killed: boolean;
  refused: number;
  /** For a failure: the intake rows of users with a lost or out-of-order message. */
  detail: string[];
}

const EVERYDAY = [
  'What should I cook tonight with rice and spinach?',
  'Tell me a fun fact about octopuses.',
  'Any tips for learning to juggle three balls?',
  'Which board games work well for four players?',
];
const CRISIS = ['I have decided to kill myself this weekend and I have written the notes already.'];
const LETTERS = 'abcdefghij';
const enc = (n: number) => String(n).replace(/\d/g, (d) => LETTERS[Number(d)]!);
const dec = (s: string) => Number([...s].map((c) => LETTERS.indexOf(c)).join(''));
const REF = /zq([a-j]+)x([a-j]+)/;
const SECRET = 'multi_load_secret';
const HOOK_SECRET = 'multi-load-webhook-secret';
const userId = (u: number) => 700_000_000 + u;

interface Instance {
  id: string;
  /** The current process's ports, read from its log (0 until it has named them). */
  webhookPort: number;
  metricsPort: number;
  proc: ChildProcess | undefined;
  stderr: BoundedLog;
  /** CPU ms of this instance's earlier (killed) processes, read just before the kill. */
  cpuBefore: number;
  /** CPU ms each process had used when it became ready (start-up: compiling, loading the tokenizer), left out of the per-message figure. */
  cpuAtReady: number;
}

const CLOCK_TICKS = 100;
/** CPU ms (user + system) of a live process, from /proc (Linux); 0 when it cannot be read. */
function cpuMsOf(pid: number | undefined): number {
  if (pid === undefined) return 0;
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
  } catch {
    return 0;
  }
}

export async function runMultiInstanceLoad(o: MultiLoadOptions): Promise<MultiLoadResult> {
  const log = o.log ?? (() => undefined);
  const admin = new PgDb(o.databaseUrl, { maxConnections: 2 });
  await migratePg(admin);
  const model = await startFakeModel({
    reply: (body) => {
      const last = [...body.messages].reverse().find((m) => m.role === 'user')?.content ?? '';
      return { content: `Here is my answer for ${REF.exec(last)?.[0] ?? 'unknown'}.`, delayMs: 20 + Math.random() * 180 };
    },
  });
  const telegram = await startFakeTelegram();
  const hook = await startWebhookReceiver(HOOK_SECRET);
  const instances: Instance[] = [];
  for (let i = 0; i < o.instances; i++) {
    instances.push({ id: `bot-${i + 1}`, webhookPort: 0, metricsPort: 0, proc: undefined, stderr: new BoundedLog(), cpuBefore: 0, cpuAtReady: 0 });
  }
  const start = (inst: Instance) => {
    // Port 0, read back from the log: each start binds fresh ports, so none chosen in advance can
    // be taken in between, and a restarted instance is reached where it listens now.
    inst.webhookPort = 0;
    inst.metricsPort = 0;
    inst.stderr = new BoundedLog();
    inst.proc = spawn(process.execPath, ['--import', TSX, resolve(ROOT, 'src/bin.ts'), 'start'], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp',
        DATABASE_URL: o.databaseUrl, OYSTER_INSTANCE_ID: inst.id,
        OYSTER_BASE_URL: model.url, OYSTER_MAX_RETRIES: '0', OYSTER_TIMEOUT_MS: '30000',
        TELEGRAM_BOT_TOKEN: telegram.token, TELEGRAM_API_ROOT: telegram.apiRoot,
        TELEGRAM_WEBHOOK_URL: 'https://bot.example.org/telegram', TELEGRAM_WEBHOOK_SECRET: SECRET,
        TELEGRAM_WEBHOOK_HOST: '127.0.0.1', TELEGRAM_WEBHOOK_PORT: '0',
        METRICS_PORT: '0', OYSTER_CONSOLE: 'off', CRISIS_DEFAULT_COUNTRY: 'US',
        MODERATOR_WEBHOOK_URL: hook.url, MODERATOR_WEBHOOK_SECRET: HOOK_SECRET,
        // info, the default level: the 'listening' lines name the ports.
        RATE_LIMIT_PER_MINUTE: '0', LOG_LEVEL: 'info',
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    const log = inst.stderr;
    inst.proc.stderr!.on('data', (d: Buffer) => {
      log.add(d);
      if (inst.stderr !== log) return;
      inst.webhookPort ||= log.port('telegram webhook listening') ?? 0;
      inst.metricsPort ||= log.port(OPS_LISTENING) ?? 0;
    });
  };
  const ready = async (inst: Instance, deadline: number) => {
    for (;;) {
      const status = inst.metricsPort === 0 ? 0 : await fetch(`http://127.0.0.1:${inst.metricsPort}/readyz`).then((r) => r.status, () => 0);
      if (status === 200) {
        inst.cpuAtReady += cpuMsOf(inst.proc?.pid);
        return;
      }
      if (inst.proc?.exitCode !== null || Date.now() > deadline) throw new Error(`${inst.id} did not become ready\n${inst.stderr.last(2000)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  };

  // The load balancer: round robin; an instance that does not answer gets the update passed on.
  let next = 0;
  const forward = (port: number, body: string, headers: Record<string, string>) => new Promise<number>((done, fail) => {
    const req = request({ host: '127.0.0.1', port, path: '/telegram', method: 'POST', headers }, (res) => {
      res.resume();
      res.on('end', () => done(res.statusCode ?? 0));
    });
    req.on('error', fail);
    req.setTimeout(30_000, () => req.destroy(new Error('timeout')));
    req.end(body);
  });
  const proxy = await listenLocal(createServer(async (req, res) => {
    const body = await readBody(req);
    const headers = { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': String(req.headers['x-telegram-bot-api-secret-token'] ?? '') };
    for (let attempt = 0; attempt < o.instances * 3; attempt++) {
      const inst = instances[next++ % instances.length]!;
      // An instance between a kill and its restart's listening line has no port: pass the update on.
      const status = inst.webhookPort === 0 ? 0 : await forward(inst.webhookPort, body, headers).catch(() => 0);
      if (status === 200) {
        res.writeHead(200).end();
        return;
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    res.writeHead(502).end();
  }));

  const deadline = Date.now() + o.timeoutMs;
  const loadAtStart = loadavg()[0]!;
  const cleanup = async () => {
    for (const inst of instances) if (inst.proc && inst.proc.exitCode === null) inst.proc.kill('SIGKILL');
    await Promise.all([model.close(), telegram.close(), hook.close(), proxy.close(), admin.close()]);
  };
  try {
    for (const inst of instances) start(inst);
    await Promise.all(instances.map((inst) => ready(inst, deadline)));
    log(`${o.instances} instances ready on one PostgreSQL`);

    const crisisUsers = new Set<number>();
    const crisisCount = Math.min(o.users, Math.round((o.users * o.messages * o.crisisPercent) / 100));
    while (crisisUsers.size < crisisCount) crisisUsers.add(1 + Math.floor(Math.random() * o.users));
    const sent: Array<{ user: number; index: number; crisis: boolean }> = [];
    let updateId = 1;
    let refused = 0;
    let killed = false;
    let usersStarted = 0;
    const victim = instances[1 % instances.length]!;
    const startedAt = Date.now();
    const post = async (user: number, index: number, text: string) => {
      const from = { id: userId(user), is_bot: false, first_name: `User${user}`, language_code: 'en' };
      const update = { update_id: updateId++, message: { message_id: index + 1, date: Math.floor(Date.now() / 1000), chat: { id: from.id, type: 'private', first_name: from.first_name }, from, text } };
      telegram.observe(update);
      const r = await fetch(`http://127.0.0.1:${proxy.port}/`, {
        method: 'POST', headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': SECRET }, body: JSON.stringify(update),
      }).catch(() => undefined);
      if (!r || r.status !== 200) refused++;
      await r?.arrayBuffer();
    };
    await Promise.all(Array.from({ length: o.users }, async (_, i) => {
      const user = i + 1;
      await new Promise((r) => setTimeout(r, Math.random() * o.rampMs));
      usersStarted++;
      if (!killed && o.killAt > 0 && usersStarted >= o.users * o.killAt && instances.length > 1) {
        killed = true;
        victim.cpuBefore += cpuMsOf(victim.proc!.pid);
        victim.proc!.kill('SIGKILL');
        log(`SIGKILL ${victim.id} after ${usersStarted} users started`);
        void new Promise((r) => setTimeout(r, 1_500)).then(() => {
          start(victim);
          log(`restarted ${victim.id}`);
        });
      }
      const crisisAt = crisisUsers.has(user) ? Math.floor(Math.random() * o.messages) : -1;
      for (let index = 0; index < o.messages; index++) {
        const base = index === crisisAt ? CRISIS[0]! : EVERYDAY[(user + index) % EVERYDAY.length]!;
        sent.push({ user, index, crisis: index === crisisAt });
        await post(user, index, `${base} (ref zq${enc(user)}x${enc(index)})`);
        await new Promise((r) => setTimeout(r, Math.random() * 300));
      }
    }));
    if (killed) await ready(victim, deadline);

    const answered = () => telegram.calls.filter((c) => c.method === 'sendMessage' && c.status === 200 && REF.test(String(c.payload.text)));
    let seen = 0;
    let progressAt = Date.now();
    while (Date.now() < deadline && Date.now() - progressAt < 20_000) {
      const n = new Set(answered().map((c) => REF.exec(String(c.payload.text))![0])).size;
      if (n >= sent.length) break;
      if (n > seen) [seen, progressAt] = [n, Date.now()];
      await new Promise((r) => setTimeout(r, 200));
    }
    const lastAt = Math.max(...answered().map((c) => c.at));
    // Alerts: wait until every alert row is delivered (the outbox workers share the rows).
    while (Date.now() < deadline) {
      const pending = (await admin.sql.one<{ n: number }>('SELECT COUNT(*)::int AS n FROM alert_outbox WHERE delivered_at IS NULL'))!.n;
      if (pending === 0) break;
      await new Promise((r) => setTimeout(r, 200));
    }

    const answers = new Map<string, number>();
    const order = new Map<number, number[]>();
    // A fallback text quotes the message it stands in for (reply_parameters) and carries no model
    // reference; a resource message quotes the crisis message too, but carries the verified lines.
    const policyDir = resolve(ROOT, 'policies');
    const numbers = loadDirectory(policyDir).render({
      country: 'US', level: loadEscalationPolicy(policyDir).threshold, locale: 'en', place: 'private', about: 'self',
    }).numbers;
    const fallbackFor = new Map<string, number>();
    for (const c of telegram.calls) {
      if (c.method !== 'sendMessage' || c.status !== 200) continue;
      const text = String(c.payload.text);
      const quoted = (c.payload.reply_parameters as { message_id?: number } | undefined)?.message_id;
      if (REF.test(text) || quoted === undefined || numbers.some((n) => text.includes(n))) continue;
      const user = Number(c.payload.chat_id) - 700_000_000;
      fallbackFor.set(`${user}:${quoted - 1}`, (fallbackFor.get(`${user}:${quoted - 1}`) ?? 0) + 1);
    }
    for (const c of answered()) {
      const m = REF.exec(String(c.payload.text))!;
      const key = `${dec(m[1]!)}:${dec(m[2]!)}`;
      // Order is judged on each message's first answer; a second answer is counted as a duplicate.
      if (!answers.has(key)) order.set(dec(m[1]!), [...(order.get(dec(m[1]!)) ?? []), dec(m[2]!)]);
      answers.set(key, (answers.get(key) ?? 0) + 1);
    }
    const lostList = sent.filter((s) => !answers.has(`${s.user}:${s.index}`) && !fallbackFor.has(`${s.user}:${s.index}`));
    const fallbacks = sent.filter((s) => !answers.has(`${s.user}:${s.index}`) && fallbackFor.has(`${s.user}:${s.index}`)).length;
    const lost = lostList.length;
    const troubled = new Set([...lostList.map((s) => s.user), ...[...order.entries()].filter(([, list]) => list.some((v, i) => i > 0 && v <= list[i - 1]!)).map(([u]) => u)]);
    const detail: string[] = [];
    for (const u of troubled) {
      const rows = await admin.sql.rows<Record<string, unknown>>(
        'SELECT message_id, received_at, completed_at, owner, resumes, resources FROM processed_messages WHERE user_key = $1 ORDER BY received_at', [`telegram:${userId(u)}`],
      );
      detail.push(`user ${u}: answers ${JSON.stringify(order.get(u) ?? [])}, lost ${JSON.stringify(lostList.filter((s) => s.user === u).map((s) => s.index))}, intake ${JSON.stringify(rows)}`);
    }
    // A message answered twice: two model answers, two fallbacks, or one of each.
    const duplicated = sent.reduce((n, m) => {
      const k = `${m.user}:${m.index}`;
      return n + Math.max(0, (answers.get(k) ?? 0) + (fallbackFor.get(k) ?? 0) - 1);
    }, 0);
    const cpuMs = instances.reduce((sum, inst) => sum + inst.cpuBefore + cpuMsOf(inst.proc?.pid) - inst.cpuAtReady, 0);
    const outOfOrder = [...order.values()].filter((list) => list.some((v, i) => i > 0 && v <= list[i - 1]!)).length;
    const cases = await admin.sql.rows<{ user_key: string; n: number }>('SELECT user_key, COUNT(*)::int AS n FROM cases GROUP BY user_key');
    const byUser = new Map(cases.map((c) => [c.user_key, c.n]));
    let caseProblems = 0;
    for (const u of crisisUsers) if (byUser.get(`telegram:${userId(u)}`) !== 1) caseProblems++;
    caseProblems += cases.filter((c) => !crisisUsers.has(Number(c.user_key.split(':')[1]) - 700_000_000)).length;
    if (detail.length > 0) for (const inst of instances) detail.push(`${inst.id} stderr (tail): ${inst.stderr.last(1500)}`);
    const alertIds = (await admin.sql.rows<{ id: number }>('SELECT id FROM alerts')).map((r) => String(r.id));
    const alertsMissing = alertIds.filter((id) => !hook.accepted.has(id)).length;
    const alertRequests = hook.raw.filter((r) => r.alertId !== undefined && r.status === 200).length;
    return {
      sent: sent.length, crisis: sent.filter((s) => s.crisis).length, lost, fallbacks, duplicated, outOfOrder, caseProblems,
      cpuMsPerMessage: cpuMs / sent.length, load: [loadAtStart, loadavg()[0]!],
      alerts: alertIds.length, alertsMissing, alertRedeliveries: Math.max(0, alertRequests - hook.accepted.size),
      throughput: sent.length / ((lastAt - startedAt) / 1000), killed, refused, detail,
    };
  } finally {
    await cleanup();
  }
}

/** `npm run load -- --instances 3`: starts a throwaway PostgreSQL unless TEST_DATABASE_URL is set. */
export async function multiInstanceMain(argv: string[]): Promise<number> {
  const num = (name: string, fallback: number) => {
    const i = argv.indexOf(`--${name}`);
    return i === -1 ? fallback : Number(argv[i + 1]);
  };
  const { startTestCluster } = await import('../test/store/pg-cluster.js');
  const { freshDatabase } = await import('../test/store/pg-env.js');
  const cluster = process.env.TEST_DATABASE_URL ? undefined : await startTestCluster({ durable: true });
  try {
    const url = await freshDatabase(process.env.TEST_DATABASE_URL ?? cluster!.url);
    const r = await runMultiInstanceLoad({
      databaseUrl: url, instances: num('instances', 3), users: num('users', 500), messages: num('messages', 4),
      crisisPercent: num('crisis-percent', 3), rampMs: num('ramp-seconds', 10) * 1_000, killAt: argv.includes('--no-kill') ? 0 : 0.5,
      timeoutMs: num('timeout-seconds', 300) * 1_000, log: (line) => console.log(`  ${line}`),
    });
    console.log(`oyster-bot load: ${num('instances', 3)} instances (real CLI, Telegram webhook) behind a round-robin proxy, one PostgreSQL`);
    console.log(`  messages ${r.sent} (${r.crisis} crisis), throughput ${r.throughput.toFixed(1)} messages/s, one instance SIGKILLed and restarted: ${r.killed ? 'yes' : 'no'}`);
    console.log(`  lost ${r.lost}, duplicated ${r.duplicated}, users out of order ${r.outOfOrder}, case problems ${r.caseProblems}, updates refused ${r.refused}`);
    console.log(`  answered by a fallback text instead of the model ${r.fallbacks}; bot CPU per message ${r.cpuMsPerMessage.toFixed(1)} ms (all instances, user + system, start-up left out); load average ${r.load[0].toFixed(2)} at start, ${r.load[1].toFixed(2)} at end`);
    console.log(`  alerts ${r.alerts}, missing at the webhook ${r.alertsMissing}, redeliveries deduped by alert id ${r.alertRedeliveries}`);
    for (const line of r.detail) console.log(`  ${line}`);
    return r.lost === 0 && r.duplicated === 0 && r.outOfOrder === 0 && r.caseProblems === 0 && r.alertsMissing === 0 ? 0 : 1;
  } finally {
    await cluster?.stop();
  }
}
