/** Shared set-up for the risk tests: the real policies folder and a real assessor over it. */
import { fileURLToPath } from 'node:url';
import type { RiskLevel, Turn } from '../../src/messages.js';
import { createRiskAssessor } from '../../src/risk/assessor.js';

export const POLICY_DIR = fileURLToPath(new URL('../../policies', import.meta.url));
export const FIXTURES = fileURLToPath(new URL('../fixtures/policies', import.meta.url));

export const assessor = createRiskAssessor({ policyDir: POLICY_DIR, policyVersion: 'test' });

export const NOW = new Date('2025-03-14T12:00:00Z');
const MINUTE = 60_000;

/** Screens one message on its own. */
export function screen(text: string) {
  return assessor.screen({ text, recent: [], now: NOW });
}

/** Screens the last of several user turns, each a minute after the previous one. */
export function screenConversation(turns: string[]) {
  const recent: Turn[] = turns.slice(0, -1).map((text, i) => ({
    role: 'user',
    text,
    at: new Date(NOW.getTime() - (turns.length - 1 - i) * MINUTE),
  }));
  return assessor.screen({ text: turns[turns.length - 1]!, recent, now: NOW });
}

export function levelOf(text: string): RiskLevel {
  return screen(text).level;
}
