/**
 * Slash commands and button ids. Pure: definitions in the shape of PUT
 * /applications/{id}/commands, and the mapping from what Discord sends back to the core's
 * command names and arguments (help, forget, country, export, case …).
 */
import type { RESTPutAPIApplicationCommandsJSONBody } from 'discord.js';
import { CASE_OUTCOMES } from '../../src/store/case-store.js';

// discord-api-types enum values, written out so this file stays free of runtime SDK imports.
const CHAT_INPUT = 1;
const SUB_COMMAND = 1;
const STRING = 3;
const INTEGER = 4;
const BOOLEAN = 5;

const caseId = { type: INTEGER, name: 'id', description: 'Case number from the alert', required: true, min_value: 1 } as const;

/** The commands registered when the client is ready. Descriptions are ≤ 100 characters (Discord's limit). */
export const SLASH_COMMANDS: RESTPutAPIApplicationCommandsJSONBody = [
  { type: CHAT_INPUT, name: 'help', description: 'What Oyster can do, and where to find help right now' },
  {
    type: CHAT_INPUT,
    name: 'forget',
    description: 'Delete what Oyster remembers about you',
    options: [{ type: BOOLEAN, name: 'confirm', description: 'True deletes now; leave it out to see what would be deleted' }],
  },
  {
    type: CHAT_INPUT,
    name: 'country',
    description: 'Show or set your country, so crisis resources fit where you are',
    options: [
      { type: STRING, name: 'code', description: 'Two-letter country code, such as US, GB or DE', min_length: 2, max_length: 2 },
    ],
  },
  { type: CHAT_INPUT, name: 'export', description: 'Get a private copy of what Oyster stores about you' },
  {
    type: CHAT_INPUT,
    name: 'case',
    description: 'Moderators: act on a crisis case',
    options: [
      { type: SUB_COMMAND, name: 'list', description: 'Open cases' },
      { type: SUB_COMMAND, name: 'ack', description: 'Acknowledge a case: you are looking after it', options: [caseId] },
      {
        type: SUB_COMMAND,
        name: 'resolve',
        description: 'Close a case with an outcome',
        options: [
          caseId,
          {
            type: STRING,
            name: 'outcome',
            description: 'How it ended',
            choices: CASE_OUTCOMES.map((o) => ({ name: o.replaceAll('_', ' '), value: o })),
          },
        ],
      },
      {
        type: SUB_COMMAND,
        name: 'note',
        description: 'Add a note to a case (moderators only see it)',
        options: [caseId, { type: STRING, name: 'text', description: 'The note', required: true, max_length: 1000 }],
      },
      { type: SUB_COMMAND, name: 'pause', description: "Pause the bot's replies to this person while you talk", options: [caseId] },
      { type: SUB_COMMAND, name: 'resume', description: "Let the bot reply to this person again", options: [caseId] },
    ],
  },
];

/** A chat-input interaction reduced to what the mapping needs. */
export interface SlashInput {
  commandName: string;
  subcommand: string | null;
  options: Record<string, string | number | boolean | undefined>;
}

/** Slash command → core command name and args, or undefined for a command we never registered. */
export function commandFromSlash(input: SlashInput): { name: string; args: string[] } | undefined {
  const o = input.options;
  switch (input.commandName) {
    case 'help':
    case 'export':
      return { name: input.commandName, args: [] };
    case 'forget':
      return { name: 'forget', args: o.confirm === true ? ['confirm'] : [] };
    case 'country':
      return { name: 'country', args: typeof o.code === 'string' ? [o.code.trim().toUpperCase()] : [] };
    case 'case': {
      const sub = input.subcommand;
      if (sub === 'list') return { name: 'case', args: ['list'] };
      if (sub === null || o.id === undefined) return undefined;
      const args = [sub, String(o.id)];
      if (sub === 'resolve' && typeof o.outcome === 'string') args.push(o.outcome);
      if (sub === 'note' && typeof o.text === 'string') args.push(o.text);
      return ['ack', 'resolve', 'note', 'pause', 'resume'].includes(sub) ? { name: 'case', args } : undefined;
    }
    default:
      return undefined;
  }
}

/** Button custom ids (≤ 100 characters): `case:ack:<id>`, `case:resolve:<id>`, `forget:confirm`. */
export const CustomIds = {
  ack: (id: number) => `case:ack:${id}`,
  resolve: (id: number) => `case:resolve:${id}`,
  forgetConfirm: 'forget:confirm',
} as const;

/** Button custom id → core command, or undefined for an id this bot did not make. */
export function commandFromCustomId(customId: string): { name: string; args: string[] } | undefined {
  const alert = /^case:(ack|resolve):(\d{1,15})$/.exec(customId);
  if (alert) return { name: 'case', args: [alert[1]!, alert[2]!] };
  if (customId === CustomIds.forgetConfirm) return { name: 'forget', args: ['confirm'] };
  return undefined;
}
