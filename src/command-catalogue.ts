/**
 * Every command the bot understands, in one place: its arguments, who may use it, and the help
 * text the platform menus show. The core's command handler (src/commands.ts) accepts only these
 * names; Discord's slash commands, Telegram's command menus, Slack's `/oyster <command>` words
 * and the console's moderator help are all built from this list, so a new command cannot be
 * handled on one platform and missing from another's menu (/language was, before this list).
 *
 * The help texts here are English, as the platform menus are registered once for everyone. The
 * /help reply a person reads is in their language (policies/texts/<locale>.yaml `help`); a test
 * checks that every locale's help names every user command listed here.
 */
import { CASE_OUTCOMES } from './store/case-store.js';

export type CommandAudience = 'everyone' | 'moderators';

export interface CommandArg {
  name: string;
  /** What the argument is, for menus (≤ 100 characters: Discord's limit). */
  help: string;
  /** flag: present or not (`confirm`); integer: a case number; text: a word or the rest of the line. */
  kind: 'flag' | 'integer' | 'text';
  required?: boolean;
  /** Permitted values, for menus that offer a choice. */
  choices?: readonly string[];
  minLength?: number;
  maxLength?: number;
}

export interface CommandSpec {
  name: string;
  audience: CommandAudience;
  /** One line for menus and help (≤ 100 characters: Discord's limit). */
  help: string;
  args: readonly CommandArg[];
  /**
   * Subcommands (`case ack 12`): the first argument names one. A command with arguments of its
   * own keeps them; its subcommands are then forms for moderators (`country community DE`).
   */
  subcommands?: readonly CommandSpec[];
  /** Said by Telegram's /start, not offered in menus that have no use for it. */
  menu: boolean;
}


const caseId: CommandArg = { name: 'id', help: 'Case number from the alert', kind: 'integer', required: true };

export const COMMANDS: readonly CommandSpec[] = [
  { name: 'start', audience: 'everyone', help: 'Start talking with me', args: [], menu: false },
  { name: 'help', audience: 'everyone', help: 'What I can do, how I handle your data, and where to find help now', args: [], menu: true },
  {
    name: 'forget', audience: 'everyone', help: 'Delete what I have stored about you', menu: true,
    args: [{ name: 'confirm', help: 'Delete now; leave it out to see what would be deleted', kind: 'flag' }],
  },
  {
    name: 'country', audience: 'everyone', help: 'Show or set your country, so crisis lines fit where you are', menu: true,
    args: [{ name: 'code', help: 'Two-letter country code such as US, GB or DE, or "clear"', kind: 'text', minLength: 2, maxLength: 5 }],
    subcommands: [{
      name: 'community', audience: 'moderators', help: "Set or clear this community's default country", menu: false,
      args: [{ name: 'code', help: 'Two-letter country code, or "clear"', kind: 'text', required: true }],
    }],
  },
  {
    name: 'language', audience: 'everyone', help: 'Choose the language I write to you in', menu: true,
    args: [{ name: 'code', help: 'A language code such as en, es or de, or "clear"', kind: 'text', minLength: 2, maxLength: 16 }],
  },
  { name: 'export', audience: 'everyone', help: 'Get a private copy of the data I store about you', args: [], menu: true },
  {
    name: 'case', audience: 'moderators', help: 'Moderators: list, acknowledge, resolve, note, pause or resume a case', args: [], menu: true,
    subcommands: [
      { name: 'list', audience: 'moderators', help: 'Open cases', args: [], menu: true },
      { name: 'ack', audience: 'moderators', help: 'Acknowledge a case: you are looking after it', args: [caseId], menu: true },
      {
        name: 'resolve', audience: 'moderators', help: 'Close a case with an outcome', menu: true,
        args: [caseId, { name: 'outcome', help: 'How it ended', kind: 'text', choices: CASE_OUTCOMES }],
      },
      {
        name: 'note', audience: 'moderators', help: 'Add a note to a case (only moderators see it)', menu: true,
        args: [caseId, { name: 'text', help: 'The note', kind: 'text', required: true, maxLength: 1000 }],
      },
      { name: 'pause', audience: 'moderators', help: "Pause the bot's replies to this person while you talk", args: [caseId], menu: true },
      { name: 'resume', audience: 'moderators', help: 'Let the bot reply to this person again', args: [caseId], menu: true },
      { name: 'web', audience: 'moderators', help: 'A one-time sign-in link to the moderator dashboard', args: [], menu: true },
    ],
  },
];

/** The catalogued command of this name (case-insensitive, a leading slash ignored). */
export function findCommand(name: string): CommandSpec | undefined {
  const wanted = name.toLowerCase().replace(/^\//, '');
  return COMMANDS.find((c) => c.name === wanted);
}

/** Menu entries for an audience: everyone's commands, plus the moderators' for moderators. */
export function menuCommands(audience: CommandAudience): CommandSpec[] {
  return COMMANDS.filter((c) => (c.menu || c.name === 'start') && (audience === 'moderators' || c.audience === 'everyone'));
}

/** One line of moderator help, in the core markdown subset: every `case` subcommand with its arguments. */
export function moderatorHelp(): string {
  const forms = COMMANDS.flatMap((c) => (c.subcommands ?? []).filter((s) => s.audience === 'moderators').map((s) => ({ parent: c.name, s })));
  const usage = (parent: string, s: CommandSpec) =>
    [`/${parent} ${s.name}`, ...s.args.map((a) => (a.required ? `<${a.name}>` : `[${a.name}]`))].join(' ');
  const lower = (text: string) => `${text.charAt(0).toLowerCase()}${text.slice(1)}`;
  return `Moderator commands: ${forms.map(({ parent, s }) => `**${usage(parent, s)}** ${lower(s.help)}`).join(' · ')}.`;
}
