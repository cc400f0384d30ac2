import { afterEach, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../helpers/bot-harness.js';

let h: Harness | undefined;
afterEach(async () => { await h?.close(); h = undefined; });

describe('an everyday conversation', () => {
  it('answers a direct message with the model and remembers only the final answer', async () => {
    h = await startHarness({ reply: () => '<think>plan the answer</think>A balanced breakfast helps.' });
    await h.adapter.receive({ text: 'What should I eat before an exam?' });
    expect(h.adapter.textsIn('dm-u1')).toEqual(['A balanced breakfast helps.']);
    const turns = await h.bot.store.recentTurns('fake:dm-u1:u1', 10);
    expect(turns.map((t) => [t.role, t.text])).toEqual([['user', 'What should I eat before an exam?'], ['assistant', 'A balanced breakfast helps.']]);
  });

  it('answers a redelivered message once', async () => {
    h = await startHarness();
    await h.adapter.receive({ id: 'same', text: 'hello there' });
    await h.adapter.receive({ id: 'same', text: 'hello there' });
    expect(h.adapter.sent).toHaveLength(1);
    expect(h.model.calls).toHaveLength(1);
  });

  it('still catches a redelivery after a restart', async () => {
    h = await startHarness();
    await h.adapter.receive({ id: 'before-restart', text: 'hello' });
    const dbPath = h.dbPath;
    await h.close();
    h = await startHarness({ dbPath });
    await h.adapter.receive({ id: 'before-restart', text: 'hello' });
    expect(h.adapter.sent).toHaveLength(0);
  });

  it('answers one user in order even when the first answer is slow', async () => {
    h = await startHarness({ reply: (body) => {
      const last = body.messages.at(-1)!.content;
      return last === 'first' ? { content: 'answer to first', delayMs: 300 } : 'answer to second';
    } });
    await Promise.all([h.adapter.receive({ text: 'first' }), h.adapter.receive({ text: 'second' })]);
    expect(h.adapter.textsIn('dm-u1')).toEqual(['answer to first', 'answer to second']);
  });

  it('keeps each user\'s context separate in a group channel', async () => {
    h = await startHarness();
    await h.adapter.receive({ text: 'my secret project is called Bluebird', userId: 'alice', isDirect: false, mentionsBot: true });
    await h.adapter.receive({ text: 'what did the last person say?', userId: 'bob', isDirect: false, mentionsBot: true });
    const bobPrompt = JSON.stringify(h.model.calls[1]!.messages);
    expect(bobPrompt).not.toContain('Bluebird');
    await h.adapter.receive({ text: 'and what is my project called?', userId: 'alice', isDirect: false, mentionsBot: true });
    expect(JSON.stringify(h.model.calls[2]!.messages)).toContain('Bluebird');
  });

  it('ignores a group message that does not address the bot', async () => {
    h = await startHarness();
    await h.adapter.receive({ text: 'anyone up for pizza later?', isDirect: false, mentionsBot: false });
    expect(h.adapter.sent).toHaveLength(0);
    expect(h.model.calls).toHaveLength(0);
  });

  it('tells the user clearly when the model is unreachable, and keeps working', async () => {
    h = await startHarness({ reply: (_b, i) => (i === 0 ? { status: 503 } : 'Back again.') });
    await h.adapter.receive({ text: 'are you there?' });
    expect(h.adapter.sent[0]).toMatchObject({ kind: 'fallback' });
    expect(h.adapter.sent[0]!.text).toMatch(/can't reach my language model/);
    await h.adapter.receive({ text: 'and now?' });
    expect(h.adapter.sent[1]).toMatchObject({ kind: 'reply', text: 'Back again.' });
  });

  it('slows a flooding user with one friendly notice', async () => {
    h = await startHarness({ env: { RATE_LIMIT_BURST: '3', RATE_LIMIT_PER_MINUTE: '1' } });
    for (let i = 0; i < 6; i++) await h.adapter.receive({ text: `message number ${i}` });
    expect(h.model.calls).toHaveLength(3);
    expect(h.adapter.sent.filter((m) => m.kind === 'notice')).toHaveLength(1);
    await h.adapter.receive({ text: 'a different user', userId: 'u2' });
    expect(h.model.calls).toHaveLength(4);
  });
});

describe('user commands', () => {
  it('forgets a user after confirmation', async () => {
    h = await startHarness();
    await h.adapter.receive({ text: 'remember this please' });
    const ask = await h.adapter.command('forget');
    expect(ask.text).toMatch(/forget confirm/);
    expect(await h.bot.store.recentTurns('fake:dm-u1:u1', 10)).toHaveLength(2);
    const done = await h.adapter.command('forget', ['confirm']);
    expect(done.ok).toBe(true);
    expect(await h.bot.store.recentTurns('fake:dm-u1:u1', 10)).toHaveLength(0);
  });

  it('exports what it stores about a user', async () => {
    h = await startHarness();
    await h.adapter.receive({ text: 'my favourite colour is teal' });
    const reply = await h.adapter.command('export');
    expect(reply.private).toBe(true);
    expect(reply.text).toContain('my favourite colour is teal');
  });
});
