/**
 * A fake Slack for driving the real @slack/bolt App on 127.0.0.1: the Web API
 * (POST /api/<method>, form-urlencoded like WebClient sends it, PLATFORMS.md §5.2), a Socket
 * Mode WebSocket (/socket: hello → envelopes → acks), and response_url endpoints. Every call is
 * recorded; failures (429 with Retry-After, platform errors) are scripted per method. The
 * helpers at the bottom sign requests to the bot's HTTP endpoint the way Slack does.
 */
import { createHmac } from 'node:crypto';
import { createServer, type Server, type ServerResponse } from 'node:http';
import { WebSocketServer, type WebSocket } from 'ws';
import { listenLocal, readBody } from '../helpers/local-http.js';

export const TEAM_ID = 'T0TEAM';
export const BOT_USER_ID = 'U0BOT';
export const BOT_ID = 'B0BOT';

export interface SlackCall {
  method: string;
  /** Form fields; JSON-valued fields (blocks) already parsed. */
  args: Record<string, unknown>;
  token: string | undefined;
  at: number;
  /** What the fake answered (chat.postMessage's ts, for example); unset for scripted failures. */
  result?: Record<string, unknown>;
}

export interface ScriptedFailure {
  /** HTTP status (429 for rate limits); default 200 with ok:false. */
  status?: number;
  /** Slack error string, e.g. "cannot_dm_bot". */
  error?: string;
  /** Seconds, sent as the Retry-After header. */
  retryAfter?: number;
}

export interface FakeSlack {
  /** Base for SLACK_API_URL, ending in /api/. */
  apiUrl: string;
  calls: SlackCall[];
  /** Everything posted to a response_url. */
  responses: Array<{ id: string; body: Record<string, unknown> }>;
  /** A response_url pointing at this fake. */
  responseUrl(id: string): string;
  /** Calls of one method. */
  callsTo(method: string): SlackCall[];
  /** Fail the next `times` calls of `method`. */
  failNext(method: string, failure: ScriptedFailure, times?: number): void;
  /** Users known to users.info. */
  users: Map<string, { name: string; displayName?: string }>;
  /** Socket Mode: resolves once a client has connected and received hello. */
  socketConnected(): Promise<void>;
  /** Socket Mode: sends an envelope and resolves with the client's ack. */
  sendEnvelope(type: 'events_api' | 'slash_commands' | 'interactive', payload: unknown): Promise<Record<string, unknown>>;
  close(): Promise<void>;
}

