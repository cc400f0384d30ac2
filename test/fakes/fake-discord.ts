/**
 * A fake Discord on 127.0.0.1: the REST API (node:http) and the gateway (a ws
 * WebSocketServer on the same port), driven by a real discord.js Client. It speaks the
 * parts of the protocol the adapter uses (PLATFORMS.md §3.2): HELLO, IDENTIFY, READY,
 * GUILD_CREATE, heartbeats and ACKs, MESSAGE_CREATE and INTERACTION_CREATE; sessions as Discord
 * keeps them (fake-discord-sessions.ts: events kept while a session is disconnected and replayed
 * on RESUME, Invalid Session for a session that ended, the identify rate limit on request);
 * several shards (fake-discord-shards.ts: each connection gets its shard's guilds, DMs go to
 * shard 0); message posts with the 2000-character limit, 429s, nonce dedupe,
 * DMs that refuse (50007), and the 3-second interaction deadline. Every call is recorded.
 *
 * For realism, guild message content is blanked unless IDENTIFY asked for MessageContent, the
 * message is a DM, or it mentions the bot, as Discord does.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { readBody } from '../helpers/local-http.js';
import { buildGuild, DEFAULT_WORLD, guildIdOfChannel, guildsOf, messagePayload, type FakeUser, type FakeWorld, type MessageSpec } from './fake-discord-world.js';
import { guildShard, identifiedShard, type ShardPair } from './fake-discord-shards.js';
import { FakeGatewaySessions, type IdentifyRecord } from './fake-discord-sessions.js';
import { FakeChannelHistory } from './fake-discord-history.js';

export type { FakeWorld, MessageSpec } from './fake-discord-world.js';

/** Passes adapters/discord/config.ts's shape check; the fake accepts only this token. */
export const FAKE_DISCORD_TOKEN = 'NDAwMDAwMDAwMDAwMDAwMDAx.GfAkEd.fake-token-for-local-tests-only_0123456789';
const MESSAGE_CONTENT = 1 << 15;

export interface FakeDiscordOptions {
  world?: FakeWorld;
  /** HELLO heartbeat_interval; the first beat waits a random fraction of it. */
  heartbeatIntervalMs?: number;
  /** False: IDENTIFY with MessageContent is closed with 4014, as when the portal toggle is off. */
  messageContentAllowed?: boolean;
  /** On RESUME, also re-send this many events the client already had (an at-least-once replay). */
  replayOverlap?: number;
  /** Interaction callbacks later than this get 10062 Unknown interaction. */
  interactionDeadlineMs?: number;
  /** GET /gateway/bot's recommended `shards` (default 1). */
  recommendedShards?: number;
  /** session_start_limit.max_concurrency: identifies allowed per 5 s (default 1). */
  maxConcurrency?: number;
  /** Refuse an IDENTIFY over max_concurrency per 5 s with Invalid Session, as Discord does (default off). */
  enforceIdentifyLimit?: boolean;
  /** How long a disconnected session stays resumable (default 120 s: Discord says "a few minutes"). */
  resumableMs?: number;
}

export interface RecordedRequest {
  method: string;
  /** Path below /api/v10, e.g. /channels/123/messages. */
  path: string;
  query: string;
  body: any;
  at: number;
  status: number;
}

export interface PostedMessage {
  id: string;
  channelId: string;
  body: any;
}

export interface InteractionCallback {
  interactionId: string;
  type: number;
  data: any;
  latencyMs: number;
}

interface Rule {
  match: RegExp;
  times: number;
  status: number;
  body: unknown;
  headers?: Record<string, string>;
  /** Create the message first, then answer with the error (a lost response). */
  afterCreate?: boolean;
}

