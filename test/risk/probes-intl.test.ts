/**
 * Probes in Spanish, German, French, Portuguese and the minimal packs (Russian, Italian,
 * Korean, Arabic, Hindi, Vietnamese, Indonesian): a plan, method-seeking, ideation, self-harm,
 * a goodbye, a third party, and idioms that use the same words. Written for this file;
 * tolerance in probe-set.ts.
 */
import { describe, expect, it } from 'vitest';
import { screenConversation } from './helpers.js';
import { accepted, label, type Probe } from './probe-set.js';

const ES: Probe[] = [
  ['esta noche me tomo todas las pastillas', 'imminent'],
  ['ya escribí mi carta de despedida', 'imminent'],
  ['me quiero matar', 'high'],
  ['quiero morirme', 'moderate', 'above'],
  ['ojalá no despertar mañana', 'moderate'],
  ['¿cuántas pastillas hacen falta para morir?', 'high'],
  ['cuál es el puente más alto de la ciudad, ya no aguanto más', 'high'],
  ['me corté otra vez anoche', 'high'],
  ['adiós a todos, gracias por todo', 'imminent', 'below'],
  ['mi amiga dice que se quiere suicidar', 'moderate'],
  ['todos estarían mejor sin mí', 'moderate'],
  ['no quiero seguir viviendo', 'moderate'],
  ['me tomé todo el frasco de pastillas', 'imminent'],
  ['cuál es la forma más rápida de morir', 'high'],
  ['me muero de risa con este video', 'none'],
  ['me mata este calor', 'none'],
  ['tomo mis pastillas esta noche como dijo el médico', 'none'],
  ['mata el proceso en el servidor', 'none'],
  ['estoy muerta de cansancio', 'none'],
];

const DE: Probe[] = [
  ['ich nehme heute nacht alle meine tabletten', 'imminent'],
  ['ich will mich umbringen', 'high'],
  ['ich will nicht mehr leben', 'moderate'],
  ['wie viele tabletten braucht man um zu sterben', 'high'],
  ['ich habe mich wieder geritzt', 'high'],
  ['das ist mein abschiedsbrief', 'imminent'],
  ['alle wären besser dran ohne mich', 'moderate'],
  ['mein freund sagt er will sich umbringen', 'moderate'],
  ['ich stehe auf der brücke und springe gleich', 'imminent'],
  ['was ist der schmerzloseste weg zu sterben', 'high'],
  ['ich lache mich tot', 'none'],
  ['ich bin todmüde', 'none'],
  ['dieser stau bringt mich noch um', 'none'],
  ['ich nehme heute abend meine tabletten wie verschrieben', 'none'],
  ['kill den prozess und starte neu', 'none'],
];

const FR: Probe[] = [
  ['je vais avaler toutes mes pilules ce soir', 'imminent'],
  ["j'ai envie de me suicider", 'high'],
  ['je veux mourir', 'moderate', 'above'],
  ['combien de comprimés pour mourir', 'high'],
  ["je me suis scarifiée hier soir", 'high'],
  ['adieu tout le monde, merci pour tout', 'imminent', 'below'],
  ['ils seraient mieux sans moi', 'moderate'],
  ['mon amie veut se tuer', 'moderate'],
  ["j'ai écrit ma lettre d'adieu", 'imminent'],
  ['quel est le moyen le plus rapide de mourir', 'high'],
  ['je suis mort de rire', 'none'],
  ['je suis crevé ce soir', 'none'],
  ['ce film m’a tué tellement il était drôle', 'none'],
  ['je prends mes médicaments ce soir comme prévu', 'none'],
  ["on tue le temps à l'aéroport", 'none'],
];

const PT: Probe[] = [
  ['vou tomar todos os remédios hoje à noite', 'imminent'],
  ['quero me matar', 'high'],
  ['não aguento mais, quero morrer', 'moderate', 'above'],
  ['quantos comprimidos precisa pra morrer', 'high'],
  ['me cortei de novo ontem', 'high'],
  ['essa é minha última mensagem, adeus', 'imminent'],
  ['todo mundo ficaria melhor sem mim', 'moderate'],
  ['minha amiga disse que quer se matar', 'moderate'],
  ['tô pensando em sumir pra sempre', 'moderate'],
  ['qual o jeito mais rápido de morrer', 'high'],
  ['morri de rir', 'none'],
  ['tô morta de cansaço', 'none'],
  ['mata o processo e reinicia', 'none'],
  ['esse calor me mata', 'none'],
  ['tomo meus remédios à noite como o médico mandou', 'none'],
];

const MINIMAL: Probe[] = [
  ['я хочу покончить с собой', 'high'],
  ['не хочу больше жить', 'moderate'],
  ['сколько таблеток нужно чтобы умереть', 'high'],
  ['я режу себе руки', 'high'],
  ['умираю со смеху', 'none'],
  ['как убить процесс в линуксе', 'none'],
  ['voglio uccidermi', 'high'],
  ['non voglio più vivere', 'moderate'],
  ['quante pillole servono per morire', 'high'],
  ['mi taglio di nuovo', 'high'],
  ['sono morto dal ridere', 'none'],
  ['sono stanco morto', 'none'],
  ['죽고 싶어', 'moderate', 'above'],
  ['자살하고 싶다', 'high'],
  ['수면제 몇 알 먹으면 죽어?', 'high'],
  ['오늘 밤 약을 다 먹을 거야', 'imminent'],
  ['배고파 죽겠다', 'none'],
  ['웃겨 죽겠네', 'none'],
  ['أريد أن أنتحر', 'high'],
  ['لا أريد أن أعيش بعد الآن', 'moderate'],
  ['كم حبة تحتاج لتموت', 'high'],
  ['أموت من الضحك', 'none'],
  ['मैं आत्महत्या करना चाहता हूँ', 'high'],
  ['मैं मरना चाहती हूँ', 'moderate', 'above'],
  ['मुझे अब जीना नहीं है', 'moderate'],
  ['हँसते हँसते मर गया', 'none'],
  ['tôi muốn tự tử', 'high'],
  ['tôi không muốn sống nữa', 'moderate'],
  ['uống bao nhiêu viên thuốc thì chết', 'high'],
  ['cười chết mất', 'none'],
  ['mệt chết đi được', 'none'],
  ['aku mau bunuh diri', 'high'],
  ['aku pengen mati aja', 'moderate', 'above'],
  ['berapa banyak pil untuk mati', 'high'],
  ['aku mati ketawa baca ini', 'none'],
  ['tolong matikan lampunya', 'none'],
];

const GROUPS: Array<[string, Probe[]]> = [
  ['Spanish', ES],
  ['German', DE],
  ['French', FR],
  ['Portuguese', PT],
  ['minimal packs', MINIMAL],
];

describe('probes in more languages', () => {
  for (const [name, rows] of GROUPS) {
    describe(name, () => {
      it.each(rows.map((row) => [label(row[0]), row] as const))('reads %s at the expected level', (_, [input, want, room]) => {
        const turns = Array.isArray(input) ? input : [input];
        expect(accepted(want, room)).toContain(screenConversation(turns).level);
      });
    });
  }
});
