/**
 * How the Discord adapter writes a shard's gateway session to the store (adapters/discord/
 * sessions.ts): a new session at once; sequences, which change with every event, once a tick and
 * a tick late, so a crash makes the next holder replay the last second rather than skip it;
 * the latest at once on a hand-over. Timers are vitest's fake ones, so ticks are exact.
 */
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { SessionRecorder } from '../../adapters/discord/sessions.js';
import { silentLogger } from '../../src/logger.js';
import type { GatewayBook, GatewaySession } from '../../src/ports.js';

const TICK = 1_000;

/** A book that keeps the last session saved per shard, as the store does. */
function recordingBook(): GatewayBook & { saved: Map<number, GatewaySession>; writes: number } {
  const saved = new Map<number, GatewaySession>();
  const book = {
    saved,
    writes: 0,
    session: async (id: number) => saved.get(id),
    saveSession: async (id: number, s: GatewaySession) => {
      book.writes++;
      saved.set(id, s);
    },
    takeIdentifySlot: async () => 0,
  };
  return book;
}

const info = (sessionId: string, sequence: number) => ({ sessionId, sequence, resumeURL: 'wss://resume.example', shardId: 0, shardCount: 1 });
/** Lets the recorder's queued writes run. */
const settle = () => vi.advanceTimersByTimeAsync(0);

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

it('writes a new session at once and each later sequence a tick after the tick that saw it', async () => {
  const book = recordingBook();
  const recorder = new SessionRecorder(book, silentLogger, TICK);
  recorder.update(0, info('s1', 1));
  await settle();
  expect(book.saved.get(0)).toMatchObject({ sessionId: 's1', sequence: 1 });

  for (let seq = 2; seq <= 40; seq++) recorder.update(0, info('s1', seq));
  await vi.advanceTimersByTimeAsync(TICK);
  // The first tick only notes 40: nothing received in the last tick is claimed as seen yet.
  expect(book.saved.get(0)!.sequence).toBe(1);
  recorder.update(0, info('s1', 41));
  await vi.advanceTimersByTimeAsync(TICK);
  expect(book.saved.get(0)!.sequence).toBe(40);
  await vi.advanceTimersByTimeAsync(TICK);
  expect(book.saved.get(0)!.sequence).toBe(41);
  // Nothing new: no more writes.
  const writes = book.writes;
  await vi.advanceTimersByTimeAsync(5 * TICK);
  expect(book.writes).toBe(writes);
});

it('writes the latest sequence at once on a hand-over, and a new session replaces the old', async () => {
  const book = recordingBook();
  const recorder = new SessionRecorder(book, silentLogger, TICK);
  recorder.update(0, info('s1', 1));
  recorder.update(0, info('s1', 7));
  await recorder.flushLatest();
  expect(book.saved.get(0)).toMatchObject({ sessionId: 's1', sequence: 7 });
  recorder.update(0, info('s2', 1));
  await settle();
  expect(book.saved.get(0)).toMatchObject({ sessionId: 's2', sequence: 1 });
  // An ended session (null) leaves the row: a catch-up from it is simply refused by Discord.
  recorder.update(0, null);
  await vi.advanceTimersByTimeAsync(3 * TICK);
  expect(book.saved.get(0)).toMatchObject({ sessionId: 's2', sequence: 1 });
});
