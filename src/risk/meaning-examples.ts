/**
 * The concept lexicons' own examples, run when the policy loads (and by the tests): every
 * `match` example must fire its grammar rule in its language, every `no_match` example must
 * fire no grammar rule at moderate or above in its language. A lexicon edit that breaks one
 * stops startup with the file and the example named.
 */
import { riskRank } from '../messages.js';
import { normalizeText } from './normalize.js';
import { readMeaning, type MeaningPolicy } from './meaning.js';

export function checkMeaningExamples(policy: MeaningPolicy, ruleIds: Set<string>, show: (language: string) => string): string[] {
  const out: string[] = [];
  for (const file of policy.files) {
    const where = show(file.language);
    for (const [i, example] of file.examples.match.entries()) {
      if (!ruleIds.has(example.rule)) {
        out.push(`${where}: examples.match.${i}: rule "${example.rule}" is not in grammar.yaml. Fix the rule name.`);
        continue;
      }
      const reading = readMeaning(policy, normalizeText(example.text).text);
      const want = `${file.language}.${example.rule}`;
      // An example about someone else fires the rule about them ("...:other").
      if (!reading.grammar.hits.some((h) => h.id === want || h.id === `${want}:other`)) {
        const got = reading.grammar.hits.map((h) => h.id).join(', ') || 'nothing';
        out.push(`${where}: examples.match.${i} ${JSON.stringify(example.text)} does not fire ${example.rule} (fires ${got}). Fix the lexicon or the example.`);
      }
    }
    for (const [i, text] of file.examples.no_match.entries()) {
      const reading = readMeaning(policy, normalizeText(text).text);
      const wrong = reading.grammar.hits.filter((h) => h.language === file.language && riskRank(h.level) >= riskRank('moderate'));
      if (wrong.length > 0) {
        out.push(`${where}: examples.no_match.${i} ${JSON.stringify(text)} fires ${wrong.map((h) => h.id).join(', ')}. Fix: add a frame or narrow the lexicon.`);
      }
    }
  }
  return out;
}
