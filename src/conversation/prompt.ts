/**
 * Assembles the prompt for one answer: the system prompt, as many of the user's own earlier
 * turns as fit, and the new message. Prompt plus answer must fit the model's window
 * (32,768 tokens for Oyster-1, OYSTER.md), so the oldest turns are dropped first and the
 * number dropped is reported.
 */
import type { ChatTurn } from '../ports.js';
import { GENERATION_PROMPT_TOKENS, type TokenCounter } from '../llm/tokens.js';
import type { StoredTurn } from '../store/store.js';

export interface PromptRequest {
  system: string;
  /** The user's earlier turns in this conversation, oldest first, with stored token counts. */
  history: StoredTurn[];
  userText: string;
  userTokens: number;
  contextTokens: number;
  answerTokens: number;
}

export interface Prompt {
  messages: ChatTurn[];
  promptTokens: number;
  trimmedTurns: number;
}

export function buildPrompt(request: PromptRequest, counter: TokenCounter): Prompt {
  const systemTokens = counter.countMessage('system', request.system);
  let room = request.contextTokens - request.answerTokens - GENERATION_PROMPT_TOKENS - systemTokens - request.userTokens;
  const kept: StoredTurn[] = [];
  for (let i = request.history.length - 1; i >= 0 && room > 0; i--) {
    const turn = request.history[i]!;
    if (turn.tokens > room) break;
    room -= turn.tokens;
    kept.unshift(turn);
  }
  // A history must not start with an orphaned assistant turn.
  while (kept[0]?.role === 'assistant') {
    room += kept[0].tokens;
    kept.shift();
  }
  const messages: ChatTurn[] = [
    { role: 'system', content: request.system },
    ...kept.map((t) => ({ role: t.role, content: t.text })),
    { role: 'user', content: request.userText },
  ];
  const used = kept.reduce((s, t) => s + t.tokens, 0);
  return {
    messages,
    promptTokens: systemTokens + used + request.userTokens + GENERATION_PROMPT_TOKENS,
    trimmedTurns: request.history.length - kept.length,
  };
}
