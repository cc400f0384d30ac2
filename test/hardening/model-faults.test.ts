/**
 * The model down, slow, or answering garbage, through the real engine, the real `openai`
 * client and the fake model server. What the user gets in each case, what moderators get
 * when the message is a crisis, and that no case or alert is lost or duplicated.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { OutboundMessage } from '../../src/messages.js';
import { FakeAdapter } from '../fakes/fake-adapter.js';
import { startFakeModel, type ScriptedReply } from '../fakes/fake-model.js';
import { HIGH, IMMINENT, stateCounts, startWorld, SUPPORTIVE, type World } from './world.js';

const UNAVAILABLE = "Sorry, I can't reach my language model right now";
let world: World | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

/** A FakeAdapter that stamps each send with the time since the message arrived. */
class TimedAdapter extends FakeAdapter {
  readonly at: number[] = [];
  t0 = performance.now();
  override async send(message: OutboundMessage): Promise<{ id: string }> {
    this.at.push(performance.now() - this.t0);
    return super.send(message);
  }
}

async function expectOneCaseOneAlert(w: World): Promise<void> {
  await w.bot.drainAlerts();
  expect(w.sink.alerts).toHaveLength(1);
  expect(stateCounts(w.dbPath)).toMatchObject({ cases: 1, alerts: 1 });
  expect(await w.bot.outbox.stats()).toEqual({ depth: 0, failing: 0 });
}

describe('the model endpoint down (connection refused)', () => {
  it('tells an ordinary user the model is unavailable, and still gives a crisis message resources, a caring reply and one alert', async () => {
    const model = await startFakeModel();
    const url = model.url;
    await model.close(); // nothing listens on that port any more
    world = await startWorld({ env: { OYSTER_BASE_URL: url } });
    const w = world;

    await w.adapter.receive({ text: 'what is a good book for a rainy day?', userId: 'calm' });
    expect(w.adapter.sent.map((m) => [m.kind, m.text.startsWith(UNAVAILABLE)])).toEqual([['fallback', true]]);

    await w.adapter.receive({ id: 'crisis-down', text: HIGH });
    const toUser = w.adapter.textsIn('dm-u1');
    expect(w.adapter.sent.slice(1).map((m) => m.kind)).toEqual(['resources', 'fallback']);
    expect(toUser[0]).toContain('988');
    // The crisis fallback is the reviewed caring text, never "the model is down".
    expect(toUser[1]).not.toContain(UNAVAILABLE);
    await expectOneCaseOneAlert(w);

    // The platform redelivers the same message: no second case, alert or resource message.
    await w.adapter.receive({ id: 'crisis-down', text: HIGH });
    await expectOneCaseOneAlert(w);
    expect(w.adapter.sent).toHaveLength(3);
    expect(w.logs.withCode('LLM_UNAVAILABLE').length).toBe(2);
  });
});

describe('the model too slow (30 s against a 1 s deadline)', () => {
  it('sends resources at once, then the caring fallback at the deadline, with no retry storm', async () => {
    const adapter = new TimedAdapter();
    world = await startWorld({
      // The SDK may retry twice; the engine's own deadline still bounds the whole answer.
      env: { OYSTER_TIMEOUT_MS: '1000', OYSTER_MAX_RETRIES: '2' },
      reply: () => ({ content: SUPPORTIVE, delayMs: 30_000 }),
      adapters: [adapter],
    });
    const w = world;

    adapter.t0 = performance.now();
    await adapter.receive({ text: IMMINENT });
    const total = performance.now() - adapter.t0;
    expect(adapter.sent.map((m) => m.kind)).toEqual(['resources', 'fallback']);
    expect(adapter.sent[0]!.text.indexOf('911')).toBeLessThan(adapter.sent[0]!.text.indexOf('988'));
    // Resources never wait for the model: they go out before the fallback, which comes at the 1 s
    // deadline, not before it. (No upper wall-clock bound: a loaded machine may be slow.)
    expect(adapter.at[0]).toBeLessThan(adapter.at[1]!);
    expect(adapter.at[1]).toBeGreaterThanOrEqual(950);
    expect(total).toBeLessThan(30_000);
    expect(w.model.calls).toHaveLength(1);
    expect(w.logs.withCode('LLM_TIMEOUT')).toHaveLength(1);
    await w.bot.drainAlerts();
    expect(w.sink.alerts.map((a) => [a.level, a.priority])).toEqual([['imminent', 'urgent']]);

    adapter.t0 = performance.now();
    await adapter.receive({ text: 'can you recommend a podcast?', userId: 'calm' });
    expect(adapter.textsIn('dm-calm')[0]).toContain(UNAVAILABLE);
    expect(performance.now() - adapter.t0).toBeLessThan(30_000);
  });
});

describe('the model answering garbage', () => {
  const garbage: Record<string, ScriptedReply> = {
    'not JSON': { raw: 'upstream connect error or disconnect/reset before headers' },
    'an HTML error page with status 200': { raw: '<html><body><h1>502 Bad Gateway</h1></body></html>' },
    'JSON without choices': { raw: '{"id":"x","object":"chat.completion","choices":[]}' },
    'a null content': { raw: '{"id":"x","object":"chat.completion","choices":[{"index":0,"message":{"role":"assistant","content":null},"finish_reason":"stop"}]}' },
    'an empty answer': { content: '' },
    'only its reasoning': { content: '<think>the user wants a book</think>' },
    'an answer cut off inside its reasoning': { content: '<think>let me think about this for a very long', finishReason: 'length' },
    'truncated JSON': { raw: '{"id":"x","object":"chat.completion","choices":[{"index":0,"message":{"role":"assis' },
  };

  it('answers every ordinary message with the unavailable notice and never posts the garbage', async () => {
    const cases = Object.entries(garbage);
    world = await startWorld({
      env: { RATE_LIMIT_PER_MINUTE: '0' },
      reply: (body) => {
        const text = body.messages.at(-1)!.content;
        return cases.find(([name]) => text.endsWith(name))?.[1] ?? 'unexpected';
      },
    });
    const w = world;
    for (const [name] of cases) {
      await w.adapter.receive({ text: `please answer with ${name}`, userId: 'calm' });
    }
    const sent = w.adapter.textsIn('dm-calm');
    expect(sent).toHaveLength(cases.length);
    for (const text of sent) expect(text).toContain(UNAVAILABLE);
    for (const leak of ['upstream connect', 'Bad Gateway', 'think', 'chat.completion']) {
      expect(sent.join('\n')).not.toContain(leak);
    }
    // Each failure is logged with a code, and no text of the garbage reaches the logs.
    const codes = w.logs.lines.filter((l) => l.msg === 'model call failed').map((l) => l.code);
    expect(codes).toHaveLength(cases.length);
    expect(new Set(codes)).toEqual(new Set(['LLM_BAD_RESPONSE', 'LLM_TRUNCATED']));
    expect(w.logs.text()).not.toContain('upstream connect');
  });

  it('still sends resources, the caring fallback and one alert when the crisis reply is garbage', async () => {
    world = await startWorld({ reply: () => ({ raw: '{"choices":[{"message":{"content":"Call 555-0100 now"' }) });
    await world.adapter.receive({ text: HIGH });
    expect(world.adapter.sent.map((m) => m.kind)).toEqual(['resources', 'fallback']);
    expect(world.adapter.sent.some((m) => m.text.includes('555-0100'))).toBe(false);
    await expectOneCaseOneAlert(world);
  });
});
