/**
 * Loads policies/model.yaml (sampling, token budgets), the bot's own texts (policies/texts/)
 * and the system prompts in policies/prompts/. Validated at load: a wrong value stops
 * startup with the file, the field and what it expects.
 */
import { z } from 'zod';
import { loadBotTexts, type BotTexts } from './bot-texts.js';
import { policyError, readPolicyText, readPolicyYaml } from './policy-file.js';


const schema = z.object({
  sampling: z.object({
    temperature: z.number().gt(0, 'must be above 0 (Qwen3 must not decode greedily)').max(2),
    top_p: z.number().gt(0).max(1),
    top_k: z.number().int().min(-1).optional(),
    min_p: z.number().min(0).max(1).optional(),
    presence_penalty: z.number().min(0).max(2).optional(),
  }),
  answer_max_tokens: z.number().int().min(256).max(32_000),
  history: z.object({ max_turns: z.number().int().min(0).max(500) }),
  max_input_chars: z.number().int().min(200).max(100_000),
});

export type ModelTexts = BotTexts;

export interface ModelPolicy {
  sampling: z.infer<typeof schema>['sampling'];
  answerMaxTokens: number;
  maxHistoryTurns: number;
  maxInputChars: number;
  systemPrompt: string;
  crisisPrompt: string;
  /** The bot's own texts for a locale (policies/texts/), falling back to English. */
  texts(locale: string): ModelTexts;
  /** Locales that have their own texts. */
  textLocales(): string[];
}

export function loadModelPolicy(dir: string): ModelPolicy {
  const p = readPolicyYaml(dir, 'model.yaml', schema);
  const prompt = (name: string) => {
    const file = `prompts/${name}`;
    const text = readPolicyText(dir, file).trim();
    if (!text) throw policyError(file, '', 'the prompt is empty', 'write the prompt');
    return text;
  };
  const texts = loadBotTexts(dir);
  return {
    sampling: p.sampling,
    answerMaxTokens: p.answer_max_tokens,
    maxHistoryTurns: p.history.max_turns,
    maxInputChars: p.max_input_chars,
    systemPrompt: prompt('system.md'),
    crisisPrompt: prompt('crisis.md'),
    texts: (locale) => texts.get(locale) ?? texts.get(locale.split('-')[0]!) ?? texts.get('en')!,
    textLocales: () => [...texts.keys()].sort(),
  };
}
