/**
 * A fake OpenAI-compatible server (vLLM-shaped) on 127.0.0.1, driven through the real
 * `openai` package by the code under test. Replies are scripted per request; every request
 * body is recorded so tests can assert on prompts.
 */
import { createServer, type Server } from 'node:http';
import { listenLocal, readBody } from '../helpers/local-http.js';

export interface ScriptedReply {
  /** null: vLLM's qwen3 parser when the token limit hit inside the thinking. */
  content?: string | null;
  /** vLLM's separate reasoning field (current name). */
  reasoning?: string;
  /** The older vLLM name of the same field. */
  reasoning_content?: string;
  finishReason?: string;
  delayMs?: number;
  /** Answer only once this settles (after `delayMs`): a test releases the answer when it has seen what it waits for. */
  until?: Promise<unknown>;
  /** Streaming: the pause between content chunks, as a model writing at its own pace. */
  chunkDelayMs?: number;
  /** Answer with this HTTP status and an OpenAI-style error body instead. */
  status?: number;
  headers?: Record<string, string>;
  /** Raw body to send instead of a completion (garbage responses). */
  raw?: string;
}

export interface ChatRequestBody {
  model: string;
  messages: Array<{ role: string; content: string }>;
  stream?: boolean;
  max_tokens?: number;
  max_completion_tokens?: number;
  cache_salt?: string;
  [key: string]: unknown;
}

/** A gate for `until`: the answer waits until the test calls `release()`. */
export function held(): { released: Promise<void>; release(): void } {
  let release = () => {};
  const released = new Promise<void>((r) => (release = r));
  return { released, release: () => release() };
}

export type ReplyScript = (body: ChatRequestBody, callIndex: number) => string | ScriptedReply;

export interface FakeModel {
  /** Base URL for the openai client, ending in /v1. */
  url: string;
  calls: ChatRequestBody[];
  /** Replace the script mid-test. */
  setReply(script: ReplyScript): void;
  close(): Promise<void>;
}

const defaultScript: ReplyScript = (body) => {
  const last = [...body.messages].reverse().find((m) => m.role === 'user');
  return `You said: ${last?.content ?? ''}`;
};

/** What GET /v1/models lists by default: the id the config defaults to (OYSTER_MODEL). */
export const FAKE_MODEL_IDS = ['OysterAI/Oyster_1_Qwen_14B'];

export interface FakeModelOptions {
  reply?: ReplyScript;
  models?: string[];
  /** Like vLLM's --api-key: every /v1 request needs `Authorization: Bearer <key>`, else 401. */
  apiKey?: string;
  /** Body fields answered with 400, as a server that does not know them (OpenAI rejects unknown arguments). */
  rejectFields?: string[];
}

export async function startFakeModel(options: FakeModelOptions = {}): Promise<FakeModel> {
  let script = options.reply ?? defaultScript;
  const models = options.models ?? FAKE_MODEL_IDS;
  const calls: ChatRequestBody[] = [];
  const server: Server = createServer(async (req, res) => {
    if (options.apiKey !== undefined && req.headers.authorization !== `Bearer ${options.apiKey}`) {
      await readBody(req);
      res.writeHead(401, { 'content-type': 'application/json' }).end('{"error":"Unauthorized"}');
      return;
    }
    // vLLM's model list (OpenAI GET /v1/models): reachability probes and `oyster-bot doctor`.
    if (req.method === 'GET' && req.url === '/v1/models') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ object: 'list', data: models.map((id) => ({ id, object: 'model', created: 0, owned_by: 'vllm' })) }));
      return;
    }
    if (req.method !== 'POST' || !req.url?.endsWith('/chat/completions')) {
      res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":{"message":"not found"}}');
      return;
    }
    const body = JSON.parse(await readBody(req)) as ChatRequestBody;
    const unknown = options.rejectFields?.find((f) => f in body);
    if (unknown) {
      res.writeHead(400, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: `Unrecognized request argument supplied: ${unknown}`, type: 'invalid_request_error', param: unknown, code: null } }));
      return;
    }
    const index = calls.push(body) - 1;
    const scripted = script(body, index);
    const reply: ScriptedReply = typeof scripted === 'string' ? { content: scripted } : scripted;
    if (reply.delayMs) {
      await new Promise<void>((resolve) => {
        // The listener goes when the timer fires: keep-alive sockets carry many requests.
        const onClose = () => { clearTimeout(timer); resolve(); };
        const timer = setTimeout(() => { req.socket.off('close', onClose); resolve(); }, reply.delayMs);
        req.socket.once('close', onClose);
      });
      if (req.socket.destroyed) return;
    }
    if (reply.until) {
      await reply.until.catch(() => undefined);
      if (req.socket.destroyed) return;
    }
    if (reply.status && reply.status >= 400) {
      res.writeHead(reply.status, { 'content-type': 'application/json', ...reply.headers });
      res.end(JSON.stringify({ error: { message: `scripted ${reply.status}`, type: 'server_error', code: null } }));
      return;
    }
    if (reply.raw !== undefined) {
      res.writeHead(200, { 'content-type': 'application/json' }).end(reply.raw);
      return;
    }
    if (body.stream) streamReply(res, body, reply);
    else {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(completion(body, reply)));
    }
  });
  const { port, close } = await listenLocal(server);
  return {
    url: `http://127.0.0.1:${port}/v1`,
    calls,
    setReply: (s) => { script = s; },
    close,
  };
}

function completion(body: ChatRequestBody, reply: ScriptedReply) {
  const message: Record<string, unknown> = { role: 'assistant', content: reply.content === null ? null : reply.content ?? '', refusal: null };
  if (reply.reasoning !== undefined) message.reasoning = reply.reasoning;
  if (reply.reasoning_content !== undefined) message.reasoning_content = reply.reasoning_content;
  return {
    id: 'chatcmpl-fake', object: 'chat.completion', created: Math.floor(Date.now() / 1000), model: body.model,
    choices: [{ index: 0, message, logprobs: null, finish_reason: reply.finishReason ?? 'stop' }],
    usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
  };
}

function streamReply(res: import('node:http').ServerResponse, body: ChatRequestBody, reply: ScriptedReply): void {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  const chunk = (delta: Record<string, unknown>, finish: string | null) => ({
    id: 'chatcmpl-fake', object: 'chat.completion.chunk', created: Math.floor(Date.now() / 1000), model: body.model,
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
  });
  const send = (data: unknown) => res.write(`data: ${JSON.stringify(data)}\n\n`);
  send(chunk({ role: 'assistant', content: '' }, null));
  if (reply.reasoning) for (const piece of pieces(reply.reasoning)) send(chunk({ reasoning: piece }, null));
  const content = pieces(reply.content ?? '');
  const end = () => {
    send(chunk({}, reply.finishReason ?? 'stop'));
    res.end('data: [DONE]\n\n');
  };
  if (!reply.chunkDelayMs) {
    for (const piece of content) send(chunk({ content: piece }, null));
    end();
    return;
  }
  // Paced: one chunk per interval, stopping if the client goes away.
  let i = 0;
  const timer = setInterval(() => {
    if (res.destroyed) return clearInterval(timer);
    if (i < content.length) send(chunk({ content: content[i++] }, null));
    else {
      clearInterval(timer);
      end();
    }
  }, reply.chunkDelayMs);
}

function pieces(text: string): string[] {
  return text.match(/[\s\S]{1,7}/g) ?? [];
}