export interface FakeDiscord {
  /** For DISCORD_API_URL: http://127.0.0.1:PORT/api */
  apiUrl: string;
  world: FakeWorld;
  requests: RecordedRequest[];
  posted: PostedMessage[];
  typing: Array<{ channelId: string; at: number }>;
  commandPuts: Array<{ path: string; body: any }>;
  callbacks: InteractionCallback[];
  /** PATCH …/messages/@original and POST followups on interaction webhooks. */
  webhookCalls: Array<{ method: string; path: string; body: any }>;
  /** Every IDENTIFY, in order, with the time it arrived and whether the rate limit refused it. */
  identifies: IdentifyRecord[];
  resumes: Array<{ seq: number; sessionId: string; outcome: 'resumed' | 'invalid' | 'bad-seq' }>;
  heartbeats: number;
  /** Requests the fake has no route for (a test can assert this stays empty). */
  unexpected: string[];
  /** Posts a user message through the gateway; resolves with the payload sent. */
  userMessage(spec: MessageSpec): Record<string, any>;
  /** Sends a raw INTERACTION_CREATE; the payload needs id and token. */
  interaction(payload: Record<string, any>): void;
  /** Answers the next `times` matching requests with 429 and a Retry-After of `seconds`. */
  rateLimitNext(match: RegExp, seconds: number, times?: number): void;
  failNext(match: RegExp, status: number, body: unknown, options?: { times?: number; afterCreate?: boolean }): void;
  /** Sends to this user's DM channel fail with 403 / 50007, as with closed DMs. */
  closeDms(userId: string): void;
  /** Drops the gateway connection with a close code; discord.js resumes. */
  disconnect(code?: number): void;
  /** Ends every session without a connection, as Discord does when it no longer keeps them: a RESUME gets Invalid Session. */
  dropDetachedSessions(): void;
  /** Invalidates every connected session (op 9, d: false): the client must identify again, and what is sent before that reaches no session. */
  invalidateSessions(): void;
  /** Closes the next `times` IDENTIFYs with `code` (4004: the token was reset meanwhile). */
  refuseIdentify(code: number, times?: number): void;
  /** Number of live gateway sockets that finished IDENTIFY or RESUME. */
  readySockets(): number;
  /** The shard of each live identified socket, sorted: [[0, 2], [1, 2]] when two shards of two run. */
  readyShards(): ShardPair[];
  close(): Promise<void>;
}

