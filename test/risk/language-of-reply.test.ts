import { describe, expect, it } from 'vitest';
import { createRiskAssessor } from '../../src/risk/assessor.js';
import { analyzeMessage } from '../../src/risk/screen.js';

const policy = createRiskAssessor({ policyDir: 'policies', learnedModel: false }).policy;
const languageOf = (text: string) => analyzeMessage(policy.packs, text, policy.meaning).language;

describe('the language a message is read in', () => {
  it('stays English when an English word is a means word in another pack once accents are stripped', () => {
    // "day" reads as Vietnamese "dây" (rope) without its accents: a none-level hit, not a language.
    expect(languageOf('what is a good book for a rainy day?')).toBe('en');
  });

  it('still follows a risk finding in another language', () => {
    expect(languageOf('quiero morirme, ya no aguanto más')).toBe('es');
  });
});
