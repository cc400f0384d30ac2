/** Pure rendering for Telegram: markdown subset → HTML, escaping, splitting, fallbacks. */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { callbackAnswerText, deepLink, renderChunks, renderHtml, renderPlain, visibleText } from '../../adapters/telegram/outbound.js';
import { alertKeyboard, renderAlert } from '../../adapters/telegram/moderator.js';
import type { AlertView } from '../../src/ports.js';

describe('telegram outbound rendering', () => {
  it('renders the core markdown subset as Telegram HTML tags', () => {
    expect(renderHtml('**Call now** and _breathe_, run `npm test`')).toBe('<b>Call now</b> and <i>breathe</i>, run <code>npm test</code>');
    expect(renderHtml('[988 Lifeline](https://988lifeline.org/?a=1&b=2)')).toBe('<a href="https://988lifeline.org/?a=1&amp;b=2">988 Lifeline</a>');
    expect(renderHtml('```ts\nconst a = 1 < 2;\n```')).toBe('<pre><code class="language-ts">const a = 1 &lt; 2;</code></pre>');
    expect(renderHtml('## Where to get help')).toBe('<b>Where to get help</b>');
  });

  it('escapes <, > and & so model text cannot form tags', () => {
    expect(renderHtml('<script>alert(1)</script> & <b>not bold</b>')).toBe('&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;b&gt;not bold&lt;/b&gt;');
  });

  it('keeps snake_case and arithmetic as text instead of italics', () => {
    expect(renderHtml('set my_var_name and 2 * 3 * 4')).toBe('set my_var_name and 2 * 3 * 4');
  });

  it('never makes a link Telegram would reject, and keeps its target visible', () => {
    expect(renderHtml('[Call the line](tel:988)')).toBe('Call the line (988)');
    expect(renderHtml('[988](tel:988)')).toBe('988');
    expect(renderHtml('[click](javascript:alert(1))')).not.toContain('<a');
  });

  it('renders plain text for the parse-error fallback, links spelled out', () => {
    expect(renderPlain('**Call** [the line](https://example.org) or `988`')).toBe('Call the line (https://example.org) or 988');
  });

  it('returns no chunks for empty text, since Telegram rejects empty messages', () => {
    expect(renderChunks('  \n ')).toEqual([]);
  });

  it('splits on paragraph boundaries and keeps each chunk within 4096 characters', () => {
    const paragraphs = Array.from({ length: 6 }, (_, i) => `Paragraph ${i}. ${'Slow breaths help. '.repeat(60).trim()}`);
    const chunks = renderChunks(paragraphs.join('\n\n'));
    expect(chunks.length).toBeGreaterThan(1);
    for (const c of chunks) {
      expect(c.html.length).toBeLessThanOrEqual(4096);
      expect(c.html.startsWith('Paragraph')).toBe(true); // cut at a paragraph start, not mid-sentence
    }
  });

  it('closes and reopens a code fence cut by a split, so every chunk is valid HTML', () => {
    const code = Array.from({ length: 400 }, (_, i) => `line ${i} <tag> & more`).join('\n');
    const chunks = renderChunks(`Here is the log:\n\n\`\`\`\n${code}\n\`\`\``);
    expect(chunks.length).toBeGreaterThan(1);
    for (const c of chunks.slice(1)) expect(c.html.startsWith('<pre>')).toBe(true);
    for (const c of chunks) {
      expect(c.html.length).toBeLessThanOrEqual(4096);
      expect((c.html.match(/<pre>/g) ?? []).length).toBe((c.html.match(/<\/pre>/g) ?? []).length);
    }
  });

  it('keeps every chunk within the limit and loses no visible text, for arbitrary input', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom('a', ' ', '<', '&', '>', '\n', '🌊', 'é', '.', '*', '_'), minLength: 1_500, maxLength: 12_000 }), (s) => {
        const chunks = renderChunks(s);
        for (const c of chunks) expect(c.html.length).toBeLessThanOrEqual(4096);
        const strip = (t: string) => t.replace(/[\s*_]/g, '');
        expect(strip(chunks.map((c) => visibleText(c.html)).join(''))).toBe(strip(s));
      }),
      { numRuns: 30 },
    );
  });

  it('builds the deep link that opens a private chat and sends /start support', () => {
    expect(deepLink('oyster_test_bot')).toBe('https://t.me/oyster_test_bot?start=support');
  });

  it('fits callback answers into Telegram\'s 200 characters', () => {
    expect(callbackAnswerText('**Only moderators** can do that.')).toBe('Only moderators can do that.');
    expect(callbackAnswerText('x'.repeat(500)).length).toBe(200);
  });
});

describe('telegram moderator alert rendering', () => {
  const alert: AlertView = {
    caseId: 12, alertId: 31, kind: 'new', level: 'imminent', priority: 'urgent', status: 'open',
    reasons: ['plan+timeframe', 'means-access'], platform: 'telegram',
    conversation: { platform: 'telegram', channelId: '-1001234567890', threadId: '77', communityId: '-1001234567890' },
    isDirect: false, user: { id: '1001', displayName: 'Alice <Ng>' }, excerpt: 'I have <the> pills & tonight',
    country: 'US', resourcesSent: ['us-988', 'us-911'], reachedPrivately: false, policyVersion: 'p-abc123',
    createdAt: '2025-06-01T12:00:00.000Z',
  };

  it('shows level, reasons, user, place, country, what was sent and DM reach, escaped', () => {
    const html = renderAlert(alert);
    const seen = visibleText(html);
    for (const part of ['URGENT', 'imminent', 'case #12', 'plan+timeframe, means-access', 'Alice <Ng>', '1001', '-1001234567890', 'thread 77', 'US', 'us-988, us-911', 'Reached privately: no: DMs closed', 'I have <the> pills & tonight', 'p-abc123']) {
      expect(seen).toContain(part);
    }
    expect(html).not.toContain('<the>');
    expect(html).toContain('<a href="tg://user?id=1001">');
  });

  it('offers acknowledge and resolve while open, only resolve once acknowledged, none once resolved', () => {
    expect(alertKeyboard(alert).inline_keyboard).toEqual([[
      { text: 'Acknowledge', callback_data: 'case:ack:12' }, { text: 'Resolve', callback_data: 'case:resolve:12' },
    ]]);
    expect(alertKeyboard({ caseId: 12, status: 'acknowledged' }).inline_keyboard).toEqual([[{ text: 'Resolve', callback_data: 'case:resolve:12' }]]);
    expect(alertKeyboard({ caseId: 12, status: 'resolved' }).inline_keyboard).toEqual([]);
  });

  it('shows who acted and when after an acknowledgement', () => {
    const seen = visibleText(renderAlert({ ...alert, status: 'acknowledged', actedBy: 'Mia', actedAt: '2025-06-01T12:03:00.000Z' }));
    expect(seen).toContain('acknowledged by Mia at 2025-06-01 12:03 UTC');
  });
});
