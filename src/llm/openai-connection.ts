/**
 * The one way this program talks HTTP to the model server: the `openai` package built from
 * OYSTER_BASE_URL and OYSTER_API_KEY. The chat client, the /readyz probe and `doctor` all go
 * through it, so they send the same Authorization header to the same URLs; a probe with its
 * own fetch once reported 401 while chat worked. Whole chat completions skip the SDK's request
 * path (chat-request.ts) but take their URL, key and transport from the same SDK client.
 */
import OpenAI from 'openai';
import { createLeanFetch } from './lean-fetch.js';

export interface ModelConnection {
  baseURL: string;
  apiKey?: string | undefined;
  timeoutMs: number;
  maxRetries?: number;
}

/** Where and how the chat client posts a whole completion itself (chat-request.ts): the SDK client's own URL, key and transport. */
export interface ChatTarget {
  url: string;
  authorization: string;
  fetch: typeof fetch;
}

/** The SDK client and the target the whole-completion path posts to, built from the same values. */
export function openChatConnection(c: ModelConnection): { client: OpenAI; chat: ChatTarget } {
  const transport = createLeanFetch();
  const client = openModelConnection(c, transport);
  return {
    client,
    chat: { url: `${client.baseURL.replace(/\/+$/, '')}/chat/completions`, authorization: `Bearer ${client.apiKey ?? ''}`, fetch: transport },
  };
}

export function openModelConnection(c: ModelConnection, transport: typeof fetch = createLeanFetch()): OpenAI {
  return new OpenAI({
    // The SDK throws without a key and would read OPENAI_API_KEY from the environment; a local
    // vLLM needs none, so pass an explicit placeholder rather than let the environment leak in.
    apiKey: c.apiKey || 'not-needed',
    baseURL: c.baseURL,
    timeout: c.timeoutMs,
    maxRetries: c.maxRetries ?? 2,
    // node:http with keep-alive instead of the built-in fetch: a fraction of the CPU per call.
    fetch: transport,
  });
}

/** host:port of the endpoint, for logs and errors (never the path's secrets, never the key). */
export function endpointHost(baseURL: string): string {
  try {
    return new URL(baseURL).host;
  } catch {
    return 'unknown-host';
  }
}
