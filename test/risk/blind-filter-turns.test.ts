import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { BLIND_DIRS, nearBlindFilter, readBlindTurns } from '../../scripts/risk-blind-filter.js';

const riskDir = fileURLToPath(new URL('.', import.meta.url));

// The learned model's corpus must stay away from blind conversation turns as well as single
// messages; nothing here prints a blind text.
describe('blind filter over conversation turns', () => {
  it('reads the turns of every blind set that has conversations, blind6 included', () => {
    const turns = readBlindTurns(riskDir);
    const withConversations = BLIND_DIRS.filter((s) => existsSync(join(riskDir, s, 'conversations.jsonl')));
    expect(withConversations).toContain('blind6');
    expect(new Set(turns.map((t) => t.set))).toEqual(new Set(withConversations));
    expect(turns.filter((t) => t.set === 'blind6').length).toBeGreaterThanOrEqual(24);
  });

  it('drops a sentence that is a turn with a word added, and keeps an unrelated one', () => {
    const turns = readBlindTurns(riskDir).filter((t) => t.text.length > 30);
    const near = nearBlindFilter(turns);
    const dropped = turns.filter((t) => near(`${t.text} anyway`)).length;
    expect(dropped).toBe(turns.length);
    expect(near('the quarterly invoice template needs a new column for tax codes')).toBe(false);
  });
});
