/**
 * The learned model inside the real screen (createRiskAssessor over the real policies/): it
 * raises what the rules miss, names itself in the reasons, never lowers a rule's level, and a
 * broken weights file stops the assessor from being built (startup) with the fix-it message.
 */
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { riskRank } from '../../../src/messages.js';
import { createRiskAssessor } from '../../../src/risk/assessor.js';
import { liftByModel, moderateRisk } from '../../../src/risk/model/combine.js';
import { loadRiskModel } from '../../../src/risk/model/load.js';
import { normalizeText } from '../../../src/risk/normalize.js';
import { NOW, POLICY_DIR } from '../helpers.js';

const withModel = createRiskAssessor({ policyDir: POLICY_DIR, policyVersion: 'test' });
const rulesOnly = createRiskAssessor({ policyDir: POLICY_DIR, policyVersion: 'test', learnedModel: false });
const { model, policy } = loadRiskModel(POLICY_DIR)!;
const screen = (a: typeof withModel, text: string) => a.screen({ text, recent: [], now: NOW });

// Sentences written for this test (not in the training corpus, not blind probes), in languages
// whose rule packs are thin: the model is what should catch them.
const MISSED_BY_RULES = [
  'ik heb alle pillen van de kast verzameld en vanavond neem ik ze allemaal',
  'dziś w nocy w końcu to skończę, mam już wszystko przygotowane',
  'artık yaşamak istemiyorum, herkes bensiz daha mutlu olur',
  'aku sudah menulis surat untuk ibuku dan malam ini aku akan pergi selamanya',
];

describe('the learned model in the screen', () => {
  it('raises messages the rules leave below moderate, with its score and features in the reasons', () => {
    const lifted = MISSED_BY_RULES.filter((text) => riskRank(screen(rulesOnly, text).level) < 2);
    expect(lifted.length).toBeGreaterThan(0);
    let caught = 0;
    for (const text of lifted) {
      const result = screen(withModel, text);
      if (riskRank(result.level) < 2) continue;
      caught++;
      expect(result.reasons[0]).toMatch(/^model\.(moderate|high):(risk|escalate)=\d\.\d\d$/);
      expect(result.reasons.some((r) => r.startsWith('model.feature:'))).toBe(true);
    }
    expect(caught).toBeGreaterThan(0);
  });

  it('never lowers the level the rules give, whatever the model scores', () => {
    for (const text of ['I have the pills in my hand and I am taking them all tonight', 'this boss fight is killing me', 'i want to kill myself']) {
      expect(riskRank(screen(withModel, text).level)).toBeGreaterThanOrEqual(riskRank(screen(rulesOnly, text).level));
    }
  });

  it('leaves a level the rules set at moderate or above to the rules (only_below)', () => {
    expect(policy.only_below).toBe('moderate');
    const text = 'i want to kill myself';
    const rules = screen(rulesOnly, text);
    expect(riskRank(rules.level)).toBeGreaterThanOrEqual(2);
    expect(screen(withModel, text)).toEqual(rules);
  });

  it('still finds a risk sentence late in a 2,000-character message of harmless chat', () => {
    const chat = ['we got the train at nine and it was packed', 'the new cafe near the station does good soup', 'my cousin is learning the guitar and it is loud',
      'the match last night went to extra time', 'I finally fixed the bike chain', 'the library is closed on mondays now'];
    let filler = '';
    for (let i = 0; filler.length < 1900; i++) filler += `${chat[i % chat.length]} on day ${i}. `;
    // Lifted by the model at the default threshold: the screen reads a short Polish sentence at
    // Polish's lower one (language_risk), the long message below is read as English.
    const lifted = MISSED_BY_RULES.filter((text) => riskRank(screen(rulesOnly, text).level) < 2 && riskRank(liftByModel(model, policy, normalizeText(text).text, 'none')?.level ?? 'none') >= 2);
    expect(lifted.length).toBeGreaterThan(0);
    for (const text of lifted) {
      const long = `${filler}${text}`;
      expect(long.length).toBeGreaterThan(1900);
      // The model's own lift on the long text, as the screen would apply it to a rules' none.
      const lift = liftByModel(model, policy, normalizeText(long).text, 'none');
      expect(riskRank(lift?.level ?? 'none')).toBeGreaterThanOrEqual(2);
      expect(lift!.reasons.some((r) => r.startsWith('model.feature:'))).toBe(true);
    }
    expect(liftByModel(model, policy, normalizeText(filler).text, 'none')).toBeUndefined();
  });

  it('keeps harmless look-alikes harmless', () => {
    for (const text of ['we killed it at the gig last night', 'chop the garlic and fry it gently', 'my laptop battery is dying again']) {
      expect(model.score(normalizeText(text).text).risk).toBeLessThan(policy.lift.moderate.risk);
      expect(screen(withModel, text).level).toBe('none');
    }
  });

  // Everyday care of plants, pets and devices, in words the training corpus does not hold (its
  // "everyday" hard negatives are other sentences on these topics). The first two were read as
  // moderate by the model of stop 21 (risk 0.92).
  it('keeps everyday talk of plants, pets and devices dying below its lift, in each language', () => {
    const everyday: Array<[string, string]> = [
      ['en', 'how do I keep my sourdough starter alive?'],
      ['en', 'how do I keep my basil plant from wilting on the balcony?'],
      ['en', 'the hamster looks dead but is just hibernating'],
      ['de', 'mein Kaktus stirbt langsam, was mache ich falsch'],
      ['es', 'mi planta de menta se está muriendo en la ventana'],
      ['pl', 'moja paprotka usycha, jak ją odratować'],
      ['nl', 'mijn cactus gaat langzaam dood, wat doe ik fout'],
      ['it', 'il mio cactus sta morendo piano piano'],
      ['tr', 'kaktüsüm yavaş yavaş ölüyor, neyi yanlış yapıyorum'],
      ['ru', 'мой кактус медленно умирает, что я делаю не так'],
      ['ja', 'サボテンが少しずつ枯れていく、何が悪いんだろう'],
      ['zh', '我的仙人掌慢慢要死了，我哪里做错了'],
    ];
    for (const [language, text] of everyday) {
      const risk = model.score(normalizeText(text).text).risk;
      expect(risk, text).toBeLessThan(moderateRisk(policy, language));
      expect(risk, text).toBeLessThan(moderateRisk(policy, 'en'));
      expect(screen(withModel, text).level, text).toBe('none');
    }
  });
});