export async function startFakeDiscord(options: FakeDiscordOptions = {}): Promise<FakeDiscord> {
  const world = options.world ?? DEFAULT_WORLD;
  const heartbeatMs = options.heartbeatIntervalMs ?? 1_000;
  const deadlineMs = options.interactionDeadlineMs ?? 3_000;
  const rules: Rule[] = [];
  const closedDmUsers = new Set<string>();
  const dmChannels = new Map<string, string>(); // channel id → user id
  const nonces = new Map<string, Record<string, any>>();
  const interactions = new Map<string, { at: number; acked: boolean; payload: Record<string, any> }>();
  const sockets = new Set<WebSocket>();
  /** Sockets the fake closed itself: their close code says nothing about the client's intent. */
  const closedByServer = new WeakSet<WebSocket>();
  const sessions = new FakeGatewaySessions({
    resumableMs: options.resumableMs ?? 120_000, keptEvents: 5_000,
    maxConcurrency: options.maxConcurrency ?? 1, enforceIdentifyLimit: options.enforceIdentifyLimit ?? false,
  }, (ws, payload) => send(ws, payload));
  const identifyRefusals: number[] = [];
  const history = new FakeChannelHistory();
  let intents = 0;
  let idCounter = 0n;
  const snowflake = () => String(((BigInt(Date.now()) - 1420070400000n) << 22n) + idCounter++);

  const fake: FakeDiscord = {
    apiUrl: '',
    world,
    requests: [],
    posted: [],
    typing: [],
    commandPuts: [],
    callbacks: [],
    webhookCalls: [],
    identifies: [],
    resumes: [],
    heartbeats: 0,
    unexpected: [],
    userMessage(spec) {
      const payload = messagePayload(world, spec, snowflake());
      const mentionsBot = payload.mentions.some((u: FakeUser) => u.id === world.bot.id);
      if (payload.guild_id !== undefined && (intents & MESSAGE_CONTENT) === 0 && !mentionsBot) {
        Object.assign(payload, { content: '', embeds: [], attachments: [], components: [] });
      }
      history.add(payload);
      dispatch('MESSAGE_CREATE', payload);
      return payload;
    },
    interaction(payload) {
      interactions.set(payload.id, { at: Date.now(), acked: false, payload });
      dispatch('INTERACTION_CREATE', payload);
    },
    rateLimitNext(match, seconds, times = 1) {
      rules.push({
        match, times, status: 429,
        body: { message: 'You are being rate limited.', retry_after: seconds, global: false },
        headers: {
          'retry-after': String(seconds), 'x-ratelimit-limit': '5', 'x-ratelimit-remaining': '0',
          'x-ratelimit-reset-after': String(seconds), 'x-ratelimit-bucket': 'fake-bucket', 'x-ratelimit-scope': 'user',
        },
      });
    },
    failNext(match, status, body, opts = {}) {
      rules.push({ match, status, body, times: opts.times ?? 1, ...(opts.afterCreate ? { afterCreate: true } : {}) });
    },
    closeDms(userId) {
      closedDmUsers.add(userId);
    },
    disconnect(code = 4000) {
      for (const ws of sockets) {
        closedByServer.add(ws);
        ws.close(code, 'fake disconnect');
      }
    },
    dropDetachedSessions() {
      sessions.endDetached();
    },
    invalidateSessions() {
      sessions.invalidateConnected();
    },
    refuseIdentify(code, times = 1) {
      for (let i = 0; i < times; i++) identifyRefusals.push(code);
    },
    readySockets: () => sessions.connectedShards().length,
    readyShards: () => sessions.connectedShards().sort((a, b) => a[1] - b[1] || a[0] - b[0]),
    close: async () => {
      for (const ws of sockets) ws.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };

  function send(ws: WebSocket, payload: object): void {
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(payload));
  }

  /** Logs the event on every session of its shard (for replay) and sends it to those connected. */
  function dispatch(t: string, d: unknown): void {
    sessions.dispatch(t, d, Date.now());
  }

  // ─── REST ────────────────────────────────────────────────────────────────
  const server = createServer((req, res) => {
    void handle(req, res).catch((error: unknown) => {
      res.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify({ message: String(error), code: 0 }));
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const path = decodeURIComponent(url.pathname).replace(/^\/api\/v10/, '');
    const method = req.method ?? 'GET';
    const raw = await readBody(req);
    const type = req.headers['content-type'] ?? '';
    const body = !raw ? undefined : type.includes('multipart/form-data') ? parseMultipart(raw) : type.includes('json') ? JSON.parse(raw) : raw;
    const record: RecordedRequest = { method, path, query: url.search, body, at: Date.now(), status: 200 };
    fake.requests.push(record);
    const reply = (status: number, json?: unknown, headers: Record<string, string> = {}) => {
      record.status = status;
      if (json === undefined) res.writeHead(status, headers).end();
      else res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(json));
    };

    const open = path.startsWith('/interactions/') || path.startsWith('/webhooks/');
    if (!open && req.headers.authorization !== `Bot ${FAKE_DISCORD_TOKEN}`) return reply(401, { message: '401: Unauthorized', code: 0 });

    const rule = rules.find((r) => r.times > 0 && r.match.test(`${method} ${path}`));
    if (rule && !rule.afterCreate) {
      rule.times--;
      return reply(rule.status, rule.body, rule.headers);
    }

    let m: RegExpExecArray | null;
    if (method === 'GET' && path === '/gateway/bot') {
      const { port } = server.address() as AddressInfo;
      return reply(200, {
        url: `ws://127.0.0.1:${port}/gateway`, shards: options.recommendedShards ?? 1,
        session_start_limit: { total: 1000, remaining: 999, reset_after: 14_400_000, max_concurrency: options.maxConcurrency ?? 1 },
      });
    }
    if (method === 'GET' && path === '/users/@me') return reply(200, world.bot);
    if (method === 'PUT' && /^\/applications\/\d+\/(guilds\/\d+\/)?commands$/.test(path)) {
      fake.commandPuts.push({ path, body });
      return reply(200, (body as any[]).map((c, i) => ({ ...c, id: String(900000000000000000n + BigInt(i)), application_id: world.bot.id, version: '1' })));
    }
    if (method === 'POST' && (m = /^\/channels\/(\d+)\/typing$/.exec(path))) {
      fake.typing.push({ channelId: m[1]!, at: Date.now() });
      return reply(204);
    }
    if (method === 'POST' && path === '/users/@me/channels') {
      const userId = String(body.recipient_id);
      const user = world.users.find((u) => u.id === userId);
      if (!user) return reply(404, { message: 'Unknown User', code: 10013 });
      const channelId = dmChannelId(userId);
      dmChannels.set(channelId, userId);
      return reply(200, { id: channelId, type: 1, last_message_id: null, flags: 0, recipients: [user] });
    }
    if (method === 'POST' && (m = /^\/channels\/(\d+)\/messages$/.exec(path))) {
      const channelId = m[1]!;
      const dmUser = dmChannels.get(channelId) ?? world.users.find((u) => dmChannelId(u.id) === channelId)?.id;
      if (dmUser !== undefined && closedDmUsers.has(dmUser)) {
        return reply(403, { message: 'Cannot send messages to this user', code: 50007 });
      }
      if (typeof body.content === 'string' && body.content.length > 2000) {
        return reply(400, {
          message: 'Invalid Form Body', code: 50035,
          errors: { content: { _errors: [{ code: 'BASE_TYPE_MAX_LENGTH', message: 'Must be 2000 or fewer in length.' }] } },
        });
      }
      // enforce_nonce: the same nonce within a few minutes returns the first message, no new post.
      const key = body.enforce_nonce && body.nonce ? `${channelId}:${body.nonce}` : undefined;
      let message = key ? nonces.get(key) : undefined;
      if (!message) {
        message = botMessage(channelId, body, snowflake());
        if (key) nonces.set(key, message);
        fake.posted.push({ id: message.id, channelId, body });
        history.add(message);
        // Discord echoes the bot's own messages on the gateway; the adapter must ignore them.
        dispatch('MESSAGE_CREATE', { ...message, ...(dmUser !== undefined ? { channel_type: 1 } : { guild_id: guildIdOfChannel(world, channelId) }) });
      }
      if (rule?.afterCreate) {
        rule.times--;
        return reply(rule.status, rule.body, rule.headers);
      }
      return reply(200, message);
    }
    if (method === 'GET' && (m = /^\/channels\/(\d+)\/messages$/.exec(path))) {
      const known = history.has(m[1]!) || guildIdOfChannel(world, m[1]!) !== world.guild.id || Object.values(world.channels).includes(m[1]!);
      if (!known) return reply(404, { message: 'Unknown Channel', code: 10003 });
      const page = history.read(m[1]!, url.searchParams);
      if (typeof page === 'string') return reply(400, { message: 'Invalid Form Body', code: 50035, errors: { _errors: [{ code: 'INVALID', message: page }] } });
      return reply(200, page);
    }
    if (method === 'GET' && (m = /^\/channels\/(\d+)$/.exec(path)) && dmUserOf(m[1]!) !== undefined) {
      const user = world.users.find((u) => u.id === dmUserOf(m![1]!))!;
      return reply(200, { id: m[1], type: 1, last_message_id: null, flags: 0, recipients: [user] });
    }
    if (method === 'GET' && (m = /^\/channels\/(\d+)$/.exec(path))) {
      const name = Object.entries(world.channels).find(([, id]) => id === m![1])?.[0]
        ?? (world.extraGuilds?.some((g) => g.channelId === m![1]) ? 'general' : undefined);
      if (name === undefined) return reply(404, { message: 'Unknown Channel', code: 10003 });
      return reply(200, { id: m[1], type: 0, name, guild_id: guildIdOfChannel(world, m[1]!), position: 0, permission_overwrites: [], flags: 0 });
    }
    if (method === 'PATCH' && (m = /^\/channels\/(\d+)\/messages\/(\d+)$/.exec(path))) {
      return reply(200, { ...botMessage(m[1]!, body, m[2]!), edited_timestamp: new Date().toISOString() });
    }
    if (method === 'POST' && (m = /^\/interactions\/(\d+)\/([^/]+)\/callback$/.exec(path))) {
      const known = interactions.get(m[1]!);
      const latencyMs = known ? Date.now() - known.at : -1;
      if (!known || latencyMs > deadlineMs) return reply(404, { message: 'Unknown interaction', code: 10062 });
      if (known.acked) return reply(400, { message: 'Interaction has already been acknowledged.', code: 40060 });
      known.acked = true;
      fake.callbacks.push({ interactionId: m[1]!, type: body.type, data: body.data, latencyMs });
      return reply(204);
    }
    if ((m = /^\/webhooks\/(\d+)\/([^/]+)(\/messages\/(@original|\d+))?$/.exec(path))) {
      fake.webhookCalls.push({ method, path, body });
      const token = m[2]!;
      const source = [...interactions.values()].find((i) => i.payload.token === token)?.payload;
      const channelId = source?.channel?.id ?? world.channels.general;
      const id = m[4] === '@original' && source?.message ? source.message.id : snowflake();
      return reply(200, botMessage(channelId, body ?? {}, id));
    }
    fake.unexpected.push(`${method} ${path}`);
    return reply(404, { message: '404: Not Found', code: 0 });
  }

  function dmChannelId(userId: string): string {
    return String(BigInt(userId) + 1n);
  }

  /** The user whose DM channel this is, if it is one. */
  function dmUserOf(channelId: string): string | undefined {
    return dmChannels.get(channelId) ?? world.users.find((u) => dmChannelId(u.id) === channelId)?.id;
  }

  function botMessage(channelId: string, body: any, id: string): Record<string, any> {
    return {
      id, channel_id: channelId, type: body.message_reference ? 19 : 0,
      author: world.bot, content: body.content ?? '', timestamp: new Date().toISOString(), edited_timestamp: null,
      tts: false, mention_everyone: false, mentions: [], mention_roles: [], attachments: [], embeds: body.embeds ?? [],
      components: body.components ?? [], pinned: false, flags: body.flags ?? 0,
      ...(body.nonce ? { nonce: body.nonce } : {}),
      ...(body.message_reference ? { message_reference: { ...body.message_reference, channel_id: channelId } } : {}),
    };
  }

  // ─── gateway ─────────────────────────────────────────────────────────────
  const wss = new WebSocketServer({ server, path: '/gateway' });
  wss.on('connection', (ws, req) => {
    sockets.add(ws);
    ws.on('close', (code) => {
      sockets.delete(ws);
      sessions.closed(ws, code, closedByServer.has(ws), Date.now());
    });
    const params = new URL(req.url ?? '/', 'http://127.0.0.1').searchParams;
    // zlib-stream would need deflated binary frames: keep zlib-sync out (PLATFORMS.md §3.2).
    if (params.has('compress') || params.get('encoding') !== 'json') {
      ws.close(4002, 'Decode error');
      return;
    }
    send(ws, { op: 10, d: { heartbeat_interval: heartbeatMs }, s: null, t: null });
    ws.on('message', (data) => {
      const frame = JSON.parse(String(data)) as { op: number; d: any };
      if (frame.op === 1) {
        fake.heartbeats++;
        send(ws, { op: 11 });
      } else if (frame.op === 2) {
        if (frame.d.token !== FAKE_DISCORD_TOKEN) return ws.close(4004, 'Authentication failed');
        const shard = identifiedShard(frame.d.shard);
        if (shard === undefined) return ws.close(4010, 'Invalid shard');
        const refusal = identifyRefusals.shift();
        if (refusal !== undefined) {
          closedByServer.add(ws);
          return ws.close(refusal, 'fake refusal');
        }
        if (options.messageContentAllowed === false && (frame.d.intents & MESSAGE_CONTENT) !== 0) {
          fake.identifies.push({ intents: frame.d.intents, shard, at: Date.now(), refused: false });
          return ws.close(4014, 'Disallowed intent(s)');
        }
        const session = sessions.identify(ws, shard, Date.now());
        fake.identifies.push({ intents: frame.d.intents, shard, at: Date.now(), refused: session === undefined });
        // Over the identify rate limit: "could not initialize a session" (op 9, not resumable).
        if (session === undefined) return send(ws, { op: 9, d: false });
        intents = frame.d.intents;
        const { port } = server.address() as AddressInfo;
        const guilds = guildsOf(world).filter((g) => guildShard(g.id, shard[1]) === shard[0]);
        const readyEvent = {
          v: 10, user: world.bot, guilds: guilds.map((g) => ({ id: g.id, unavailable: true })), session_id: session.id,
          resume_gateway_url: `ws://127.0.0.1:${port}/gateway`, shard,
          application: { id: world.bot.id, flags: 0 },
        };
        send(ws, { op: 0, t: 'READY', s: session.readySeq, d: readyEvent });
        for (const g of guilds) sessions.dispatchOn(ws, 'GUILD_CREATE', buildGuild(world, g.id));
      } else if (frame.op === 6) {
        if (frame.d.token !== FAKE_DISCORD_TOKEN) return ws.close(4004, 'Authentication failed');
        const outcome = sessions.resume(ws, frame.d.session_id, frame.d.seq, options.replayOverlap ?? 0, Date.now());
        fake.resumes.push({ seq: frame.d.seq, sessionId: frame.d.session_id, outcome });
        if (outcome === 'invalid') return send(ws, { op: 9, d: false });
        if (outcome === 'bad-seq') return ws.close(4007, 'Invalid seq');
      }
    });
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  fake.apiUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api`;
  return fake;
}

/** Attachments arrive as multipart: the JSON part is `payload_json`; files are recorded by name. */
function parseMultipart(raw: string): Record<string, any> {
  const payload = /name="payload_json"[^\r\n]*\r\n(?:[^\r\n]+\r\n)*\r\n([\s\S]*?)\r\n--/.exec(raw);
  const files = [...raw.matchAll(/filename="([^"]+)"/g)].map((m) => m[1]);
  return { ...(payload ? JSON.parse(payload[1]!) : {}), files };
}
