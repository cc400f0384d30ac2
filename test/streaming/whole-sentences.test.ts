import { describe, expect, it } from 'vitest';
import { ReplyStream, wholeSentences } from '../../src/conversation/stream-reply.js';
import { waitFor } from '../helpers/wait-for.js';

describe('a streamed reply shows whole sentences only', () => {
  it('cuts at the last sentence end, never inside a number or before a closing quote', () => {
    expect(wholeSentences('You are not alone. A rope tied to')).toBe('You are not alone.');
    expect(wholeSentences('Take 3.5 hours')).toBe('');
    expect(wholeSentences('She said "go." Then')).toBe('She said "go."');
    expect(wholeSentences('你并不孤单。绳子')).toBe('你并不孤单。');
    expect(wholeSentences('First line\nsecond')).toBe('First line');
    expect(wholeSentences('no end yet')).toBe('');
  });

  it('never shows the first half of a sentence whose end fails the output check', async () => {
    const shown: string[] = [];
    const channel = {
      send: async (m: { text: string }) => { shown.push(m.text); return { id: 'm1' }; },
      edit: async (m: { text: string }) => { shown.push(m.text); },
      editIntervalMs: 0,
    };
    const stream = new ReplyStream({
      channel: channel as never,
      message: { conversation: { platform: 'fake', channelId: 'c' } } as never,
      // The check reads meaning only in the whole clause: the first half alone passes.
      check: (text) => (/rope tied to a door handle/.test(text) ? { ok: false, fallback: 'SAFE REPLY' } : { ok: true }),
      fallback: 'SAFE REPLY',
    });
    stream.push('You are not alone in this. A rope tied to ');
    await waitFor(() => shown.length >= 1, { timeoutMs: 30_000, what: 'the first sentence' });
    stream.push('a door handle can be enough. Please');
    await waitFor(() => stream.blocked !== undefined, { timeoutMs: 30_000, what: 'the blocked partial' });
    expect(await stream.settle({ fallback: 'SAFE REPLY' })).toBe('SAFE REPLY');
    expect(shown[0]).toBe('You are not alone in this.');
    expect(shown.some((t) => /rope/.test(t))).toBe(false);
    expect(shown.at(-1)).toBe('SAFE REPLY');
  });
});
