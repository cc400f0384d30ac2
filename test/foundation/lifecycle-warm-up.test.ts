/**
 * When the crisis-path warm-up runs. Before a platform with an acknowledgement deadline
 * connects, so its first message never pays for compiling the screen; for the console chat
 * alone it runs after start, once no message is in flight, so a piped first line (or a person
 * typing) is answered without waiting about a second for it (issue 15 item 1).
 */
import { describe, expect, it } from 'vitest';
import type { Engine } from '../../src/engine.js';
import { createLifecycle, type LifecycleDeps } from '../../src/lifecycle.js';
import { silentLogger } from '../../src/logger.js';
import type { PlatformAdapter } from '../../src/ports.js';
import { waitFor } from '../helpers/wait-for.js';

function deps(platform: string, events: string[], engine: { busy: boolean; polls: number }, warmUpWhenIdle: boolean): LifecycleDeps {
  const adapter = {
    platform,
    start: async () => { events.push('adapter started'); },
    stop: async () => undefined,
    send: async () => ({ id: 'm' }),
    openDirect: async () => undefined,
  } as unknown as PlatformAdapter;
  const fakeEngine = {
    get busy() { engine.polls++; return engine.busy; },
    resume: async () => 0,
    idle: async () => undefined,
  } as unknown as Engine;
  const idle = { recover: async () => undefined, start: async () => undefined, stop: async () => undefined, drainOnce: async () => undefined };
  return {
    adapters: [adapter], handlersFor: () => ({ onMessage: async () => ({ handled: Promise.resolve() }), onCommand: async () => undefined }) as never,
    engine: fakeEngine, outbox: idle as never, deliveries: idle, dashboard: undefined,
    retention: { start: () => undefined, stop: () => undefined } as never,
    warmUp: () => { events.push('warmed'); }, warmUpWhenIdle,
    closeStore: async () => undefined, connectTimeoutMs: 5_000, logger: silentLogger,
  };
}

describe('the crisis-path warm-up at start', () => {
  it('runs before a platform connects', async () => {
    const events: string[] = [];
    const lifecycle = createLifecycle(deps('slack', events, { busy: false, polls: 0 }, false));
    await lifecycle.start();
    expect(events).toEqual(['warmed', 'adapter started']);
    await lifecycle.stop();
  });

  it('runs after the console chat starts, and only once no message is in flight', async () => {
    const events: string[] = [];
    const engine = { busy: true, polls: 0 };
    const lifecycle = createLifecycle(deps('console', events, engine, true));
    await lifecycle.start();
    expect(events).toEqual(['adapter started']);
    // Asked twice while a message was in flight, and still not warmed.
    await waitFor(() => engine.polls >= 2, { what: 'the warm-up to look at the engine twice' });
    expect(events).toEqual(['adapter started']);
    engine.busy = false;
    await waitFor(() => events.includes('warmed'), { timeoutMs: 10_000, what: 'the deferred warm-up' });
    expect(events).toEqual(['adapter started', 'warmed']);
    await lifecycle.stop();
  });

});