export async function startFakeSlack(): Promise<FakeSlack> {
  const calls: SlackCall[] = [];
  const responses: FakeSlack['responses'] = [];
  const failures = new Map<string, ScriptedFailure[]>();
  const users = new Map<string, { name: string; displayName?: string }>();
  let tsCounter = 0;
  /** Messages the bot posted, per channel, for conversations.history. */
  const history = new Map<string, Array<Record<string, unknown> & { ts: string }>>();
  let port = 0;
  // Slack's ts is the posting time in seconds, made unique by its fraction.
  const nextTs = () => `${Math.floor(Date.now() / 1000)}.${String(++tsCounter).padStart(6, '0')}`;

  const server: Server = createServer(async (req, res) => {
    const raw = await readBody(req);
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (url.pathname.startsWith('/respond/')) {
      responses.push({ id: url.pathname.slice('/respond/'.length), body: JSON.parse(raw) as Record<string, unknown> });
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
      return;
    }
    if (!url.pathname.startsWith('/api/')) {
      res.writeHead(404).end();
      return;
    }
    const method = url.pathname.slice('/api/'.length);
    const args = parseArgs(raw, req.headers['content-type']);
    const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    const call: SlackCall = { method, args, token, at: Date.now() };
    calls.push(call);

    const failure = failures.get(method)?.shift();
    if (failure !== undefined) {
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (failure.retryAfter !== undefined) headers['retry-after'] = String(failure.retryAfter);
      const status = failure.status ?? 200;
      res.writeHead(status, headers).end(JSON.stringify({ ok: false, error: failure.error ?? (status === 429 ? 'ratelimited' : 'internal_error') }));
      return;
    }
    call.result = answer(method, args, token);
    json(res, call.result);
  });

  function answer(method: string, args: Record<string, unknown>, token: string | undefined): Record<string, unknown> {
    switch (method) {
      case 'auth.test':
        return { ok: true, url: 'https://oyster-test.slack.com/', team: 'Oyster Test', user: 'oyster', team_id: TEAM_ID, user_id: BOT_USER_ID, bot_id: BOT_ID };
      case 'chat.postMessage': {
        const ts = nextTs();
        const message = { type: 'message', text: args.text, user: BOT_USER_ID, bot_id: BOT_ID, ts, ...(args.metadata ? { metadata: args.metadata } : {}) };
        history.set(String(args.channel), [...(history.get(String(args.channel)) ?? []), message]);
        return { ok: true, channel: args.channel, ts, message };
      }
      case 'conversations.history': {
        // Newest first, from `oldest` on; metadata only when asked for, as Slack does.
        const oldest = Number(args.oldest ?? 0);
        const withMeta = String(args.include_all_metadata) === 'true';
        const messages = (history.get(String(args.channel)) ?? []).filter((m) => Number(m.ts) >= oldest).reverse()
          .slice(0, Number(args.limit ?? 100)).map((m) => (withMeta ? m : { ...m, metadata: undefined }));
        return { ok: true, messages, has_more: false };
      }
      case 'chat.update':
        return { ok: true, channel: args.channel, ts: args.ts, text: args.text };
      case 'chat.postEphemeral':
        return { ok: true, message_ts: nextTs() };
      case 'conversations.open': {
        const user = String(args.users ?? '');
        if (user.startsWith('B') || user === BOT_USER_ID) return { ok: false, error: 'cannot_dm_bot' };
        if (!/^[UW][A-Z0-9]+$/.test(user)) return { ok: false, error: 'user_not_found' };
        return { ok: true, channel: { id: `D${user.slice(1)}` } };
      }
      case 'users.info': {
        const id = String(args.user ?? '');
        const u = users.get(id);
        if (u === undefined) return { ok: false, error: 'user_not_found' };
        return { ok: true, user: { id, name: u.name, real_name: u.name, profile: { display_name: u.displayName ?? '', real_name: u.name } } };
      }
      case 'apps.connections.open':
        if (!token?.startsWith('xapp-')) return { ok: false, error: 'not_allowed_token_type' };
        return { ok: true, url: `ws://127.0.0.1:${port}/socket?ticket=t${calls.length}` };
      default:
        return { ok: false, error: 'unknown_method' };
    }
  }

  // Socket Mode side.
  const wss = new WebSocketServer({ noServer: true });
  let client: WebSocket | undefined;
  let onConnected: Array<() => void> = [];
  const acks = new Map<string, (ack: Record<string, unknown>) => void>();
  let envelopeCounter = 0;
  server.on('upgrade', (req, socket, head) => {
    if (!req.url?.startsWith('/socket')) {
      socket.destroy();
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      client = ws;
      ws.on('message', (data) => {
        const msg = JSON.parse(String(data)) as Record<string, unknown>;
        const id = String(msg.envelope_id ?? '');
        acks.get(id)?.(msg);
        acks.delete(id);
      });
      ws.send(JSON.stringify({ type: 'hello', num_connections: 1, debug_info: { host: 'fake' }, connection_info: { app_id: 'A0APP' } }));
      for (const fn of onConnected) fn();
      onConnected = [];
    });
  });

  const listener = await listenLocal(server);
  port = listener.port;

  return {
    apiUrl: `http://127.0.0.1:${port}/api/`,
    calls,
    responses,
    users,
    responseUrl: (id) => `http://127.0.0.1:${port}/respond/${id}`,
    callsTo: (method) => calls.filter((c) => c.method === method),
    failNext(method, failure, times = 1) {
      const list = failures.get(method) ?? [];
      for (let i = 0; i < times; i++) list.push(failure);
      failures.set(method, list);
    },
    socketConnected: () => new Promise<void>((resolve) => {
      if (client !== undefined) resolve();
      else onConnected.push(resolve);
    }),
    sendEnvelope(type, payload) {
      if (client === undefined) return Promise.reject(new Error('no Socket Mode client connected'));
      const envelope_id = `env-${++envelopeCounter}`;
      const acked = new Promise<Record<string, unknown>>((resolve) => acks.set(envelope_id, resolve));
      client.send(JSON.stringify({ envelope_id, type, accepts_response_payload: type !== 'events_api', retry_attempt: 0, retry_reason: '', payload }));
      return acked;
    },
    close: () => {
      for (const ws of wss.clients) ws.terminate();
      wss.close();
      return listener.close();
    },
  };
}

