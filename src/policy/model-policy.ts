/**
 * Loads policies/model.yaml (sampling, token budgets), the bot's own texts (policies/texts/)
 * and the system prompts in policies/prompts/. Validated at load: a wrong value stops
 * startup with the file, the field and what it expects.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';
import { BotError } from '../errors.js';
import { loadBotTexts, type BotTexts } from './bot-texts.js';


const schema = z.object({
  sampling: z.object({
    temperature: z.number().gt(0, 'above 0 (Qwen3 must not decode greedily)').max(2),
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
  const file = join(dir, 'model.yaml');
  let raw: unknown;
  try {
    raw = parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new BotError(`${file}: cannot read or parse YAML: ${(error as Error).message}`, 'POLICY_INVALID', { cause: error });
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new BotError(`${file}: ${issue.path.join('.') || '(root)'}: expected ${issue.message}; fix the value and restart`, 'POLICY_INVALID');
  }
  const prompt = (name: string) => {
    const path = join(dir, 'prompts', name);
    let text: string;
    try {
      text = readFileSync(path, 'utf8').trim();
    } catch {
      throw new BotError(`${path} is missing: restore the prompt file`, 'POLICY_INVALID');
    }
    if (!text) throw new BotError(`${path} is empty: write the prompt`, 'POLICY_INVALID');
    return text;
  };
  const p = parsed.data;
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
