/**
 * The Oyster-1 client on the `openai` package, for any OpenAI-compatible endpoint (vLLM).
 * Timeouts and bounded retries (429, 5xx) follow the SDK's rules: retry-after-ms and retry-after
 * are honoured, else the wait doubles from 0.5 s (PLATFORMS.md §6). Whole answers are posted by
 * chat-request.ts with those rules and without the SDK's per-call work; streamed ones go through
 * the SDK. We add: reasoning
 * stripping, one retry with more room when the answer was cut off inside its reasoning, and
 * mapping every failure to a coded BotError that names the HTTP status, the endpoint's host
 * and the model (never the key).
 *
 * Current vLLM (0.16+, OYSTER.md): the reasoning arrives in `reasoning` (older servers:
 * `reasoning_content`) and is never read out; `content: null` means the token limit hit
 * inside the thinking, which is a truncation. Requests carry `max_completion_tokens` (the
 * old `max_tokens` is deprecated) and a per-user `cache_salt`, so one user cannot time
 * another's cached prompt on a shared server. A server that refuses `cache_salt` (400
 * naming it) gets requests without it from then on.
 */
import { createHmac, randomBytes } from 'node:crypto';
import OpenAI from 'openai';
import { BotError } from '../errors.js';
import type { Completion, CompletionRequest, LlmClient } from '../ports.js';
import { ChatAbortedError, ChatConnectionError, ChatStatusError, postChat } from './chat-request.js';
import { endpointHost, openChatConnection } from './openai-connection.js';
import { stripThink, ThinkStreamFilter } from './think.js';

export interface SamplingSettings {
  temperature: number;
  top_p: number;
  top_k?: number | undefined;
  min_p?: number | undefined;
  presence_penalty?: number | undefined;
}

export interface OpenAiClientConfig {
  baseURL: string;
  model: string;
  apiKey?: string | undefined;
  /** Per request, including the model's thinking time. */
  timeoutMs: number;
  maxRetries?: number;
  sampling?: SamplingSettings;
  /** Ceiling for the one retry after a truncated answer. */
  maxTokensCeiling?: number;
  /** 'auto' (default) sends a per-user cache_salt until the server refuses it; 'off' never does. */
  cacheSalt?: 'auto' | 'off';
}

/** Qwen3 thinking-mode defaults (OYSTER.md): no greedy decoding. */
const DEFAULT_SAMPLING: SamplingSettings = { temperature: 0.6, top_p: 0.95, top_k: 20, min_p: 0 };

interface Attempt { answer: string; truncated: boolean; finishReason: string; shown: boolean }

/** The message fields the openai types lack; read only to tell a truncation from an empty answer. */
type VllmMessage = { content?: string | null; reasoning?: unknown; reasoning_content?: unknown };

