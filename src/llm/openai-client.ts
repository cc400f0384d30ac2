/**
 * The Oyster-1 client on the `openai` package, for any OpenAI-compatible endpoint (vLLM).
 * Timeouts and bounded retries (429, 5xx) come from the SDK: it honours retry-after-ms and
 * retry-after and backs off exponentially from 0.5 s (PLATFORMS.md §6). We add: reasoning
 * stripping, one retry with more room when the answer was cut off inside <think>, and
 * mapping every failure to a coded BotError.
 */
import OpenAI from 'openai';
import { BotError } from '../errors.js';
import type { Completion, CompletionRequest, LlmClient } from '../ports.js';
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
}

/** Qwen3 thinking-mode defaults (OYSTER.md): no greedy decoding. */
const DEFAULT_SAMPLING: SamplingSettings = { temperature: 0.6, top_p: 0.95, top_k: 20, min_p: 0 };

export function createOpenAiClient(config: OpenAiClientConfig): LlmClient {
  const client = new OpenAI({
    // The SDK throws without a key and would read OPENAI_API_KEY from the environment; a local
    // vLLM needs none, so pass an explicit placeholder rather than let the environment leak in.
    apiKey: config.apiKey || 'not-needed',
    baseURL: config.baseURL,
    timeout: config.timeoutMs,
    maxRetries: config.maxRetries ?? 2,
  });
  const sampling = config.sampling ?? DEFAULT_SAMPLING;
  const ceiling = config.maxTokensCeiling ?? 16_384;

  async function once(request: CompletionRequest, maxTokens: number): Promise<{ answer: string; truncated: boolean; finishReason: string }> {
    // vLLM-only keys (top_k, min_p) travel as extra body fields; the SDK passes them through.
    const body = {
      model: config.model,
      messages: request.messages,
      max_tokens: maxTokens,
      ...sampling,
    } as OpenAI.Chat.ChatCompletionCreateParamsNonStreaming;
    const options = request.signal ? { signal: request.signal } : {};
    if (!request.onDelta) {
      const res = await client.chat.completions.create(body, options);
      const choice = res.choices?.[0];
      if (!choice || typeof choice.message?.content !== 'string') {
        if (choice?.finish_reason === 'length') return { answer: '', truncated: true, finishReason: 'length' };
        throw new BotError('model response has no message content', 'LLM_BAD_RESPONSE');
      }
      const { answer, truncated } = stripThink(choice.message.content);
      return { answer, truncated: truncated || (choice.finish_reason === 'length' && answer === ''), finishReason: choice.finish_reason };
    }
    const stream = await client.chat.completions.create({ ...body, stream: true }, options);
    const filter = new ThinkStreamFilter();
    let raw = '';
    let finishReason = 'stop';
    for await (const chunk of stream) {
      const choice = chunk.choices?.[0];
      if (!choice) continue;
      // Only `content` is forwarded; a `reasoning` delta is dropped unread.
      const piece = choice.delta?.content;
      if (piece) {
        raw += piece;
        const visible = filter.feed(piece);
        if (visible) request.onDelta(visible);
      }
      if (choice.finish_reason) finishReason = choice.finish_reason;
    }
    const { answer, truncated } = stripThink(raw);
    return { answer, truncated: truncated || (finishReason === 'length' && answer === ''), finishReason };
  }

  return {
    async complete(request: CompletionRequest): Promise<Completion> {
      try {
        let result = await once(request, request.maxTokens);
        if (result.truncated && !request.onDelta) {
          // Cut off inside the reasoning: one more try with more room (OYSTER.md).
          result = await once(request, Math.min(ceiling, request.maxTokens * 2));
        }
        if (result.truncated) throw new BotError('model answer was cut off inside its reasoning', 'LLM_TRUNCATED');
        if (result.answer === '') throw new BotError('model returned an empty answer', 'LLM_BAD_RESPONSE');
        return { text: result.answer, finishReason: result.finishReason };
      } catch (error) {
        throw mapError(error);
      }
    },
  };
}

function mapError(error: unknown): BotError {
  if (error instanceof BotError) return error;
  if (error instanceof OpenAI.APIConnectionTimeoutError) return new BotError('model request timed out', 'LLM_TIMEOUT', { cause: error });
  if (error instanceof OpenAI.APIUserAbortError) return new BotError('model request aborted', 'LLM_TIMEOUT', { cause: error });
  if (error instanceof OpenAI.APIConnectionError) return new BotError('model endpoint unreachable', 'LLM_UNAVAILABLE', { cause: error });
  if (error instanceof OpenAI.APIError) {
    return new BotError(`model endpoint answered ${error.status ?? 'an error'}`, 'LLM_UNAVAILABLE', {
      cause: error,
      context: { status: error.status },
    });
  }
  if (error instanceof SyntaxError) return new BotError('model response was not valid JSON', 'LLM_BAD_RESPONSE', { cause: error });
  if ((error as { name?: string })?.name === 'AbortError') return new BotError('model request aborted', 'LLM_TIMEOUT', { cause: error });
  return new BotError('model call failed', 'LLM_UNAVAILABLE', { cause: error });
}
