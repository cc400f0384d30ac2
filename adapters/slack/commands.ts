/**
 * Pure mapping of the /oyster slash command and the alert buttons to the core's command names
 * (ADAPTER-COMMON: start, help, forget [confirm], export, country [CC], case <verb> <id> …).
 * Slack delivers one command (/oyster) with the rest of the line in `text`, so the first word
 * is the subcommand.
 */
import { COMMANDS } from '../../src/command-catalogue.js';
import { ACTION_ACK, ACTION_RESOLVE } from './moderator.js';

export interface ParsedCommand {
  name: string;
  args: string[];
}

/** The first word of `/oyster <command>`: every command in the core's catalogue. */
const KNOWN = new Set(COMMANDS.map((c) => c.name));

/**
 * "/oyster country de" → { name: 'country', args: ['de'] }. Empty or unknown subcommands
 * become `help`, so a typo shows the command list instead of an error.
 */
export function parseSlashText(text: string): ParsedCommand {
  const words = text.trim().split(/\s+/).filter(Boolean);
  const first = words[0]?.toLowerCase();
  if (first === undefined || !KNOWN.has(first)) return { name: 'help', args: [] };
  if (first === 'case') {
    // A note keeps its text as one argument after the id: case note 12 called twice, no answer.
    const [verb, id, ...rest] = words.slice(1);
    const args = [verb?.toLowerCase(), id].filter((w): w is string => w !== undefined);
    if (rest.length > 0) args.push(verb?.toLowerCase() === 'note' ? rest.join(' ') : rest[0]!);
    return { name: 'case', args };
  }
  return { name: first, args: words.slice(1) };
}

/** An alert button press → `case ack <id>` / `case resolve <id>`, or undefined for other actions. */
export function parseCaseAction(actionId: string, value: string | undefined): ParsedCommand | undefined {
  if (value === undefined || !/^\d+$/.test(value)) return undefined;
  if (actionId === ACTION_ACK) return { name: 'case', args: ['ack', value] };
  if (actionId === ACTION_RESOLVE) return { name: 'case', args: ['resolve', value] };
  return undefined;
}
