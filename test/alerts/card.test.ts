/**
 * The core alert card (src/alerts/card.ts) decides what every moderator alert says, and each
 * platform's renderer shows those same facts in its own markup.
 */
import { describe, expect, it } from 'vitest';
import { renderAlert as discordAlert } from '../../adapters/discord/moderator.js';
import { alertBlocks, alertFallbackText } from '../../adapters/slack/moderator.js';
import { visibleText as slackVisible } from '../../adapters/slack/outbound.js';
import { renderAlert as telegramAlert } from '../../adapters/telegram/moderator.js';
import { visibleText as telegramVisible } from '../../adapters/telegram/outbound.js';
import { alertCard, fact, UNREACHABLE_LINE } from '../../src/alerts/card.js';
import type { AlertView } from '../../src/ports.js';

const alert = (over: Partial<AlertView> = {}): AlertView => ({
  caseId: 7, alertId: 70, kind: 'new', level: 'imminent', priority: 'urgent', status: 'open',
  reasons: ['plan', 'means-access'], platform: 'telegram',
  conversation: { platform: 'telegram', channelId: '-1001234567890', communityId: '-1001234567890' },
  isDirect: false, user: { id: '1001', displayName: 'Ana' }, excerpt: 'I have the pills', country: 'US',
  resourcesSent: ['us-988'], reachedPrivately: true, policyVersion: 'p-1', createdAt: '2025-06-01T12:00:00.000Z',
  ...over,
});

describe('alert card', () => {
  it('names the person by name and id on every alert, never with mention syntax', () => {
    for (const platform of ['discord', 'slack', 'telegram', 'console']) {
      const card = alertCard(alert({ platform, user: { id: 'U42', displayName: 'Ana' } }));
      expect(card.person).toBe('Ana (id U42)');
      expect(fact(card, 'user')!.text).toBe('Ana (id U42)');
    }
  });

  it('says the person could not be reached privately only on the bot\'s own update', () => {
    const own = alertCard(alert({ kind: 'update', reachedPrivately: false }));
    expect(own.headline).toBe('Not reached privately');
    expect(own.unreachable).toBe(UNREACHABLE_LINE);
    expect(own.summary).toContain('not reached privately');
    const moderator = alertCard(alert({ kind: 'update', reachedPrivately: false, status: 'acknowledged', actedBy: 'Mia' }));
    expect(moderator.unreachable).toBeUndefined();
    expect(moderator.headline).toBe('Case updated');
    expect(fact(moderator, 'reached')!.text).toMatch(/^no: DMs closed/);
  });

  it('names the on-call moderator an urgent alert pages, and nothing when none is paged', () => {
    const paged = alertCard(alert({ page: 'discord:500000000000000002' }));
    expect(paged.paged).toBe('discord:500000000000000002');
    expect(fact(paged, 'paged')).toMatchObject({ label: 'Paged (on call)', text: 'discord:500000000000000002' });
    expect(paged.summary).toContain('paging discord:500000000000000002');
    expect(fact(alertCard(alert()), 'paged')).toBeUndefined();
  });

  it('links the message when the renderer can, the case page when the dashboard is public, else shows the id', () => {
    const card = alertCard(alert({ messageId: '-1001234567890:5', caseUrl: 'https://mod.example.org/cases/7' }), { messageLink: 'https://t.me/c/1234567890/5' });
    expect(fact(card, 'message')).toEqual({ key: 'message', label: 'Message', text: 'open the message', url: 'https://t.me/c/1234567890/5' });
    expect(fact(card, 'case')).toMatchObject({ url: 'https://mod.example.org/cases/7' });
    const plain = alertCard(alert({ messageId: '-1001234567890:5' }));
    expect(fact(plain, 'message')).toEqual({ key: 'message', label: 'Message', text: 'telegram message id -1001234567890:5' });
    expect(fact(plain, 'case')).toBeUndefined();
  });

  it('shows the status with who acted and when, and offers only the actions that still apply', () => {
    const open = alertCard(alert());
    expect(open.status).toBe('open, not yet acknowledged');
    expect(open.actions).toEqual({ acknowledge: true, resolve: true });
    const acked = alertCard(alert({ status: 'acknowledged', actedBy: 'Mia', actedAt: '2025-06-01T12:03:00.000Z' }));
    expect(acked.status).toBe('acknowledged by Mia at 2025-06-01 12:03 UTC');
    expect(acked.actions).toEqual({ acknowledge: false, resolve: true });
    expect(alertCard(alert({ status: 'resolved', actedBy: 'Mia' })).actions).toEqual({ acknowledge: false, resolve: false });
  });

  it('keeps the summary line free of the person\'s name and words (it shows in push notifications)', () => {
    const card = alertCard(alert({ user: { id: 'U9', displayName: 'Ana Secret' }, excerpt: 'private words' }));
    expect(card.summary).toBe('Case #7 · IMMINENT · urgent priority · open');
    expect(card.summary).not.toContain('Ana');
  });
});

describe('every platform shows the card\'s facts', () => {
  const rich = alert({
    kind: 'update', reachedPrivately: false, page: 'slack:U0ONCALL', caseUrl: 'https://mod.example.org/cases/7',
    user: { id: '1001', displayName: 'Ana' },
  });
  const card = alertCard(rich);
  const slackBlocks = alertBlocks(rich) as Array<{ text?: { text: string }; fields?: Array<{ text: string }> }>;
  const slackMrkdwn = slackBlocks.map((b) => [b.text?.text ?? '', ...(b.fields ?? []).map((f) => f.text)].join('\n')).join('\n');
  // What a reader sees, and the markup (where link targets live).
  const shown: Record<string, { visible: string; markup: string }> = {
    discord: { visible: JSON.stringify(discordAlert(rich)), markup: JSON.stringify(discordAlert(rich)) },
    slack: { visible: `${slackVisible(slackMrkdwn)}\n${alertFallbackText(rich)}`, markup: slackMrkdwn },
    telegram: { visible: telegramVisible(telegramAlert(rich)), markup: telegramAlert(rich) },
  };

  for (const [platform, { visible, markup }] of Object.entries(shown)) {
    it(`${platform}: the person, status, unreachable line, paged moderator, case link and level`, () => {
      for (const f of [card.person, card.status, UNREACHABLE_LINE, 'slack:U0ONCALL', 'Paged (on call)', 'open case #7 in the dashboard', card.title]) {
        expect(visible, f).toContain(f);
      }
      expect(markup).toContain('https://mod.example.org/cases/7');
    });
  }
});
