import { describe, expect, it } from 'vitest';
import { ACTION_ACK, ACTION_RESOLVE, alertBlocks, alertFallbackText, type Block } from '../../adapters/slack/moderator.js';
import { parseCaseAction, parseSlashText } from '../../adapters/slack/commands.js';
import { sampleAlert } from './fixtures.js';

const buttons = (blocks: Block[]) =>
  ((blocks.find((b) => b.type === 'actions')?.elements ?? []) as Array<{ action_id: string; value: string }>);
const allText = (blocks: Block[]) => JSON.stringify(blocks);

describe('slack moderator alert blocks', () => {
  it('has a header, the case facts and acknowledge/resolve buttons carrying the case id', () => {
    const blocks = alertBlocks(sampleAlert());
    expect(blocks[0]).toMatchObject({ type: 'header', text: { type: 'plain_text' } });
    expect((blocks[0]!.text as { text: string }).text).toContain('case #42');
    expect(buttons(blocks).map((b) => [b.action_id, b.value])).toEqual([[ACTION_ACK, '42'], [ACTION_RESOLVE, '42']]);
    const text = allText(blocks);
    for (const fact of ['plan, timeframe', 'DE', 'de-telefonseelsorge', 'U0ALICE', '<#C0GENERAL>', 'p-abc123']) expect(text).toContain(fact);
  });

  it('never mentions the user or lets the excerpt ping anyone', () => {
    const text = allText(alertBlocks(sampleAlert()));
    expect(text).not.toContain('<@U0ALICE>');
    expect(text).not.toContain('<@U0BOB>');
    expect(text).not.toContain('<!channel>');
  });

  it('shows who acted and when, and drops buttons that no longer apply', () => {
    const acked = alertBlocks(sampleAlert({ status: 'acknowledged', actedBy: 'Mo', actedAt: '2025-01-02T03:10:00.000Z' }));
    expect(allText(acked)).toContain('acknowledged by Mo at <!date^');
    expect(allText(acked)).toContain('<!date^1735787400^');
    expect(buttons(acked).map((b) => b.action_id)).toEqual([ACTION_RESOLVE]);
    const resolved = alertBlocks(sampleAlert({ status: 'resolved', actedBy: 'Mo', actedAt: '2025-01-02T04:00:00.000Z' }));
    expect(allText(resolved)).toContain('resolved by Mo');
    expect(resolved.some((b) => b.type === 'actions')).toBe(false);
  });

  it('says plainly when the user could not be reached by DM', () => {
    expect(allText(alertBlocks(sampleAlert({ reachedPrivately: false })))).toContain('DMs closed');
  });

  it('describes a conversation on another platform without Slack channel links', () => {
    const text = allText(alertBlocks(sampleAlert({ platform: 'discord', conversation: { platform: 'discord', channelId: '123' } })));
    expect(text).toContain('discord channel 123');
    expect(text).not.toContain('<#');
  });

  it('stays within Block Kit limits for long input', () => {
    const blocks = alertBlocks(sampleAlert({ excerpt: 'x'.repeat(5000), user: { id: 'U1', displayName: 'y'.repeat(3000) }, reasons: Array(500).fill('r') }));
    expect(((blocks[0]!.text as { text: string }).text).length).toBeLessThanOrEqual(150);
    for (const b of blocks) {
      for (const f of (b.fields ?? []) as Array<{ text: string }>) expect(f.text.length).toBeLessThanOrEqual(2000);
      if (b.type === 'section' && b.text) expect((b.text as { text: string }).text.length).toBeLessThanOrEqual(3000);
    }
    expect(blocks.length).toBeLessThanOrEqual(50);
  });

  it('has a one-line fallback text with priority, level and case', () => {
    expect(alertFallbackText(sampleAlert())).toBe('New case · Case #42 · HIGH · urgent priority · open');
    expect(alertFallbackText(sampleAlert({ status: 'acknowledged', actedBy: 'Mo' }))).toContain('acknowledged');
  });
});

describe('slack command parsing', () => {
  it('maps subcommands and their arguments', () => {
    expect(parseSlashText('')).toEqual({ name: 'help', args: [] });
    expect(parseSlashText('Forget confirm')).toEqual({ name: 'forget', args: ['confirm'] });
    expect(parseSlashText('country de')).toEqual({ name: 'country', args: ['de'] });
    expect(parseSlashText('export')).toEqual({ name: 'export', args: [] });
    expect(parseSlashText('case ACK 12')).toEqual({ name: 'case', args: ['ack', '12'] });
    expect(parseSlashText('case resolve 12 false_positive')).toEqual({ name: 'case', args: ['resolve', '12', 'false_positive'] });
    expect(parseSlashText('case note 12 called twice, no answer')).toEqual({ name: 'case', args: ['note', '12', 'called twice, no answer'] });
    expect(parseSlashText('dance')).toEqual({ name: 'help', args: [] });
  });

  it('maps alert buttons to case commands and rejects foreign values', () => {
    expect(parseCaseAction(ACTION_ACK, '42')).toEqual({ name: 'case', args: ['ack', '42'] });
    expect(parseCaseAction(ACTION_RESOLVE, '42')).toEqual({ name: 'case', args: ['resolve', '42'] });
    expect(parseCaseAction(ACTION_ACK, '42; drop')).toBeUndefined();
    expect(parseCaseAction('other', '42')).toBeUndefined();
  });
});
