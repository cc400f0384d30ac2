/**
 * The client against a vLLM-0.16-shaped server (the fake model over HTTP, through the real
 * openai package): reasoning under either name, content null as truncation,
 * max_completion_tokens, a per-user cache_salt, and errors that say where and what failed.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { probeModel } from '../../src/llm/model-probe.js';
import { createOpenAiClient } from '../../src/llm/openai-client.js';
import { startFakeModel, type FakeModel, type FakeModelOptions } from '../fakes/fake-model.js';

let model: FakeModel | undefined;
afterEach(async () => { await model?.close(); model = undefined; });

async function serve(options: FakeModelOptions): Promise<FakeModel> {
  model = await startFakeModel(options);
  return model;
}

const clientFor = (m: FakeModel, extra: { apiKey?: string; cacheSalt?: 'auto' | 'off'; model?: string } = {}) =>
  createOpenAiClient({ baseURL: m.url, model: extra.model ?? 'oyster-1', timeoutMs: 5_000, maxRetries: 0, ...extra });
const ask = (text: string, userKey?: string) => ({ messages: [{ role: 'user' as const, content: text }], maxTokens: 256, ...(userKey ? { userKey } : {}) });

describe('current vLLM responses', () => {
  it('treats content null after thinking as a truncation: retries with more room, then answers', async () => {
    const m = await serve({ reply: (_b, i) => (i === 0 ? { content: null, reasoning: 'thinking that ran out', finishReason: 'length' } : 'A whole answer.') });
    expect((await clientFor(m).complete(ask('x'))).text).toBe('A whole answer.');
    expect(m.calls.map((c) => c.max_completion_tokens)).toEqual([256, 512]);
  });

  it('fails with LLM_TRUNCATED when content stays null, under the older reasoning_content name too', async () => {
    const m = await serve({ reply: () => ({ content: null, reasoning_content: 'still thinking', finishReason: 'stop' }) });
    await expect(clientFor(m).complete(ask('x'))).rejects.toMatchObject({ code: 'LLM_TRUNCATED' });
    expect(m.calls).toHaveLength(2);
  });

  it('sends max_completion_tokens and never the deprecated max_tokens', async () => {
    const m = await serve({ reply: () => 'ok' });
    await clientFor(m).complete(ask('x'));
    expect(m.calls[0]!.max_completion_tokens).toBe(256);
    expect('max_tokens' in m.calls[0]!).toBe(false);
  });
});

describe('the per-user cache salt', () => {
  it('is stable for one user, different between users, absent without a user', async () => {
    const m = await serve({ reply: () => 'ok' });
    const c = clientFor(m);
    await c.complete(ask('a', 'telegram:1'));
    await c.complete(ask('b', 'telegram:1'));
    await c.complete(ask('c', 'telegram:2'));
    await c.complete(ask('d'));
    const salts = m.calls.map((call) => call.cache_salt);
    expect(salts[0]).toMatch(/^[A-Za-z0-9_-]{20,}$/);
    expect(salts[1]).toBe(salts[0]);
    expect(salts[2]).not.toBe(salts[0]);
    expect(salts[3]).toBeUndefined();
    // The salt does not reveal the user id.
    expect(salts[0]).not.toContain('telegram');
  });

  it('is dropped for good when the server refuses the field', async () => {
    const m = await serve({ reply: () => 'ok', rejectFields: ['cache_salt'] });
    const c = clientFor(m);
    expect((await c.complete(ask('a', 'slack:U1'))).text).toBe('ok');
    expect((await c.complete(ask('b', 'slack:U1'))).text).toBe('ok');
    // Refused once, then retried and sent without it from then on.
    expect(m.calls.map((call) => 'cache_salt' in call)).toEqual([false, false]);
  });

  it('is never sent when turned off', async () => {
    const m = await serve({ reply: () => 'ok' });
    await clientFor(m, { cacheSalt: 'off' }).complete(ask('a', 'slack:U1'));
    expect(m.calls[0]!.cache_salt).toBeUndefined();
  });
});

describe('model errors say where and what', () => {
  it('names the HTTP status, the endpoint host and the model, never the key', async () => {
    const m = await serve({ reply: () => ({ status: 404 }) });
    const error = await clientFor(m, { apiKey: 'sk-secret-key-1234567890', model: 'oyster-typo' }).complete(ask('x')).catch((e: unknown) => e);
    const host = new URL(m.url).host;
    expect(error).toMatchObject({ code: 'LLM_UNAVAILABLE', context: { status: 404, host, model: 'oyster-typo' } });
    expect((error as Error).message).toBe(`model endpoint ${host} (model "oyster-typo") answered HTTP 404: is OYSTER_MODEL one of the served ids?`);
    expect(JSON.stringify((error as { context: unknown }).context)).not.toContain('sk-secret');
  });
});

describe('the readiness probe authenticates exactly as the chat client', () => {
  it('passes with the key chat uses and reports 401 without it', async () => {
    const m = await serve({ reply: () => 'ok', apiKey: 'the-key' });
    expect((await clientFor(m, { apiKey: 'the-key' }).complete(ask('x'))).text).toBe('ok');
    await expect(probeModel({ baseURL: m.url, apiKey: 'the-key' })).resolves.toMatchObject({ ok: true, models: ['OysterAI/Oyster_1_Qwen_14B'] });
    await expect(probeModel({ baseURL: m.url })).resolves.toMatchObject({ ok: false, reason: 'unauthorized', status: 401 });
    await expect(clientFor(m).complete(ask('x'))).rejects.toMatchObject({ context: { status: 401 } });
  });

  it('accepts a base URL with a trailing slash, as the chat client does', async () => {
    const m = await serve({ reply: () => 'ok' });
    await expect(probeModel({ baseURL: `${m.url}/` })).resolves.toMatchObject({ ok: true });
    expect((await clientFor({ ...m, url: `${m.url}/` }).complete(ask('x'))).text).toBe('ok');
  });
});
