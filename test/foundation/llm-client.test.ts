import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createOpenAiClient } from '../../src/llm/openai-client.js';
import { startFakeModel, type FakeModel } from '../fakes/fake-model.js';

let model: FakeModel;
beforeAll(async () => { model = await startFakeModel(); });
afterAll(async () => { await model.close(); });
beforeEach(() => { model.calls.length = 0; });

const client = (overrides: { timeoutMs?: number; maxRetries?: number } = {}) =>
  createOpenAiClient({ baseURL: model.url, model: 'oyster-1', apiKey: 'test', timeoutMs: overrides.timeoutMs ?? 5_000, maxRetries: overrides.maxRetries ?? 0 });
const ask = (text: string) => ({ messages: [{ role: 'user' as const, content: text }], maxTokens: 512 });

describe('the Oyster-1 client against an OpenAI-compatible server', () => {
  it('returns the answer of a plain completion and sends Qwen3 sampling settings', async () => {
    model.setReply(() => 'Hello there.');
    await expect(client().complete(ask('hi'))).resolves.toEqual({ text: 'Hello there.', finishReason: 'stop' });
    expect(model.calls[0]).toMatchObject({ model: 'oyster-1', max_completion_tokens: 512, temperature: 0.6, top_p: 0.95, top_k: 20, min_p: 0 });
  });

  it('never returns the reasoning field, under either of its names', async () => {
    model.setReply((_b, i) => (i === 0
      ? { content: 'Answer one.', reasoning: 'the user seems at risk because...' }
      : { content: 'Answer two.', reasoning_content: 'older vLLM reasoning' }));
    expect((await client().complete(ask('a'))).text).toBe('Answer one.');
    expect((await client().complete(ask('b'))).text).toBe('Answer two.');
  });

  it('strips an inline think block from the content', async () => {
    model.setReply(() => '<think>\nprivate risk analysis\n</think>\n\nHere is my answer.');
    expect((await client().complete(ask('x'))).text).toBe('Here is my answer.');
  });

  it('retries once with more room when the answer was cut off inside its reasoning', async () => {
    model.setReply((_b, i) => (i === 0 ? { content: '<think>long reasoning that never ends', finishReason: 'length' } : 'Complete answer.'));
    expect((await client().complete(ask('x'))).text).toBe('Complete answer.');
    expect(model.calls.map((c) => c.max_completion_tokens)).toEqual([512, 1024]);
  });

  it('fails with LLM_TRUNCATED when the retry is cut off too, and never leaks the reasoning', async () => {
    model.setReply(() => ({ content: '<think>the method details would be', finishReason: 'length' }));
    await expect(client().complete(ask('x'))).rejects.toMatchObject({ code: 'LLM_TRUNCATED' });
  });

  it('streams only answer text, holding back a think block', async () => {
    model.setReply(() => ({ content: '<think>reasoning here</think>Streaming works fine.' }));
    const deltas: string[] = [];
    const result = await client().complete({ ...ask('x'), onDelta: (d) => deltas.push(d) });
    expect(result.text).toBe('Streaming works fine.');
    expect(deltas.join('')).toBe('Streaming works fine.');
    expect(deltas.join('')).not.toContain('reasoning');
    expect(model.calls[0]?.stream).toBe(true);
  });

  it('streams with a separate reasoning field without forwarding it', async () => {
    model.setReply(() => ({ content: 'Visible part.', reasoning: 'hidden part' }));
    const deltas: string[] = [];
    await client().complete({ ...ask('x'), onDelta: (d) => deltas.push(d) });
    expect(deltas.join('')).toBe('Visible part.');
  });

  it('retries a 429 with the server-given delay and then succeeds', async () => {
    model.setReply((_b, i) => (i === 0 ? { status: 429, headers: { 'retry-after-ms': '30' } } : 'After the wait.'));
    const started = Date.now();
    expect((await client({ maxRetries: 2 }).complete(ask('x'))).text).toBe('After the wait.');
    expect(model.calls.length).toBe(2);
    expect(Date.now() - started).toBeGreaterThanOrEqual(25);
  });

  it('maps a persistent 500 to LLM_UNAVAILABLE after bounded retries', async () => {
    model.setReply(() => ({ status: 500, headers: { 'retry-after-ms': '5' } }));
    await expect(client({ maxRetries: 2 }).complete(ask('x'))).rejects.toMatchObject({ code: 'LLM_UNAVAILABLE' });
    expect(model.calls.length).toBe(3);
  });

  it('maps a slow server to LLM_TIMEOUT', async () => {
    model.setReply(() => ({ content: 'too late', delayMs: 2_000 }));
    await expect(client({ timeoutMs: 200 }).complete(ask('x'))).rejects.toMatchObject({ code: 'LLM_TIMEOUT' });
  });

  it('maps an unreachable endpoint to LLM_UNAVAILABLE', async () => {
    const dead = createOpenAiClient({ baseURL: 'http://127.0.0.1:9/v1', model: 'm', timeoutMs: 1_000, maxRetries: 0 });
    await expect(dead.complete(ask('x'))).rejects.toMatchObject({ code: 'LLM_UNAVAILABLE' });
  });

  it('names the status, the endpoint host and the model for a model id the server does not serve, without retrying', async () => {
    model.setReply(() => ({ status: 404 }));
    const failure = await client({ maxRetries: 2 }).complete(ask('x')).catch((e: unknown) => e);
    expect(failure).toMatchObject({ code: 'LLM_UNAVAILABLE', context: { status: 404, host: new URL(model.url).host, model: 'oyster-1' } });
    expect((failure as Error).message).toMatch(/answered HTTP 404: is OYSTER_MODEL one of the served ids\?/);
    expect(model.calls.length).toBe(1);
  });

  it('obeys a server that says not to retry, and never retries after the caller gave up', async () => {
    model.setReply(() => ({ status: 503, headers: { 'x-should-retry': 'false' } }));
    await expect(client({ maxRetries: 2 }).complete(ask('x'))).rejects.toMatchObject({ code: 'LLM_UNAVAILABLE' });
    expect(model.calls.length).toBe(1);
    model.calls.length = 0;
    model.setReply(() => ({ content: 'too late', delayMs: 2_000 }));
    const gaveUp = client({ maxRetries: 2, timeoutMs: 10_000 }).complete({ ...ask('x'), signal: AbortSignal.timeout(150) });
    await expect(gaveUp).rejects.toMatchObject({ code: 'LLM_TIMEOUT', message: expect.stringMatching(/aborted/) });
    expect(model.calls.length).toBe(1);
  });

  it('maps a garbage body to a coded error', async () => {
    model.setReply(() => ({ raw: '{"nonsense": true}' }));
    await expect(client().complete(ask('x'))).rejects.toMatchObject({ code: 'LLM_BAD_RESPONSE' });
  });

  it('treats an empty answer as a failure rather than posting nothing', async () => {
    model.setReply(() => ({ content: '<think>only thoughts</think>   ' }));
    await expect(client().complete(ask('x'))).rejects.toMatchObject({ code: 'LLM_BAD_RESPONSE' });
  });
});
