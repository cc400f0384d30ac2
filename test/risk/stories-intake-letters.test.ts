/**
 * Session 4 rules by meaning (issue 11 classes 1 and 6), each harmless reading beside an at-risk
 * one that must still read as risk:
 * - a sentence told as a story or a report about someone else (a crime novel, a thriller, the
 *   news; another person named; no first person) sets aside even an imminent phrase such as a
 *   farewell letter, in every European pack; the writer's own words beside a story do not;
 * - taking all of one's medicine at a set time reads as imminent in any word order, German
 *   verb-final included, for the writer and for someone else; routine intake does not;
 * - a letter to someone close with finality is a farewell; a note with a planned return is not;
 * - "this job is going to kill me" in French, Portuguese, Spanish, Italian is an idiom.
 */
import { describe, expect, it } from 'vitest';
import { riskRank, type RiskLevel } from '../../src/messages.js';
import { screen } from './helpers.js';

const level = (text: string) => screen(text).level;
const atLeast = (text: string, l: RiskLevel) => expect(riskRank(level(text)), `${text} → ${level(text)}`).toBeGreaterThanOrEqual(riskRank(l));
const below = (text: string, l: RiskLevel) => expect(riskRank(level(text)), `${text} → ${level(text)}`).toBeLessThan(riskRank(l));

describe('a story or report about someone else is not the writer’s risk', () => {
  it.each([
    ['de', 'im Thriller entdeckt der Kommissar einen Abschiedsbrief im Handschuhfach'],
    ['pl', 'w tym kryminale detektyw znajduje list pożegnalny ofiary'],
    ['pl', 'czytam kryminał o samobójstwie znanego pianisty'],
    ['nl', 'in de thriller vindt de dader een afscheidsbrief op het bureau'],
    ['it', 'nel giallo la vittima lascia un biglietto d’addio falso'],
    ['pt', 'no romance policial o delegado acha uma carta de despedida'],
    ['ru', 'в детективе следователь находит предсмертную записку'],
    ['fr', 'dans le polar, le commissaire trouve une lettre d’adieu'],
  ])('%s: "%s" reads below moderate', (_lang, text) => below(text, 'moderate'));

  it.each([
    ['de', 'wie im Thriller: mein Abschiedsbrief liegt auf dem Tisch, ich mache heute Schluss'],
    ['pl', 'jak w kryminale, zostawiłem list pożegnalny i dziś w nocy kończę ze sobą'],
    ['en', 'like the end of the film, my goodbye letter is on my desk and I took all my pills'],
  ])('%s: the writer’s own farewell beside a story still reads imminent: "%s"', (_lang, text) => atLeast(text, 'imminent'));
});

describe('taking all of one’s medicine at a set time', () => {
  it.each([
    ['de', 'meine Schwester wird heute Nacht alle ihre Tabletten schlucken'],
    ['de', 'ich werde heute Abend alle meine Schmerztabletten einnehmen'],
    ['nl', 'mijn broer gaat vannacht al zijn slaappillen innemen'],
    ['fr', 'ma sœur va avaler tous ses somnifères ce soir'],
    ['it', 'mia sorella stanotte ingoierà tutte le sue pastiglie'],
    ['pt', 'minha irmã vai engolir todos os comprimidos dela hoje à noite'],
    ['ru', 'сестра сегодня ночью проглотит все свои таблетки'],
    ['pl', 'siostra dziś w nocy połknie wszystkie swoje tabletki'],
  ])('%s: "%s" reads imminent', (_lang, text) => atLeast(text, 'imminent'));

  it.each([
    ['de', 'Oma nimmt abends alle ihre Tabletten, wie verschrieben'],
    ['en', 'my grandad takes all his pills every morning with breakfast'],
    ['nl', 'mijn opa neemt elke ochtend al zijn pillen bij het ontbijt'],
  ])('%s: routine intake "%s" reads below moderate', (_lang, text) => below(text, 'moderate'));
});

describe('a letter to someone close with finality', () => {
  it.each([
    ['en', 'wrote my brother a letter and left it by the kettle. this is it'],
    ['de', 'hab meinem Vater einen Brief geschrieben, das war es'],
    ['pl', 'napisałem list do mamy i położyłem pod drzwiami, to już koniec'],
    ['fr', 'j’ai écrit une lettre à mon père, c’est la fin'],
    ['it', 'ho lasciato una lettera a mio fratello, è finita'],
    ['ru', 'написал письмо маме, это конец'],
  ])('%s: "%s" reads imminent', (_lang, text) => atLeast(text, 'imminent'));

  it('a note with a planned return is not a farewell', () => below('wrote my dad a note that I’d be late, see you tonight', 'moderate'));
});

describe('something else "will kill me" is an idiom', () => {
  it.each([
    ['fr', 'ces réunions vont me tuer'],
    ['pt', 'essa prova vai me matar'],
    ['es', 'este jefe me va a matar con tanto trabajo'],
    ['it', 'questo caldo mi ammazza'],
  ])('%s: "%s" reads below moderate', (_lang, text) => below(text, 'moderate'));

  it.each([
    ['fr', 'je vais me tuer ce soir'],
    ['pt', 'vou me matar hoje'],
  ])('%s: the writer’s own "%s" still reads high or more', (_lang, text) => atLeast(text, 'high'));
});

describe('English veiled acts and plans (second tuning round)', () => {
  it.each([
    'in the bath with a blade and the water is pink now',
    'injected my whole box of insulin pens an hour ago',
    'the belt is round my neck and tied to the bannister',
    'bought paracetamol in three shops, all of it tonight when my shift ends',
  ])('"%s" reads imminent', (text) => atLeast(text, 'imminent'));

  it.each([
    "i want to die and i've started planning",
    'been researching which pills would stop my heart',
  ])('"%s" reads high or more', (text) => atLeast(text, 'high'));

  it.each([
    'thinking about how to fix my bike tonight',
    'sliced my thumb while cooking dinner, the water in the sink is pink',
    'gave my old desk to my cousin, we are doing it tonight before the move',
  ])('"%s" reads below moderate', (text) => below(text, 'moderate'));
});
