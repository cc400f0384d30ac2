import { describe, expect, it } from 'vitest';
import { stripThink, ThinkStreamFilter } from '../../src/llm/think.js';
import { splitText } from '../../src/render/split.js';
import { KeyedQueue } from '../../src/conversation/keyed-queue.js';
import { RateLimiter } from '../../src/conversation/rate-limit.js';
import { cleanText, cutText } from '../../src/conversation/text.js';

describe('think stripping', () => {
  it('keeps only what follows the last closing tag', () => {
    expect(stripThink('<think>a</think>b<think>c</think> final')).toEqual({ answer: 'final', truncated: false });
  });
  it('calls an unclosed think block a truncated answer', () => {
    expect(stripThink('<think>never closed')).toEqual({ answer: '', truncated: true });
  });
  it('holds back a stream until the think block is closed', () => {
    const f = new ThinkStreamFilter();
    expect(f.feed('<thi')).toBe('');
    expect(f.feed('nk>secret')).toBe('');
    expect(f.insideThink).toBe(true);
    expect(f.feed('</think>\nHel')).toBe('Hel');
    expect(f.feed('lo')).toBe('lo');
  });
});

describe('splitting long answers', () => {
  it('keeps a short answer whole', () => {
    expect(splitText('short', 100)).toEqual(['short']);
  });
  it('prefers paragraph boundaries', () => {
    const a = 'A'.repeat(60);
    const b = 'B'.repeat(60);
    expect(splitText(`${a}\n\n${b}`, 100)).toEqual([a, b]);
  });
  it('falls back to sentence then word boundaries', () => {
    const text = 'One sentence here. Another sentence follows here. And a third one to end.';
    const parts = splitText(text, 40);
    for (const p of parts) expect(p.length).toBeLessThanOrEqual(40);
    expect(parts.join(' ')).toBe(text);
    expect(parts[0]).toBe('One sentence here.');
  });
  it('closes and reopens a code fence it has to cut', () => {
    const code = Array.from({ length: 30 }, (_, i) => `line ${i}`).join('\n');
    const parts = splitText(`Intro.\n\n\`\`\`ts\n${code}\n\`\`\``, 120);
    expect(parts.length).toBeGreaterThan(1);
    for (const p of parts) {
      expect(p.length).toBeLessThanOrEqual(120);
      expect((p.match(/```/g) ?? []).length % 2).toBe(0);
    }
    expect(parts.slice(1).every((p) => p.startsWith('```ts'))).toBe(true);
  });
  it('measures parts by their rendered length', () => {
    const parts = splitText('<'.repeat(100), 40, (s) => s.replaceAll('<', '&lt;').length);
    for (const p of parts) expect(p.replaceAll('<', '&lt;').length).toBeLessThanOrEqual(40);
    expect(parts.join('')).toBe('<'.repeat(100));
  });
});

describe('per-conversation ordering', () => {
  it('runs one key in order while other keys proceed', async () => {
    const q = new KeyedQueue();
    const log: string[] = [];
    const inTurn = async (key: string, task: () => Promise<void>) => {
      const release = await q.turn(key);
      try { await task(); } finally { release(); }
    };
    // Alice's first turn ends only after Bob's has run: Bob must not wait behind her.
    let unblock!: () => void;
    const held = new Promise<void>((r) => { unblock = r; });
    await Promise.all([
      inTurn('alice', async () => { await held; log.push('alice-1'); }),
      inTurn('alice', async () => { log.push('alice-2'); }),
      inTurn('bob', async () => { log.push('bob-1'); unblock(); }),
    ]);
    expect(log).toEqual(['bob-1', 'alice-1', 'alice-2']);
  });
  it('keeps a turn asked for before the current one is released ahead of later ones', async () => {
    const triage = new KeyedQueue();
    const reply = new KeyedQueue();
    const log: string[] = [];
    // Message 1 asks for its reply turn while it still holds triage; message 2 triages next.
    const first = await triage.turn('u');
    const second = triage.turn('u');
    const firstReply = reply.turn('u');
    first();
    const releaseSecond = await second;
    const secondReply = reply.turn('u');
    releaseSecond();
    await Promise.all([
      secondReply.then((r) => { log.push('reply-2'); r(); }),
      firstReply.then((r) => { log.push('reply-1'); r(); }),
    ]);
    expect(log).toEqual(['reply-1', 'reply-2']);
  });
  it('frees the key once every turn is released, whatever the holder did', async () => {
    const q = new KeyedQueue();
    const failing = async () => {
      const release = await q.turn('k');
      try { throw new Error('boom'); } finally { release(); }
    };
    await expect(failing()).rejects.toThrow('boom');
    const next = await q.turn('k');
    expect(q.activeKeys).toBe(1);
    next();
    await q.idle();
    expect(q.activeKeys).toBe(0);
  });
});

describe('the per-user rate limit', () => {
  it('allows a burst, refuses the flood once with a notice, and refills over time', () => {
    const limiter = new RateLimiter({ perMinute: 60, burst: 3 });
    const t = 1_000_000;
    expect([1, 2, 3].map(() => limiter.take('u', t).allowed)).toEqual([true, true, true]);
    expect(limiter.take('u', t)).toEqual({ allowed: false, notify: true });
    expect(limiter.take('u', t)).toEqual({ allowed: false, notify: false });
    expect(limiter.take('other', t).allowed).toBe(true);
    expect(limiter.take('u', t + 1_000).allowed).toBe(true);
  });
});

describe('text hygiene', () => {
  it('replaces lone surrogates and drops control and bidi-override characters', () => {
    expect(cleanText('a\uD800b\u0000c\u202Ed\r\ne')).toBe('a\uFFFDbcd\ne');
    expect(cleanText('🌊 ok')).toBe('🌊 ok');
  });
  it('never cuts inside a surrogate pair', () => {
    expect(cutText('ab🌊', 3)).toBe('ab');
  });
});
