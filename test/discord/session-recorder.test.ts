/**
 * How the Discord adapter writes a shard's gateway session to the store (adapters/discord/
 * sessions.ts): a new session at once; sequences, which change with every event, once a tick and
 * a tick late, so a crash makes the next holder replay the last second rather than skip it;
 * the latest at once on a hand-over. Timers are vitest's fake ones, so ticks are exact.
 */
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { SessionRecorder } from '../../adapters/discord/sessions.js';
import { silentLogger } from '../../src/logger.js';
import type { ChannelMark, GatewayBook, GatewaySession } from '../../src/ports.js';

const TICK = 1_000;

/** A book that keeps the last session and the channel marks saved per shard, as the store does. */
function recordingBook(): GatewayBook & { saved: Map<number, GatewaySession>; marks: Map<string, ChannelMark>; writes: number } {
  const saved = new Map<number, GatewaySession>();
  const marks = new Map<string, ChannelMark>();
  const book = {
    saved,
    marks,
    writes: 0,
    session: async (id: number) => saved.get(id),
    saveSession: async (id: number, s: GatewaySession) => {
      book.writes++;
      saved.set(id, s);
    },
    channelMarks: async () => [...marks.values()],
    saveChannelMarks: async (_id: number, list: ChannelMark[]) => {
      for (const m of list) marks.set(m.channelId, m);
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
  recorder.update(0, info('s2', 1));
  await settle();
  expect(book.saved.get(0)).toMatchObject({ sessionId: 's2', sequence: 1 });
  // An ended session (null) leaves the row: a catch-up from it is simply refused by Discord.
  recorder.update(0, null);
  await vi.advanceTimersByTimeAsync(3 * TICK);
  expect(book.saved.get(0)).toMatchObject({ sessionId: 's2', sequence: 1 });
  recorder.update(0, info('s2', 7));
  await recorder.flushLatest();
  expect(book.saved.get(0)).toMatchObject({ sessionId: 's2', sequence: 7 });
});

const CHANNEL = '200000000000000001';
const message = (id: string, s: number) => ({ t: 'MESSAGE_CREATE', s, d: { id, channel_id: CHANNEL } });

it('never records a sequence or channel mark past a message whose intake is not written yet, however long it takes', async () => {
  const book = recordingBook();
  const recorder = new SessionRecorder(book, silentLogger, TICK);
  recorder.update(0, info('s1', 1));
  // Message 5 arrives and the adapter takes it; its intake hangs. Message 6 is taken at once.
  recorder.marks.arrived(message('1300000000000000005', 5), 0);
  recorder.marks.claim('1300000000000000005');
  recorder.update(0, info('s1', 5));
  recorder.marks.arrived(message('1300000000000000006', 6), 0);
  recorder.marks.claim('1300000000000000006');
  recorder.marks.done('1300000000000000006');
  for (let seq = 6; seq <= 30; seq++) recorder.update(0, info('s1', seq));
  await vi.advanceTimersByTimeAsync(20 * TICK);
  // Twenty ticks on, a crash would still make the next holder replay from before message 5.
  expect(book.saved.get(0)!.sequence).toBe(4);
  expect(book.marks.get(CHANNEL)!.lastMessageId).toBe('1300000000000000004');

  recorder.marks.done('1300000000000000005');
  await vi.advanceTimersByTimeAsync(2 * TICK);
  expect(book.saved.get(0)!.sequence).toBe(30);
  expect(book.marks.get(CHANNEL)!.lastMessageId).toBe('1300000000000000006');
});

it('hands a shard over below a message still in flight, and leaves the row to the next holder afterwards', async () => {
  const book = recordingBook();
  const recorder = new SessionRecorder(book, silentLogger, TICK);
  recorder.update(0, info('s1', 1));
  recorder.marks.arrived(message('1300000000000000005', 5), 0);
  recorder.marks.claim('1300000000000000005');
  for (let seq = 5; seq <= 9; seq++) recorder.update(0, info('s1', seq));
  await recorder.flushLatest();
  expect(book.saved.get(0)!.sequence).toBe(4);
  // The next holder's session is in the row now; the message finishing here does not replace it.
  book.saved.set(0, { sessionId: 's2', resumeUrl: 'wss://resume.example', sequence: 1, shardCount: 1 });
  recorder.marks.done('1300000000000000005');
  recorder.update(0, info('s1', 10));
  await vi.advanceTimersByTimeAsync(3 * TICK);
  expect(book.saved.get(0)).toMatchObject({ sessionId: 's2', sequence: 1 });
  expect(book.marks.get(CHANNEL)!.lastMessageId).toBe('1300000000000000005');
});

it('does not wait for a packet discord.js never turned into a message', async () => {
  const book = recordingBook();
  const recorder = new SessionRecorder(book, silentLogger, TICK);
  recorder.update(0, info('s1', 1));
  recorder.marks.arrived(message('1300000000000000005', 5), 0);
  recorder.update(0, info('s1', 5));
  // The dispatch ended without a claim (the client dropped it): nothing to wait for.
  await Promise.resolve();
  await vi.advanceTimersByTimeAsync(2 * TICK);
  expect(book.saved.get(0)!.sequence).toBe(5);
  expect(book.marks.get(CHANNEL)!.lastMessageId).toBe('1300000000000000005');
});

it('keeps a catching-up shard\'s previous session in the row until release, even through a hand-over', async () => {
  const book = recordingBook();
  book.saved.set(0, { sessionId: 'old', resumeUrl: 'wss://resume.example', sequence: 12, shardCount: 1 });
  const recorder = new SessionRecorder(book, silentLogger, TICK);
  recorder.hold([0]);
  recorder.update(0, info('s1', 1));
  for (let seq = 2; seq <= 9; seq++) recorder.update(0, info('s1', seq));
  await vi.advanceTimersByTimeAsync(5 * TICK);
  // A crash now makes the next holder resume 'old', whose replay the catch-up has not seen taken.
  expect(book.saved.get(0)).toMatchObject({ sessionId: 'old', sequence: 12 });
  await recorder.release();
  expect(book.saved.get(0)).toMatchObject({ sessionId: 's1', sequence: 9 });

  const handedOver = new SessionRecorder(book, silentLogger, TICK);
  book.saved.set(1, { sessionId: 'old', resumeUrl: 'wss://resume.example', sequence: 3, shardCount: 1 });
  handedOver.hold([1]);
  handedOver.update(1, info('s2', 4));
  await handedOver.flushLatest();
  expect(book.saved.get(1)).toMatchObject({ sessionId: 'old', sequence: 3 });
});
