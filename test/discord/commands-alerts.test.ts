/** Pure command mapping, slash definitions within Discord's limits, and the alert message. */
import { describe, expect, it } from 'vitest';
import { createDiscordModeratorSink, renderAlert, renderDigest, type AlertMessageBody } from '../../adapters/discord/moderator.js';
import { commandFromCustomId, commandFromSlash, SLASH_COMMANDS } from '../../adapters/discord/commands.js';
import { alertView } from './fixtures.js';

describe('discord commands', () => {
  it('defines commands within Discord limits (names 1-32 lowercase, descriptions ≤ 100)', () => {
    const check = (o: { name: string; description: string; options?: unknown[] }) => {
      expect(o.name).toMatch(/^[a-z0-9_-]{1,32}$/);
      expect(o.description.length).toBeGreaterThan(0);
      expect(o.description.length).toBeLessThanOrEqual(100);
      for (const child of (o.options ?? []) as Array<typeof o>) check(child);
    };
    for (const c of SLASH_COMMANDS) check(c as never);
  });

  it('maps slash commands to core names and args', () => {
    expect(commandFromSlash({ commandName: 'help', subcommand: null, options: {} })).toEqual({ name: 'help', args: [] });
    expect(commandFromSlash({ commandName: 'forget', subcommand: null, options: {} })).toEqual({ name: 'forget', args: [] });
    expect(commandFromSlash({ commandName: 'forget', subcommand: null, options: { confirm: true } })).toEqual({ name: 'forget', args: ['confirm'] });
    expect(commandFromSlash({ commandName: 'country', subcommand: null, options: { code: ' de ' } })).toEqual({ name: 'country', args: ['de'] });
    expect(commandFromSlash({ commandName: 'case', subcommand: 'list', options: {} })).toEqual({ name: 'case', args: ['list'] });
    expect(commandFromSlash({ commandName: 'case', subcommand: 'resolve', options: { id: 12, outcome: 'false_positive' } }))
      .toEqual({ name: 'case', args: ['resolve', '12', 'false_positive'] });
    expect(commandFromSlash({ commandName: 'case', subcommand: 'note', options: { id: 3, text: 'called them' } }))
      .toEqual({ name: 'case', args: ['note', '3', 'called them'] });
    expect(commandFromSlash({ commandName: 'other', subcommand: null, options: {} })).toBeUndefined();
  });

  it('maps alert buttons to case actions and ignores foreign ids', () => {
    expect(commandFromCustomId('case:ack:12')).toEqual({ name: 'case', args: ['ack', '12'] });
    expect(commandFromCustomId('case:resolve:7')).toEqual({ name: 'case', args: ['resolve', '7'] });
    expect(commandFromCustomId('forget:confirm')).toEqual({ name: 'forget', args: ['confirm'] });
    expect(commandFromCustomId('case:delete:7')).toBeUndefined();
    expect(commandFromCustomId('case:ack:12; drop')).toBeUndefined();
  });
});

describe('discord alert message', () => {
  it('carries acknowledge and resolve buttons with the case id', () => {
    const body = renderAlert(alertView());
    const buttons = body.components[0]!.components as Array<{ custom_id: string; disabled: boolean }>;
    expect(buttons.map((b) => [b.custom_id, b.disabled])).toEqual([['case:ack:12', false], ['case:resolve:12', false]]);
    expect(body.allowed_mentions).toEqual({ parse: [], replied_user: false });
  });

  it('keeps personal details out of the headline that push notifications show', () => {
    const body = renderAlert(alertView());
    expect(body.content).toBe('Case #12 · HIGH · high priority · open');
  });

  it('shows level, reasons, a link to the channel, and neutralized user text', () => {
    const embed = renderAlert(alertView()).embeds[0]!;
    const text = JSON.stringify(embed);
    expect(text).toContain('plan, timeframe');
    expect(text).toContain('https://discord.com/channels/1000000000000000001/1200000000000000001');
    expect(embed.description).toContain('I cannot do this');
    expect(text).not.toContain('@everyone');
    expect(embed.description).not.toContain('<@1>');
  });

  it('names the person by name and id, never as a mention', () => {
    const alert = alertView();
    const user = renderAlert(alert).embeds[0]!.fields!.find((f) => f.name === 'User')!.value;
    expect(user).toContain(`(id ${alert.user.id})`);
    expect(user).not.toContain('<@');
    for (const entry of renderDigest({ digestId: 'd', alerts: [alert], createdAt: alert.createdAt }).embeds) {
      expect(entry.description).not.toContain('<@');
    }
  });

  it('shows who acted and when, and disables buttons that no longer apply', () => {
    const body = renderAlert(alertView({ kind: 'update', status: 'acknowledged', actedBy: 'Bob', actedAt: '2025-03-14T09:35:00.000Z' }));
    const text = JSON.stringify(body.embeds);
    expect(text).toContain('"Status","value":"acknowledged by Bob at <t:1741944900:f>');
    const buttons = body.components[0]!.components as Array<{ disabled: boolean }>;
    expect(buttons.map((b) => b.disabled)).toEqual([true, false]);
    const resolved = renderAlert(alertView({ status: 'resolved', actedBy: 'Bob' })).components[0]!.components as Array<{ disabled: boolean }>;
    expect(resolved.map((b) => b.disabled)).toEqual([true, true]);
  });

  it('stays within embed limits for a huge excerpt and many reasons', () => {
    const embed = renderAlert(alertView({ excerpt: 'x'.repeat(10_000), reasons: Array.from({ length: 300 }, (_, i) => `rule-${i}`) })).embeds[0]!;
    expect(embed.description!.length).toBeLessThanOrEqual(4096);
    for (const f of embed.fields!) expect(f.value.length).toBeLessThanOrEqual(1024);
  });
});

describe('discord alert board', () => {
  function board() {
    const posts: AlertMessageBody[] = [];
    const edits: Array<[string, AlertMessageBody]> = [];
    const b = createDiscordModeratorSink({
      post: async (body) => {
        posts.push(body);
        return `m${posts.length}`;
      },
      edit: async (id, body) => {
        edits.push([id, body]);
      },
    });
    return { b, posts, edits };
  }

  it('posts each alert it is given as a new message and answers with its id', async () => {
    const { b, posts, edits } = board();
    expect(await b.deliver(alertView())).toEqual({ ref: 'm1' });
    expect(await b.deliver(alertView({ alertId: 42, kind: 'escalated', level: 'imminent' }))).toEqual({ ref: 'm2' });
    expect(posts).toHaveLength(2);
    expect(edits).toHaveLength(0);
  });

  it('edits the message the core names with the alert as it now reads', async () => {
    const { b, posts, edits } = board();
    await b.edit!('m7', alertView({ alertId: 41, kind: 'update', status: 'acknowledged', actedBy: 'Bob' }));
    expect(posts).toHaveLength(0);
    expect(edits.map(([id]) => id)).toEqual(['m7']);
    expect(edits[0]![1].content).toContain('acknowledged');
  });
});