function parseArgs(raw: string, contentType: string | undefined): Record<string, unknown> {
  if (raw === '') return {};
  if (contentType?.includes('application/json')) return JSON.parse(raw) as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [k, v] of new URLSearchParams(raw)) {
    // WebClient JSON-stringifies object fields (blocks, attachments) inside the form.
    out[k] = (v.startsWith('[') || v.startsWith('{')) ? safeJson(v) : v;
  }
  return out;
}

function safeJson(v: string): unknown {
  try {
    return JSON.parse(v);
  } catch {
    return v;
  }
}

function json(res: ServerResponse, body: unknown): void {
  res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

// ─── requests from "Slack" to the bot ─────────────────────────────────────────

export interface SignedPostOptions {
  secret: string;
  /** Unix seconds; default now. Older than 5 minutes is refused by bolt. */
  timestamp?: number;
  retryNum?: number;
  retryReason?: string;
  /** Replace the computed signature (bad-signature tests). */
  signature?: string;
}

export interface SignedPostResult {
  status: number;
  body: string;
  /** Wall time until the response arrived. */
  ms: number;
}

/** The Slack v0 signature: HMAC-SHA256 over `v0:${timestamp}:${rawBody}`. */
export function slackSignature(secret: string, timestamp: number, rawBody: string): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${rawBody}`).digest('hex')}`;
}

/** POSTs a signed request: objects go as JSON (Events API), strings as a form (commands, actions). */
export async function signedPost(url: string, body: object | string, options: SignedPostOptions): Promise<SignedPostResult> {
  const raw = typeof body === 'string' ? body : JSON.stringify(body);
  const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
  const headers: Record<string, string> = {
    'content-type': typeof body === 'string' ? 'application/x-www-form-urlencoded' : 'application/json',
    'x-slack-request-timestamp': String(timestamp),
    'x-slack-signature': options.signature ?? slackSignature(options.secret, timestamp, raw),
  };
  if (options.retryNum !== undefined) {
    headers['x-slack-retry-num'] = String(options.retryNum);
    headers['x-slack-retry-reason'] = options.retryReason ?? 'http_timeout';
  }
  const started = performance.now();
  const res = await fetch(url, { method: 'POST', headers, body: raw });
  const text = await res.text();
  return { status: res.status, body: text, ms: performance.now() - started };
}

let eventCounter = 0;

/** An Events API `event_callback` body around `event`. */
export function eventCallback(event: Record<string, unknown>, eventId = `Ev${String(++eventCounter).padStart(8, '0')}`): Record<string, unknown> {
  return {
    token: 'legacy-verification-token', team_id: TEAM_ID, api_app_id: 'A0APP', type: 'event_callback',
    event_id: eventId, event_time: Math.floor(Date.now() / 1000), event,
    authorizations: [{ enterprise_id: null, team_id: TEAM_ID, user_id: BOT_USER_ID, is_bot: true }],
  };
}

/** A slash command as Slack posts it (form-urlencoded). */
export function slashCommandForm(fields: { text: string; user: string; channel: string; responseUrl: string; command?: string }): string {
  return new URLSearchParams({
    token: 'legacy', team_id: TEAM_ID, team_domain: 'oyster-test', channel_id: fields.channel,
    channel_name: fields.channel.startsWith('D') ? 'directmessage' : 'general', user_id: fields.user, user_name: `name-${fields.user}`,
    command: fields.command ?? '/oyster', text: fields.text, api_app_id: 'A0APP', response_url: fields.responseUrl,
    trigger_id: '1.2.3',
  }).toString();
}

/** A block_actions payload for a button press on a message (form field `payload`). */
export function blockActionPayload(fields: { user: string; channel: string; messageTs: string; actionId: string; value: string; responseUrl: string }): Record<string, unknown> {
  return {
    type: 'block_actions', team: { id: TEAM_ID, domain: 'oyster-test' },
    user: { id: fields.user, username: `name-${fields.user}`, name: `name-${fields.user}`, team_id: TEAM_ID },
    api_app_id: 'A0APP', token: 'legacy', trigger_id: '1.2.3',
    container: { type: 'message', message_ts: fields.messageTs, channel_id: fields.channel, is_ephemeral: false },
    channel: { id: fields.channel, name: 'moderators' },
    message: { type: 'message', ts: fields.messageTs, user: BOT_USER_ID, bot_id: BOT_ID, text: 'alert' },
    response_url: fields.responseUrl,
    actions: [{ type: 'button', action_id: fields.actionId, block_id: 'case', value: fields.value, action_ts: String(Date.now() / 1000), text: { type: 'plain_text', text: 'x' } }],
  };
}

export function blockActionForm(payload: Record<string, unknown>): string {
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}
