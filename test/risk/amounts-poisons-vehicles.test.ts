/**
 * Session 5 rules by meaning (issue 11 classes 1 and 6), each at-risk reading beside a harmless
 * one written the same way:
 * - a plain verb of swallowing with a medicine and an amount (a count such as "40" included), or
 *   a household poison drunk at all, is an attempt; a dose, a course of antibiotics, wine or
 *   pizza is not;
 * - a car is danger only in a closed space; "bought a new car today" is nothing;
 * - intent with a time said of someone else is their imminent danger, and means at hand now
 *   about someone else too;
 * - an imminent phrase told in the past with nothing present in its clause is history.
 * Read by the rules alone (no learned model).
 */
import { describe, expect, it } from 'vitest';
import { riskRank, type RiskLevel } from '../../src/messages.js';
import { createRiskAssessor } from '../../src/risk/assessor.js';
import { NOW, POLICY_DIR } from './helpers.js';

// The rules alone: these cases are about the rules by meaning, and a retrained learned model
// (its own lane, its own tests) must not change what they check.
const rules = createRiskAssessor({ policyDir: POLICY_DIR, policyVersion: 'test', learnedModel: false });
const level = (text: string) => rules.screen({ text, recent: [], now: NOW }).level;
const atLeast = (text: string, l: RiskLevel) => expect(riskRank(level(text)), `${text} → ${level(text)}`).toBeGreaterThanOrEqual(riskRank(l));
const below = (text: string, l: RiskLevel) => expect(riskRank(level(text)), `${text} → ${level(text)}`).toBeLessThan(riskRank(l));

describe('an amount of medicine swallowed, or a poison drunk, is an attempt', () => {
  it.each([
    'ate every last one of my quetiapine, feeling heavy',
    'necked a full strip of tramadol about an hour back',
    'took 35 of my citalopram with some cider',
    'swallowed two boxes of paracetamol',
    'drank some of the weedkiller from the shed',
    'heb een hele strip oxazepam opgegeten',
    'antivries opgedronken, mijn buik brandt',
  ])('"%s" reads imminent', (text) => atLeast(text, 'imminent'));

  it.each([
    'drank a whole bottle of rosé at the wedding lol',
    'ate a whole family pizza by myself tonight',
    'took 20 mg of melatonin to sleep on the plane',
    'took 15 of the kids from my class to the zoo',
    'finished the full course of antibiotics today',
    'popped 2 ibuprofen for my back',
    'heb twee paracetamol genomen tegen de koorts',
    'heb de hele fles wijn opgedronken op het feest',
    'ik heb een hele pizza opgegeten vanavond',
  ])('"%s" reads below moderate', (text) => below(text, 'moderate'));
});

describe('a car is a means only in a closed space', () => {
  it.each([
    'engine on, garage door down, i am sitting in the back',
    'the hose goes from the exhaust pipe through the window, windows taped',
    'de motor draait en de garagedeur is dicht, ik zit erin',
  ])('"%s" reads imminent', (text) => atLeast(text, 'imminent'));

  it.each([
    'picked up my new car today!!',
    'sitting in the car with my dad today, road trip',
    'the car is at the garage, the mechanic says the engine light is a sensor',
    'ik heb vandaag een nieuwe auto gekocht',
  ])('"%s" reads below moderate', (text) => below(text, 'moderate'));
});

describe('danger to someone else with a time keeps its weight', () => {
  it.each([
    'my brother says he will hang himself tonight',
    'my mum says she is going to shoot herself tonight, she has the gun',
    'mijn vader zegt dat hij zich vanavond van kant maakt',
  ])('"%s" reads imminent', (text) => atLeast(text, 'imminent'));

  it.each([
    'my brother says he will hang the pictures tonight',
    'my friend keeps saying she wants to kill herself',
  ])('"%s" reads below imminent', (text) => below(text, 'imminent'));
});

describe('an attempt told in the past is history, unless the present returns', () => {
  it('a past overdose with recovery reads below moderate', () => below('twelve years ago i swallowed a bottle of pills. now i mentor others', 'moderate'));
  it('the same past with tonight in its clause stays imminent', () =>
    atLeast('years ago i swallowed a bottle of pills and tonight i am doing it again', 'imminent'));
  it('a recent "ago" is not the past', () => atLeast('i swallowed a bottle of pills an hour ago', 'imminent'));
});

describe('Arabic reads its window in words, like other spaced scripts', () => {
  it('a rope hidden and a time, 60 characters but 12 words apart, read together as imminent', () =>
    atLeast('اشتريت حبلاً من محل الأدوات في السوق القديم وأخفيته تحت سريري، الليلة', 'imminent'));
  it('the same words more than 14 words apart do not', () =>
    below('اشتريت حبلاً من محل الأدوات في السوق القديم مع أخي الصغير وابن عمي وجارنا ثم رجعنا وتغدينا وشربنا الشاي وتكلمنا عن المباراة، الليلة', 'imminent'));
});

describe('throwing oneself from a height, in any word order', () => {
  it.each([
    'meine Schwester schreibt, sie stürzt sich morgen früh von der Talbrücke',
    'mon cousin dit qu’il se jette ce soir du haut du pont',
    'mój kolega pisze, że dziś w nocy rzuci się z mostu',
  ])('"%s" reads imminent (someone else)', (text) => atLeast(text, 'imminent'));
  it.each([
    'die Kommissarin stürzt sich in die Arbeit',
    'elle se jette sur le canapé après le boulot',
  ])('"%s" reads below moderate', (text) => below(text, 'moderate'));
});

describe('a blade that keeps calling is a self-harm urge', () => {
  it('pt: "a lâmina continua me chamando" reads moderate', () => atLeast('a lâmina continua me chamando essa semana', 'moderate'));
  it('pt: changing a razor blade reads below moderate', () => below('troquei a lâmina do aparelho de barbear', 'moderate'));
});

describe('the same meanings in the other European packs', () => {
  it.each([
    'me tomé toda la caja de clonazepam hace una hora',
    'j’ai avalé toute la plaquette de lexomil',
    'wypiłam płyn do chłodnic pół godziny temu',
    'bebí lejía hace un rato',
    'Auto steht in der Garage, Tor ist zu, Motor läuft, ich sitze drin',
  ])('"%s" reads imminent', (text) => atLeast(text, 'imminent'));
  it.each([
    'me comí toda la pizza anoche',
    'j’ai mangé tout le gâteau au chocolat',
    'zjadłem całą paczkę chipsów',
    'mein Auto ist in der Werkstatt, das Tor ist zu',
  ])('"%s" reads below moderate', (text) => below(text, 'moderate'));
});
