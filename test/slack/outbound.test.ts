import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { renderSlack, SLACK_TEXT_LIMIT, toMrkdwn, visibleText } from '../../adapters/slack/outbound.js';

describe('slack mrkdwn rendering', () => {
  it('turns **bold** into *bold* and keeps _italic_', () => {
    expect(toMrkdwn('this is **important** and _gentle_')).toBe('this is *important* and _gentle_');
  });

  it('turns single-star italics into underscores so they do not render bold', () => {
    expect(toMrkdwn('*maybe* later, 5 * 3 * 2')).toBe('_maybe_ later, 5 * 3 * 2');
  });

  it('escapes &, < and > everywhere, code included', () => {
    expect(toMrkdwn('a < b & c > d `x<y>`')).toBe('a &lt; b &amp; c &gt; d `x&lt;y&gt;`');
  });

  it('links only http(s) URLs', () => {
    expect(toMrkdwn('[help](https://example.org/a?b=1&c=2)')).toBe('<https://example.org/a?b=1&amp;c=2|help>');
    expect(toMrkdwn('[click](javascript:alert(1))')).toBe('click (javascript:alert(1))');
    expect(toMrkdwn('[x](<https://evil>)')).not.toMatch(/<https:\/\/evil/);
  });

  it('keeps a tel: label that already shows the number, and shows the number otherwise', () => {
    expect(toMrkdwn('[988](tel:988)')).toBe('988');
    expect(toMrkdwn('[Call now](tel:116123)')).toBe('Call now (tel:116123)');
  });

  it('leaves markup inside code alone and drops fence language tags', () => {
    expect(toMrkdwn('`**not bold**`')).toBe('`**not bold**`');
    expect(toMrkdwn('```ts\nconst a = 1 < 2;\n```')).toBe('```const a = 1 &lt; 2;```');
  });

  it('can never form a mass mention from model text', () => {
    const hostile = '<!channel> <!here|here> <!everyone> @channel @here @everyone <@U123> &lt;!channel&gt;';
    const out = renderSlack(hostile).join('\n');
    expect(out).not.toMatch(/<!(channel|here|everyone)/);
    expect(out).not.toMatch(/<@U/);
    expect(out).not.toMatch(/@(channel|here|everyone)\b/);
    expect(visibleText(out)).toBe(hostile);
  });

  it('never emits a mass mention or an unescaped angle bracket for any input', () => {
    fc.assert(fc.property(fc.string({ maxLength: 300 }), (s) => {
      for (const part of renderSlack(s)) {
        expect(part).not.toMatch(/<!|<@|<#/);
        expect(part).not.toMatch(/@(channel|here|everyone)\b/i);
        expect(part.length).toBeLessThanOrEqual(SLACK_TEXT_LIMIT);
      }
    }), { numRuns: 300 });
  });

  it('splits a long answer into parts under 4000 characters without losing text', () => {
    const long = Array.from({ length: 30 }, (_, i) => `Paragraph ${i}: ${'steady breathing helps & matters. '.repeat(8)}`).join('\n\n');
    const parts = renderSlack(long);
    expect(parts.length).toBeGreaterThan(1);
    for (const p of parts) expect(p.length).toBeLessThanOrEqual(SLACK_TEXT_LIMIT);
    expect(parts.map(visibleText).join(' ').replace(/\s+/g, ' ')).toBe(long.replace(/\s+/g, ' '));
  });

  it('renders nothing for a blank answer instead of posting an empty message', () => {
    expect(renderSlack('  \n ')).toEqual([]);
  });
});
