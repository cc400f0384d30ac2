/**
 * Frames by meaning (issue 11 class 6), session 3: a frame sets aside a phrase rule's match
 * whether or not the message has a filler word; the past stops framing when it comes back
 * ("again"); everyday objects frame their clause in every language (a finger cut while peeling,
 * hay-fever pills, a phone battery "dying"); a goodbye to a group is leaving the group. Each
 * harmless reading has an at-risk sentence beside it that must still read as risk.
 */
import { describe, expect, it } from 'vitest';
import { riskRank, type RiskLevel } from '../../src/messages.js';
import { screen } from './helpers.js';

const atLeast = (text: string, level: RiskLevel) => expect(riskRank(screen(text).level), `${text} → ${screen(text).level}`).toBeGreaterThanOrEqual(riskRank(level));
const below = (text: string, level: RiskLevel) => expect(riskRank(screen(text).level), `${text} → ${screen(text).level}`).toBeLessThan(riskRank(level));

describe('a filler word does not hide a frame', () => {
  it.each([
    'waktu umur lima belas aku jujur pernah ingin bunuh diri, sekarang aku jauh lebih baik',
    'if you ever honestly feel like ending your life, you can talk to me',
  ])('"%s" reads below moderate', (text) => below(text, 'moderate'));

  it('still reads a present wish with a filler word', () => atLeast('aku jujur ingin bunuh diri malam ini', 'high'));
});

describe('the past coming back is not the past', () => {
  it('reads an old attempt with a thought of doing it again as risk', () =>
    atLeast("I tried to end my life two years ago and I'm thinking about doing it again", 'high'));
  it('reads an old attempt told as the past as nothing', () =>
    below('I tried to end my life two years ago, these days I am doing well', 'moderate'));
});

describe('everyday objects frame their clause', () => {
  it.each([
    ['tr', 'patates soyarken parmağımı kestim'],
    ['ja', 'じゃがいもをむいてて指を切った'],
    ['de', 'beim Gemüseschneiden in den Finger geschnitten'],
    ['tr', 'alerji için iki hap aldım, daha iyiyim'],
    ['ja', '花粉症の薬を二錠飲んだら楽になった'],
    ['id', 'baterai hp mau mati, nanti dicas'],
    ['id', 'aku lapar banget mau mati'],
  ])('%s: "%s" reads below moderate', (_lang, text) => below(text, 'moderate'));

  it.each([
    ['tr', 'dün gece yine kollarımı kestim'],
    ['ja', 'また腕を切った'],
    ['id', 'aku mau mati saja'],
  ])('%s: "%s" still reads as risk', (_lang, text) => atLeast(text, 'moderate'));
});

describe('goodbyes to a group', () => {
  it.each([
    'bu gruptaki son mesajım, herkese hoşça kalın',
    'último mensaje en este grupo, adiós a todos',
    'last message in this group, bye everyone',
  ])('"%s" reads below moderate', (text) => below(text, 'moderate'));

  it('a goodbye to everyone with no bound still reads as a farewell', () => atLeast('herkese elveda, bu son mesajım', 'high'));
});

describe('Japanese letters and gifts', () => {
  it.each(['おばあちゃんに長い手紙を書いた', '古いカメラを弟にあげた'])('"%s" reads below moderate', (text) => below(text, 'moderate'));
  it('a farewell letter with tonight still reads imminent', () => atLeast('お別れの手紙を書いた、今夜', 'imminent'));
});
