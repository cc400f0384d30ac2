/**
 * The names of every environment variable oyster-bot reads, so that a misspelled one is
 * named at start instead of being ignored. `TELEGRAM_TOKEN` for `TELEGRAM_BOT_TOKEN` used to
 * start the console chat without a word; now start prints "did you mean TELEGRAM_BOT_TOKEN?".
 *
 * Only variables with one of our prefixes are checked: the environment is full of other
 * programs' settings. test/foundation/config-names.test.ts reads the config files and
 * .env.example, and fails when a variable is read there but missing here.
 */
import { CORE_VARIABLES } from './config.js';

/** Prefixes that belong to oyster-bot; an unknown variable with one of them is probably a typo. */
export const OWN_PREFIXES = ['OYSTER_', 'TELEGRAM_', 'SLACK_', 'DISCORD_', 'MODERATOR_', 'CRISIS_', 'RISK_', 'DASHBOARD_'] as const;

export const KNOWN_VARIABLES: readonly string[] = [
  // src/config.ts, read from its schema so a new core variable is known at once
  ...CORE_VARIABLES,
  // adapters/telegram/config.ts
  'TELEGRAM_BOT_TOKEN', 'TELEGRAM_API_ROOT', 'TELEGRAM_WEBHOOK_URL', 'TELEGRAM_WEBHOOK_PORT', 'TELEGRAM_WEBHOOK_HOST',
  'TELEGRAM_WEBHOOK_SECRET', 'TELEGRAM_MODERATOR_CHAT_ID', 'TELEGRAM_MODERATOR_THREAD_ID',
  // adapters/slack/config.ts
  'SLACK_BOT_TOKEN', 'SLACK_SIGNING_SECRET', 'SLACK_PORT', 'SLACK_HOST', 'SLACK_APP_TOKEN', 'SLACK_MODERATOR_CHANNEL',
  'SLACK_COMMAND', 'SLACK_API_URL',
  // adapters/discord/config.ts
  'DISCORD_BOT_TOKEN', 'DISCORD_CHANNEL_IDS', 'DISCORD_MODERATOR_CHANNEL_ID', 'DISCORD_COMMAND_GUILD_IDS', 'DISCORD_API_URL',
  'DISCORD_SHARD_COUNT', 'DISCORD_SHARD_IDS',
  // src/dashboard/config.ts
  'DASHBOARD_PORT', 'DASHBOARD_HOST', 'DASHBOARD_PUBLIC_URL', 'DASHBOARD_SESSION_IDLE_MINUTES',
];

/** Edit distance (insertions, deletions, substitutions), for "did you mean". */
function distance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length]!;
}

/** Whether the words of `short` appear, in order, among the words of `long` (a dropped word). */
function wordsWithin(short: string, long: string): boolean {
  const have = long.split('_');
  let i = 0;
  for (const word of short.split('_')) {
    while (i < have.length && have[i] !== word) i++;
    if (i === have.length) return false;
    i++;
  }
  return short.split('_')[0] === have[0];
}

/** The closest known name, when it is close enough to be the intended one. */
export function closestVariable(name: string, known: readonly string[] = KNOWN_VARIABLES): string | undefined {
  let best: { name: string; d: number } | undefined;
  for (const candidate of known) {
    // A dropped or added word (CRISIS_COUNTRY, TELEGRAM_TOKEN) counts as close whatever its length.
    const d = wordsWithin(name, candidate) || wordsWithin(candidate, name) ? 1 : distance(name, candidate);
    if (!best || d < best.d) best = { name: candidate, d };
  }
  // Typos are a few letters; an unrelated name is further away than that.
  return best && best.d <= Math.max(3, Math.ceil(name.length * 0.2)) ? best.name : undefined;
}

/** One sentence per set variable that has our prefix but is not one we read. */
export function unknownVariableWarnings(env: Record<string, string | undefined>): string[] {
  const known = new Set(KNOWN_VARIABLES);
  const out: string[] = [];
  for (const name of Object.keys(env).sort()) {
    if (known.has(name) || !OWN_PREFIXES.some((p) => name.startsWith(p))) continue;
    const guess = closestVariable(name);
    out.push(guess
      ? `${name} is not a variable oyster-bot reads; did you mean ${guess}?`
      : `${name} is not a variable oyster-bot reads (see .env.example for the list)`);
  }
  return out;
}
