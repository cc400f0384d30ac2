/**
 * One typo is read in a longer risk word ("tablts" for tablets), but an ordinary word one letter
 * away ("table" from "tablet*") is not that word: a language's `not_typos` list keeps it out.
 * Found by `npm run load`, whose everyday conversation of a dinner question ("tonight", a
 * timeframe) and a cat knocking things off the table summed to moderate as a means named.
 */
import { describe, expect, it } from 'vitest';
import { riskRank } from '../../src/messages.js';
import { screenConversation } from './helpers.js';

const dinner = 'What should I cook tonight with rice, eggs and spinach?';

describe('an everyday word one letter from a risk word', () => {
  it.each([
    [[dinner, 'My cat keeps knocking things off the table, why do cats do that?']],
    [['My cat keeps knocking things off the table, why do cats do that?', dinner]],
    [[dinner, 'we keep the plates on the kitchen tables']],
  ])('is not read as a means: %j', (turns) => {
    const result = screenConversation(turns);
    expect(result.level, result.reasons.join(', ')).toBe('none');
  });

  it('a real typo of the risk word still counts in the same conversation', () => {
    const result = screenConversation([dinner, 'I keep my tablts in the drawer']);
    expect(riskRank(result.level)).toBeGreaterThanOrEqual(riskRank('moderate'));
  });
});
