/**
 * Slash commands and button ids. Pure: definitions in the shape of PUT
 * /applications/{id}/commands built from the core's command catalogue, and the mapping from
 * what Discord sends back to the core's command names and arguments.
 */
import type { RESTPutAPIApplicationCommandsJSONBody } from 'discord.js';
import { COMMANDS, findCommand, type CommandArg, type CommandSpec } from '../../src/command-catalogue.js';

// discord-api-types enum values, written out so this file stays free of runtime SDK imports.
const CHAT_INPUT = 1;
const SUB_COMMAND = 1;
const STRING = 3;
const INTEGER = 4;
const BOOLEAN = 5;

/** A catalogued argument as a Discord option (PUT /applications/{id}/commands). */
function option(arg: CommandArg): Record<string, unknown> {
  const base = { name: arg.name, description: arg.help, ...(arg.required ? { required: true } : {}) };
  if (arg.kind === 'flag') return { type: BOOLEAN, ...base };
  if (arg.kind === 'integer') return { type: INTEGER, ...base, min_value: 1 };
  return {
    type: STRING, ...base,
    ...(arg.choices ? { choices: arg.choices.map((c) => ({ name: c.replaceAll('_', ' '), value: c })) } : {}),
    ...(arg.minLength !== undefined ? { min_length: arg.minLength } : {}),
    ...(arg.maxLength !== undefined ? { max_length: arg.maxLength } : {}),
  };
}

/** A command whose own arguments are empty takes its subcommands as Discord subcommands (`/case ack id`). */
function takesSubcommands(spec: CommandSpec): boolean {
  return spec.args.length === 0 && (spec.subcommands?.length ?? 0) > 0;
}

/**
 * The commands registered when the client is ready, built from the core's catalogue
 * (src/command-catalogue.ts). Descriptions are ≤ 100 characters (Discord's limit, tested).
 */
export const SLASH_COMMANDS = COMMANDS.filter((c) => c.menu).map((c) => {
  const options = takesSubcommands(c)
    ? c.subcommands!.filter((s) => s.menu).map((s) => ({
      type: SUB_COMMAND, name: s.name, description: s.help, ...(s.args.length > 0 ? { options: s.args.map(option) } : {}),
    }))
    : c.args.map(option);
  return { type: CHAT_INPUT, name: c.name, description: c.help, ...(options.length > 0 ? { options } : {}) };
}) as RESTPutAPIApplicationCommandsJSONBody;

/** A chat-input interaction reduced to what the mapping needs. */
export interface SlashInput {
  commandName: string;
  subcommand: string | null;
  options: Record<string, string | number | boolean | undefined>;
}

/** Slash command → core command name and args (from the catalogue), or undefined for a command we never registered. */
export function commandFromSlash(input: SlashInput): { name: string; args: string[] } | undefined {
  const spec = findCommand(input.commandName);
  if (spec === undefined || !spec.menu || spec.name !== input.commandName) return undefined;
  const o = input.options;
  const argsOf = (args: readonly CommandArg[]) => args.flatMap((a) => {
    const value = o[a.name];
    if (a.kind === 'flag') return value === true ? [a.name] : [];
    return value === undefined ? [] : [String(value).trim()];
  });
  if (!takesSubcommands(spec)) return { name: spec.name, args: argsOf(spec.args) };
  const sub = spec.subcommands!.find((s) => s.menu && s.name === input.subcommand);
  if (sub === undefined || sub.args.some((a) => a.required && o[a.name] === undefined)) return undefined;
  return { name: spec.name, args: [sub.name, ...argsOf(sub.args)] };
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