export function createOpenAiClient(config: OpenAiClientConfig): LlmClient {
  const { client, chat } = openChatConnection(config);
  const maxRetries = config.maxRetries ?? 2;
  const sampling = config.sampling ?? DEFAULT_SAMPLING;
  const ceiling = config.maxTokensCeiling ?? 16_384;
  const where = { host: endpointHost(config.baseURL), model: config.model };
  let sendSalt = config.cacheSalt !== 'off';
  // Per process: salts stay unguessable to users; a restart only costs cache hits.
  const saltKey = randomBytes(32);
  // Each person's salt is computed once: an HMAC per model call was a visible share of a call's CPU.
  const salts = new Map<string, string>();
  const saltFor = (userKey: string): string => {
    let salt = salts.get(userKey);
    if (salt === undefined) {
      if (salts.size >= 10_000) salts.clear();
      salt = createHmac('sha256', saltKey).update(userKey).digest('base64url');
      salts.set(userKey, salt);
    }
    return salt;
  };

  function body(request: CompletionRequest, maxTokens: number): OpenAI.Chat.ChatCompletionCreateParamsNonStreaming {
    // vLLM-only keys (top_k, min_p, cache_salt) travel as extra body fields; the SDK passes them through.
    return {
      model: config.model,
      messages: request.messages,
      max_completion_tokens: maxTokens,
      ...sampling,
      ...(sendSalt && request.userKey ? { cache_salt: saltFor(request.userKey) } : {}),
    } as OpenAI.Chat.ChatCompletionCreateParamsNonStreaming;
  }

  async function once(request: CompletionRequest, maxTokens: number): Promise<Attempt> {
    if (!request.onDelta) {
      const res = (await postChat({
        ...chat, body: body(request, maxTokens), timeoutMs: config.timeoutMs, maxRetries, signal: request.signal,
      })) as Partial<OpenAI.Chat.ChatCompletion> | null;
      const choice = res?.choices?.[0];
      if (!choice) throw new BotError('model response has no choices', 'LLM_BAD_RESPONSE');
      const message = choice.message as VllmMessage | undefined;
      if (typeof message?.content !== 'string') {
        // content null after thinking (vLLM's qwen3 parser at the token limit) is a truncation.
        const thought = message?.reasoning ?? message?.reasoning_content;
        if (choice.finish_reason === 'length' || (message?.content === null && thought !== undefined && thought !== null)) {
          return { answer: '', truncated: true, finishReason: choice.finish_reason, shown: false };
        }
        throw new BotError('model response has no message content', 'LLM_BAD_RESPONSE');
      }
      const { answer, truncated } = stripThink(message.content);
      return { answer, truncated: truncated || (choice.finish_reason === 'length' && answer === ''), finishReason: choice.finish_reason, shown: false };
    }
    const stream = await client.chat.completions.create({ ...body(request, maxTokens), stream: true }, request.signal ? { signal: request.signal } : {});
    const filter = new ThinkStreamFilter();
    let raw = '';
    let shown = false;
    let finishReason = 'stop';
    for await (const chunk of stream) {
      const choice = chunk.choices?.[0];
      if (!choice) continue;
      // Only `content` is forwarded; `reasoning` / `reasoning_content` deltas are dropped unread.
      const piece = choice.delta?.content;
      if (piece) {
        raw += piece;
        const visible = filter.feed(piece);
        if (visible) {
          shown = true;
          request.onDelta(visible);
        }
      }
      if (choice.finish_reason) finishReason = choice.finish_reason;
    }
    const { answer, truncated } = stripThink(raw);
    return { answer, truncated: truncated || (finishReason === 'length' && answer === ''), finishReason, shown };
  }

  /** One call; a server that refuses cache_salt is asked again without it, and never again with it. */
  async function call(request: CompletionRequest, maxTokens: number): Promise<Attempt> {
    try {
      return await once(request, maxTokens);
    } catch (error) {
      if (sendSalt && request.userKey && refusesCacheSalt(error)) {
        sendSalt = false;
        return once(request, maxTokens);
      }
      throw error;
    }
  }

  return {
    async complete(request: CompletionRequest): Promise<Completion> {
      try {
        let result = await call(request, request.maxTokens);
        // Cut off inside the reasoning: one more try with more room (OYSTER.md), unless part
        // of an answer was already shown while streaming.
        if (result.truncated && !result.shown) result = await call(request, Math.min(ceiling, request.maxTokens * 2));
        if (result.truncated) throw new BotError('model answer was cut off inside its reasoning', 'LLM_TRUNCATED', { context: where });
        if (result.answer === '') throw new BotError('model returned an empty answer', 'LLM_BAD_RESPONSE', { context: where });
        return { text: result.answer, finishReason: result.finishReason };
      } catch (error) {
        throw mapError(error, where);
      }
    },
  };
}

function refusesCacheSalt(error: unknown): boolean {
  if (error instanceof ChatStatusError) return error.status === 400 && /cache_salt/i.test(error.body);
  return error instanceof OpenAI.BadRequestError && /cache_salt/i.test(error.message);
}

type Where = { host: string; model: string };

function mapError(error: unknown, where: Where): BotError {
  const at = `${where.host} (model "${where.model}")`;
  if (error instanceof BotError) {
    return Object.keys(error.context).length ? error : new BotError(error.message, error.code, { cause: error.cause, context: where });
  }
  if (error instanceof ChatConnectionError) {
    return error.timedOut
      ? new BotError(`model request to ${at} timed out`, 'LLM_TIMEOUT', { cause: error, context: where })
      : new BotError(`model endpoint ${where.host} unreachable`, 'LLM_UNAVAILABLE', { cause: error, context: where });
  }
  if (error instanceof ChatAbortedError) return new BotError(`model request to ${at} aborted`, 'LLM_TIMEOUT', { cause: error, context: where });
  if (error instanceof ChatStatusError) return statusError(error.status, at, where, error);
  if (error instanceof OpenAI.APIConnectionTimeoutError) return new BotError(`model request to ${at} timed out`, 'LLM_TIMEOUT', { cause: error, context: where });
  if (error instanceof OpenAI.APIUserAbortError) return new BotError(`model request to ${at} aborted`, 'LLM_TIMEOUT', { cause: error, context: where });
  if (error instanceof OpenAI.APIConnectionError) return new BotError(`model endpoint ${where.host} unreachable`, 'LLM_UNAVAILABLE', { cause: error, context: where });
  if (error instanceof OpenAI.APIError) return statusError(error.status, at, where, error);
  if (error instanceof SyntaxError) return new BotError(`model response from ${at} was not valid JSON`, 'LLM_BAD_RESPONSE', { cause: error, context: where });
  if ((error as { name?: string })?.name === 'AbortError') return new BotError(`model request to ${at} aborted`, 'LLM_TIMEOUT', { cause: error, context: where });
  return new BotError(`model call to ${at} failed`, 'LLM_UNAVAILABLE', { cause: error, context: where });
}

function statusError(status: number | undefined, at: string, where: Where, cause: unknown): BotError {
  // 404 is what vLLM answers for a model id it does not serve: say so.
  const hint = status === 404 ? ': is OYSTER_MODEL one of the served ids?' : status === 401 || status === 403 ? ': check OYSTER_API_KEY' : '';
  return new BotError(`model endpoint ${at} answered HTTP ${status ?? 'error'}${hint}`, 'LLM_UNAVAILABLE', {
    cause,
    context: { ...where, status },
  });
}
