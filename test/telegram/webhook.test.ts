/**
 * The real grammy Bot in webhook mode: our node:http receiver in front of bot.handleUpdate,
 * driven with POSTs the way Telegram (or a reverse proxy) sends them.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { waitFor } from '../helpers/wait-for.js';
import { alice, privateText } from './fixtures.js';
import { startHarness, WEBHOOK_PUBLIC_URL, WEBHOOK_SECRET, type Harness } from './harness.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('telegram adapter, webhook mode', () => {
  it('registers the webhook with its secret and never long-polls', async () => {
    h = await startHarness({}, 'webhook');
    expect(h.fake.callsOf('setWebhook')[0]!.payload).toMatchObject({
      url: WEBHOOK_PUBLIC_URL, secret_token: WEBHOOK_SECRET, allowed_updates: ['message', 'callback_query', 'my_chat_member'],
    });
    expect(h.fake.callsOf('getUpdates')).toHaveLength(0);
    expect(h.fake.callsOf('deleteWebhook')).toHaveLength(0);
  });

  it('accepts an update with the right secret and hands it to the core', async () => {
    h = await startHarness({}, 'webhook');
    const res = await h.postWebhook(privateText(alice, 'via webhook'));
    expect(res.status).toBe(200);
    const m = await waitFor(() => h!.handlers.messages[0]);
    expect(m).toMatchObject({ text: 'via webhook', isDirect: true });
  });

  it('answers 200 at once while the handler is still working', async () => {
    h = await startHarness({}, 'webhook');
    let release!: () => void;
    h.handlers.onEachMessage = () => new Promise<void>((r) => (release = r));
    const res = await h.postWebhook(privateText(alice, 'slow model'));
    expect(res.status).toBe(200);
    // The handler is still held: the 200 did not wait for it. The bound is grammY's own 10 s
    // timeout with room to spare, not a speed figure a loaded machine could miss.
    expect(res.ms).toBeLessThan(5_000);
    expect(h.handlers.messages).toHaveLength(1);
    release();
  });

  it('refuses a wrong or missing secret with 401 and hands nothing over', async () => {
    h = await startHarness({}, 'webhook');
    expect((await h.postWebhook(privateText(alice, 'forged'), { secret: 'wrong_secret' })).status).toBe(401);
    expect((await h.postWebhook(privateText(alice, 'forged'), { secret: null })).status).toBe(401);
    expect((await h.postWebhook(privateText(alice, 'forged'), { secret: `${WEBHOOK_SECRET}x` })).status).toBe(401);
    // A correct request after the forged ones is the marker: once it is handled, anything
    // the forged ones had handed over would be there too (no fixed wait).
    expect((await h.postWebhook(privateText(alice, 'genuine'))).status).toBe(200);
    await waitFor(() => h!.handlers.messages.length > 0, { what: 'the genuine update' });
    expect(h.handlers.messages.map((m) => m.text)).toEqual(['genuine']);
  });

  it('refuses an oversized body with 413', async () => {
    h = await startHarness({}, 'webhook');
    const huge = privateText(alice, 'x'.repeat(70 * 1024));
    expect((await h.postWebhook(huge)).status).toBe(413);
    expect(h.handlers.messages).toHaveLength(0);
  });

  it('refuses malformed JSON with 400 without touching state, then accepts the real update', async () => {
    h = await startHarness({}, 'webhook');
    const good = privateText(alice, 'after the garbage');
    expect((await h.postWebhook(undefined, { raw: `{"update_id": ${good.update_id}, "message": ` })).status).toBe(400);
    expect((await h.postWebhook({ hello: 'world' })).status).toBe(400);
    expect(h.handlers.messages).toHaveLength(0);
    // Same update_id as the malformed body: it must not count as already seen.
    expect((await h.postWebhook(good)).status).toBe(200);
    await waitFor(() => h!.handlers.messages.length === 1);
  });

  it('hands a redelivered update to the core once', async () => {
    h = await startHarness({}, 'webhook');
    const u = privateText(alice, 'delivered twice');
    expect((await h.postWebhook(u)).status).toBe(200);
    expect((await h.postWebhook(u)).status).toBe(200);
    // A later update is the marker: once it is handled, a second copy would have been too.
    expect((await h.postWebhook(privateText(alice, 'marker', { messageId: 999, updateId: u.update_id + 1 }))).status).toBe(200);
    await waitFor(() => h!.handlers.messages.some((m) => m.text === 'marker'), { what: 'the marker update' });
    expect(h.handlers.messages.map((m) => m.text)).toEqual(['delivered twice', 'marker']);
  });

  it('serves only POST on the webhook path', async () => {
    h = await startHarness({}, 'webhook');
    expect((await h.postWebhook(privateText(alice, 'x'), { path: '/elsewhere' })).status).toBe(404);
    const get = await fetch(`http://127.0.0.1:${h.adapter.webhookPort}/telegram`);
    expect(get.status).toBe(405);
  });
});