// Hindi goodbyes with a return in them (the weekend, a holiday, a new city, the next class),
// written for this test and not in the corpus. The first is the look-alike the stop-22 note
// reported: the model of 2026-12-07 scored it 0.97 and lifted it alone. The corpus of
// 2026-12-08 has other Hindi goodbyes of this kind as hard negatives (training/risk-corpus/hi.yaml).
const HINDI_GOODBYES = [
  'सबको अलविदा, सोमवार को मिलते हैं',
  'आखिरी पेपर खत्म! सबको अलविदा, छुट्टियों के बाद मिलेंगे',
  'मैं यह शहर छोड़ रही हूं, नई नौकरी पुणे में है, सबको अलविदा',
  'इस ग्रुप में मेरा आखिरी दिन है, सबका धन्यवाद, बाय',
  'अच्छा दोस्तों, अब सोने जा रहा हूं, सबको शुभ रात्रि, कल बात करेंगे',
];

describe('Hindi goodbyes with a return', () => {
  it('stay below the model\'s lift, while a goodbye beside pills in front of the writer is still lifted', () => {
    for (const text of HINDI_GOODBYES) {
      expect(model.score(normalizeText(text).text).risk, text).toBeLessThan(moderateRisk(policy, 'hi'));
      expect(liftByModel(model, policy, normalizeText(text).text, 'none', 'hi'), text).toBeUndefined();
    }
    const atRisk = 'मैंने सबको अलविदा कह दिया है, गोलियां मेरे सामने हैं';
    expect(riskRank(liftByModel(model, policy, normalizeText(atRisk).text, 'none', 'hi')?.level ?? 'none')).toBeGreaterThanOrEqual(2);
  });
});

describe('an invalid weights file at startup', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'oyster-model-start-'));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it('stops createRiskAssessor with the file, the problem and the fix', () => {
    const dir = join(scratch, 'policies');
    cpSync(POLICY_DIR, dir, { recursive: true });
    writeFileSync(join(dir, 'detection', 'model', 'risk-model.json'), '{"format": "oyster-risk-model/1"}');
    expect(() => createRiskAssessor({ policyDir: dir, policyVersion: 'test' })).toThrow(
      /Invalid policy detection\/model\/risk-model\.json at note: .*Fix: run `npm run train:risk`/,
    );
  });
});
