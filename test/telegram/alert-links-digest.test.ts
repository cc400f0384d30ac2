/** Telegram moderator alerts: the link to the message, the "not reached privately" update, and digests. */
import { afterEach, describe, expect, it } from 'vitest';
import { withDedupe } from '../../src/crisis/sink-dedupe.js';
import { renderDigest, renderAlert, telegramMessageLink } from '../../adapters/telegram/moderator.js';
import { visibleText } from '../../adapters/telegram/outbound.js';
import type { AlertDigest, AlertView } from '../../src/ports.js';
import { waitFor } from '../helpers/wait-for.js';
import { bob, GROUP_ID, groupText, MOD_CHAT_ID } from './fixtures.js';
import { startHarness, type Harness } from './harness.js';

const alert = (over: Partial<AlertView> = {}): AlertView => ({
  caseId: 12, alertId: 31, kind: 'new', level: 'high', priority: 'high', status: 'open',
  reasons: ['ideation:active'], platform: 'telegram',
  conversation: { platform: 'telegram', channelId: '-1001234567890', communityId: '-1001234567890' },
  isDirect: false, user: { id: '1001', displayName: 'Alice' }, excerpt: 'I cannot go on', country: 'US',
  resourcesSent: ['us-988'], reachedPrivately: true, policyVersion: 'p-abc123', createdAt: '2025-06-01T12:00:00.000Z',
  messageId: '-1001234567890:4242', ...over,
});

describe('telegram alert: link to the message', () => {
  it('links a supergroup message with t.me/c and the chat id without its -100 prefix', () => {
    expect(telegramMessageLink(alert())).toBe('https://t.me/c/1234567890/4242');
    expect(renderAlert(alert())).toContain('<a href="https://t.me/c/1234567890/4242">open the message</a>');
  });

  it('links the id the real adapter gives a supergroup message to that message', async () => {
    h = await startHarness();
    h.fake.pushUpdate(groupText(bob, 'hello group', { messageId: 900 }));
    const [message] = await waitFor(() => h!.handlers.messages.length > 0 && h!.handlers.messages);
    expect(String(GROUP_ID)).toMatch(/^-100/);
    const link = telegramMessageLink({ platform: message!.conversation.platform, isDirect: message!.isDirect, messageId: message!.id });
    expect(link).toBe(`https://t.me/c/${String(GROUP_ID).slice(4)}/900`);
  });

  it('shows the id but no link for a basic group, another platform, and nothing for a private chat', () => {
    const basic = renderAlert(alert({ conversation: { platform: 'telegram', channelId: '-4567', communityId: '-4567' }, messageId: '-4567:9' }));
    expect(basic).not.toContain('t.me/c/');
    expect(visibleText(basic)).toContain('Message: telegram message id -4567:9');
    const discord = renderAlert(alert({ platform: 'discord', conversation: { platform: 'discord', channelId: '22' }, messageId: '123456789012345678' }));
    expect(visibleText(discord)).toContain('Message: discord message id 123456789012345678');
    const { messageId: _none, ...direct } = alert({ isDirect: true, conversation: { platform: 'telegram', channelId: '1001' } });
    expect(visibleText(renderAlert(direct))).not.toContain('Message:');
    expect(telegramMessageLink({ platform: 'telegram', isDirect: true, messageId: '-1001234567890:1' })).toBeUndefined();
  });
});

describe('telegram alert: the user could not be reached privately', () => {
  it('says so in the headline of an update that is still open, with no moderator named', () => {
    const seen = visibleText(renderAlert(alert({ kind: 'update', alertId: 32, reachedPrivately: false })));
    expect(seen).toContain('Update: The user could not be reached privately');
    expect(seen).toContain('Status: open, not yet acknowledged');
    expect(seen).toContain('Reached privately: no');
    expect(seen).not.toContain('Case updated');
  });

  it('keeps the plain update line for a moderator action', () => {
    const seen = visibleText(renderAlert(alert({ kind: 'update', status: 'acknowledged', actedBy: 'Mia', actedAt: '2025-06-01T12:03:00.000Z', reachedPrivately: false })));
    expect(seen).toContain('Case updated');
    expect(seen).not.toContain('could not be reached privately');
  });
});

describe('telegram digest', () => {
  const digestOf = (alerts: AlertView[]): AlertDigest => ({ digestId: 'd-1', alerts, createdAt: '2025-06-02T09:00:00.000Z' });

  it('lists each case with its link and how to act, without buttons', () => {
    const html = renderDigest(digestOf([alert({ level: 'moderate', priority: 'normal' }), alert({ caseId: 13, alertId: 33, level: 'moderate', priority: 'normal', status: 'acknowledged', actedBy: 'Mia' })]));
    const seen = visibleText(html);
    expect(seen).toContain('Digest · 2 normal-priority cases');
    expect(seen).toContain('#12 · moderate · open');
    expect(seen).toContain('#13 · moderate · acknowledged by Mia');
    expect(seen).toContain('/case ack <id>');
    expect(html).toContain('href="https://t.me/c/1234567890/4242"');
  });

  it('stays within one Telegram message for ten cases with long texts, dropping details first', () => {
    const long = alert({ user: { id: '1001', displayName: 'N'.repeat(200) }, excerpt: 'x'.repeat(2000), reasons: Array.from({ length: 40 }, (_, i) => `reason-${i}`) });
    const html = renderDigest(digestOf(Array.from({ length: 10 }, (_, i) => ({ ...long, caseId: 100 + i, alertId: 200 + i }))));
    expect(html.length).toBeLessThanOrEqual(4096);
    for (let i = 0; i < 10; i++) expect(html).toContain(`#${100 + i}`);
  });

  it('posts a digest to the staff chat once, with no keyboard, through the real adapter', async () => {
    h = await startHarness({ moderatorChatId: String(MOD_CHAT_ID) });
    const digest = digestOf([alert({ level: 'moderate', priority: 'normal' })]);
    // Dedupe is the core's (src/crisis/sink-dedupe.ts), as createBot wraps every sink.
    const sink = withDedupe(h.adapter.moderatorSink!);
    const first = await sink.deliverDigest!(digest);
    const again = await sink.deliverDigest!(digest);
    expect(again).toEqual(first);
    expect(h.fake.sent).toHaveLength(1);
    const posted = h.fake.sent[0]!;
    expect(first.ref).toBe(`${MOD_CHAT_ID}:${posted.messageId}`);
    expect(posted).toMatchObject({ chatId: String(MOD_CHAT_ID), parseMode: 'HTML' });
    expect((posted.replyMarkup as { inline_keyboard?: unknown[] } | undefined)?.inline_keyboard ?? []).toEqual([]);
    expect(visibleText(posted.text)).toContain('#12 · moderate');
  });
});

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});
