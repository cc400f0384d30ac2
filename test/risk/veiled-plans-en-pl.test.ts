/**
 * English and Polish plans with no suicide word (issue 11 class 1), session 3: a drug named by
 * name, a bag or backpack holding it, "on my way" / "idę nad rzekę" as a time, an engine in a
 * shut garage, being gone spoken of as settled, a letter left, a known method with a wish to
 * die. Beside each, the everyday reading that must stay below moderate.
 */
import { describe, expect, it } from 'vitest';
import { riskRank, type RiskLevel } from '../../src/messages.js';
import { screen } from './helpers.js';

const atLeast = (text: string, level: RiskLevel) => expect(riskRank(screen(text).level), `${text} → ${screen(text).level}`).toBeGreaterThanOrEqual(riskRank(level));
const below = (text: string, level: RiskLevel) => expect(riskRank(screen(text).level), `${text} → ${screen(text).level}`).toBeLessThan(riskRank(level));

describe('English', () => {
  it.each([
    ['the whole packet of tramadol is in my bag, on my way to the bridge', 'imminent'],
    ["car's running, garage door is shut, sorry everyone", 'imminent'],
    ['put my cat with my sister and sorted everything out for when im gone', 'high'],
    ['i have the blades next to me and i feel so alone', 'high'],
    ['finished the whole bottle of diazepam an hour ago', 'imminent'],
  ] as const)('"%s" reads at least %s', (text, level) => atLeast(text, level));

  it.each([
    'my dad takes all his tablets with breakfast as usual',
    'how many tablets of amoxicillin would it take to treat an ear infection',
    'i took ibuprofen for my back and went to bed',
    'on my way to the train platform, see you at work',
  ])('"%s" stays below moderate', (text) => below(text, 'moderate'));
});

describe('Polish', () => {
  it.each([
    ['mam w kieszeni całe opakowanie xanaxu i jadę nad jezioro', 'imminent'],
    ['silnik włączony, brama zamknięta, to koniec', 'imminent'],
    ['zostawiłem list na stole, to koniec', 'imminent'],
    ['chcę umrzeć i wiem dokładnie jak', 'high'],
    ['czasem myślę, że wszyscy byliby szczęśliwsi beze mnie', 'moderate'],
  ] as const)('"%s" reads at least %s', (text, level) => atLeast(text, level));

  it.each([
    'wziąłem dwie tabletki na ból głowy, już lepiej',
    'skoczę do sklepu, zaraz wracam',
    'nie idź beze mnie na koncert',
  ])('"%s" stays below moderate', (text) => below(text, 'moderate'));
});
