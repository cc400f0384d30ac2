/**
 * Slash commands and button presses. Discord voids an interaction that is not answered or
 * deferred within 3 s (10062 Unknown interaction, discordjs/discord.js#10752), so each one
 * is acknowledged first (deferReply / deferUpdate) and the core's work happens after.
 *
 * A moderator's case button can still arrive too late to acknowledge: a press that a moved or
 * restarted shard gets replayed (shard-clients.ts) is seconds old. The moderator meant it, so it
 * is acted on all the same, and since no interaction reply is possible any more, the alert is
 * edited through REST and the outcome is posted in the channel as a normal message naming them.
 */
import {
  MessageFlags,
  Routes,
  type ButtonInteraction,
  type ChatInputCommandInteraction,
  type CommandInteractionOption,
  type Interaction,
} from 'discord.js';
import type { Logger } from '../../src/logger.js';
import type { ConversationRef } from '../../src/messages.js';
import type { Actor, AdapterNotes, BotHandlers, CommandReply, CommandRequest } from '../../src/ports.js';
import { renderAlert } from './moderator.js';
import { commandFromCustomId, commandFromSlash, CustomIds } from './commands.js';
import { isStaleInteraction, mapDiscordError } from './errors.js';
import { DISCORD_PLATFORM } from './inbound.js';
import { renderDiscord } from './outbound.js';

export interface InteractionDeps {
  handlers: BotHandlers;
  log: Logger;
}

const NO_PINGS = { parse: [], repliedUser: false } as const;
/** Beyond this many extra ephemeral messages a reply is sent as a file instead. */
const MAX_FOLLOWUPS = 3;
/** Opens the channel message that stands in for a late button's private reply; what follows it is the core's own reply. */
const LATE_NOTE = 'your button press reached me after Discord\'s 3-second limit, so here is what came of it:';
/** The adapter's English, for handlers that carry no texts (bare handlers in tests). */
const ENGLISH: AdapterNotes = {
  unknown_command: 'I do not know that command. Try /help.',
  command_failed: 'Something went wrong on my side. Please try again in a moment.',
  button_expired: 'This button no longer works.',
  sent_as_file: 'That is long, so here it is as a file. Only you can see this.',
  sent_privately: 'I sent that to you in our direct messages.',
  forget_button: 'Delete my data now',
  invite_private: 'I can only answer that in a private chat. [Open a private chat with me]({link}), then ask again.',
};
/** Discord's Chinese locale tags name a region; the bot's texts name the script. */
const DISCORD_TAGS: Readonly<Record<string, string>> = { 'zh-TW': 'zh-Hant', 'zh-CN': 'zh' };

/**
 * The adapter's own sentences in a language: the core's reply's locale when there is one. Where
 * the core has said nothing (an unknown command or a stale button before it is asked, a command
 * that threw), the nearest honest guess is the Discord client's language (interaction.locale),
 * mapped to the bot's texts, English when the bot has none for it.
 */
function notesFor(deps: InteractionDeps, i: Acting, reply?: CommandReply): AdapterNotes {
  const tag = reply?.locale ?? DISCORD_TAGS[i.locale] ?? i.locale;
  return deps.handlers.notes?.(tag) ?? ENGLISH;
}

type Acting = ChatInputCommandInteraction | ButtonInteraction;

/** Entry point for Events.InteractionCreate. Never throws: failures are logged with codes. */
export async function handleInteraction(interaction: Interaction, deps: InteractionDeps): Promise<void> {
  try {
    if (interaction.isChatInputCommand()) await onSlash(interaction, deps);
    else if (interaction.isButton()) await onButton(interaction, deps);
  } catch (error) {
    const code = isStaleInteraction(error) ? 'INTERACTION_EXPIRED' : mapDiscordError(error).code;
    deps.log.error('discord interaction failed', { interactionId: interaction.id, code });
  }
}

async function onSlash(i: ChatInputCommandInteraction, deps: InteractionDeps): Promise<void> {
  const mapped = commandFromSlash({
    commandName: i.commandName,
    subcommand: i.options.getSubcommand(false),
    options: optionValues(i.options.data),
  });
  // Every reply is about one person (their data, their country, a case), so all are ephemeral.
  await i.deferReply({ flags: MessageFlags.Ephemeral });
  if (mapped === undefined) {
    await i.editReply({ content: notesFor(deps, i).unknown_command, allowedMentions: NO_PINGS });
    return;
  }
  const reply = await run(i, mapped, deps);
  const parts = renderDiscord(reply.text);
  if (parts.length > MAX_FOLLOWUPS + 1) {
    // An /export can run to many messages: one private file reads better than a wall of them.
    await i.editReply({
      content: notesFor(deps, i, reply).sent_as_file,
      allowedMentions: NO_PINGS,
      files: [{ attachment: Buffer.from(reply.text, 'utf8'), name: `oyster-${mapped.name}.md` }],
    });
  } else {
    const [first = 'Done.', ...rest] = parts;
    const offerForget = mapped.name === 'forget' && mapped.args.length === 0 && reply.ok;
    await i.editReply({
      content: first,
      allowedMentions: NO_PINGS,
      components: offerForget
        ? [{ type: 1, components: [{ type: 2, style: 4, label: notesFor(deps, i, reply).forget_button, custom_id: CustomIds.forgetConfirm }] }]
        : [],
    });
    for (const content of rest) await i.followUp({ content, flags: MessageFlags.Ephemeral, allowedMentions: NO_PINGS });
  }
  // A typed /case changes the alert through the core's outbox, which edits every message showing it.
}

async function onButton(i: ButtonInteraction, deps: InteractionDeps): Promise<void> {
  const mapped = commandFromCustomId(i.customId);
  if (mapped === undefined) {
    await i.reply({ content: notesFor(deps, i).button_expired, flags: MessageFlags.Ephemeral, allowedMentions: NO_PINGS });
    return;
  }
  // Acknowledge with no visible change; the alert is edited once the core has decided.
  try {
    await i.deferUpdate();
  } catch (error) {
    // Too late to acknowledge (replayed after a shard moved): a case action is still carried out.
    // Other buttons sit on one person's private prompt, which nothing outside the reply may answer.
    if (!isStaleInteraction(error) || mapped.name !== 'case') throw error;
    await actLate(i, mapped, deps);
    return;
  }
  const reply = await run(i, mapped, deps);
  const text = renderDiscord(reply.text)[0] ?? 'Done.';
  if (mapped.name === 'forget') {
    // The button sits on the user's own ephemeral prompt: replace the prompt with the result.
    await i.editReply({ content: text, components: [], allowedMentions: NO_PINGS });
    return;
  }
  if (reply.ok && reply.updatedAlert) {
    const body = renderAlert(reply.updatedAlert);
    // The pressed message changes at once; the outbox's edit of it follows with the same content.
    await i.editReply({ content: body.content, embeds: body.embeds, components: body.components, allowedMentions: NO_PINGS });
  }
  // Refusals, and the core's guidance for the moderator who acted ("introduce yourself as…"), go to them alone.
  if (reply.text.trim() !== '') await i.followUp({ content: text, flags: MessageFlags.Ephemeral, allowedMentions: NO_PINGS });
}

/**
 * A case button pressed more than 3 s ago: the core acts on it as on any press, the alert shows
 * the new state, and the moderator reads the outcome in the channel instead of a private reply.
 */
async function actLate(i: ButtonInteraction, mapped: { name: string; args: string[] }, deps: InteractionDeps): Promise<void> {
  const reply = await run(i, mapped, deps);
  const rest = i.client.rest;
  if (reply.ok && reply.updatedAlert) {
    const body = renderAlert(reply.updatedAlert);
    await rest.patch(Routes.channelMessage(i.channelId, i.message.id), {
      body: { content: body.content, embeds: body.embeds, components: body.components, allowed_mentions: NO_PINGS },
    });
  }
  // Names only the moderator who pressed: they see it was received, and what came of it.
  const mention = { parse: [], users: [i.user.id] };
  const note = `<@${i.user.id}> ${LATE_NOTE}`;
  const parts = renderDiscord(reply.text.trim() === '' ? 'Done.' : reply.text);
  const first = `${note}\n${parts[0] ?? ''}`;
  const bodies = first.length <= 2000 ? [first, ...parts.slice(1)] : [note, ...parts];
  for (const [n, content] of bodies.entries()) {
    await rest.post(Routes.channelMessages(i.channelId), { body: { content, allowed_mentions: n === 0 ? mention : NO_PINGS } });
  }
  deps.log.warn('discord case button answered late: acted on and confirmed in the channel', {
    interactionId: i.id, action: mapped.args[0], caseId: mapped.args[1], actorId: i.user.id, ok: reply.ok,
  });
}

/** Calls the core; a refusal is logged (who tried what, never the text), an exception becomes a polite failure. */
async function run(i: Acting, mapped: { name: string; args: string[] }, deps: InteractionDeps): Promise<CommandReply> {
  const request: CommandRequest = {
    name: mapped.name,
    args: mapped.args,
    actor: actorOf(i),
    conversation: conversationOf(i),
    isDirect: !i.inGuild(),
  };
  let reply: CommandReply;
  try {
    reply = await deps.handlers.onCommand(request);
  } catch (error) {
    deps.log.error('discord command failed', { command: mapped.name, code: mapDiscordError(error).code });
    return { ok: false, private: true, text: notesFor(deps, i).command_failed };
  }
  if (!reply.ok) {
    deps.log.warn('discord command refused', {
      command: mapped.name,
      action: mapped.name === 'case' ? mapped.args[0] : undefined,
      caseId: mapped.name === 'case' ? mapped.args[1] : undefined,
      actorId: request.actor.id,
      viaButton: i.isButton(),
    });
  }
  return reply;
}

/** Member roles become actor.roleIds; the core compares them with MODERATOR_ROLE_IDS. */
function actorOf(i: Acting): Actor {
  const member = i.member;
  let roleIds: string[] = [];
  let nick: string | null | undefined;
  if (member !== null) {
    if (Array.isArray(member.roles)) {
      roleIds = member.roles; // APIInteractionGuildMember: the guild is not cached
      nick = 'nick' in member ? member.nick : undefined;
    } else if ('cache' in member.roles) {
      // @everyone has the guild's id and grants nothing.
      roleIds = [...member.roles.cache.keys()].filter((id) => id !== i.guildId);
      nick = 'nickname' in member ? member.nickname : undefined;
    }
  }
  return { id: i.user.id, displayName: nick || i.user.globalName || i.user.username, roleIds };
}

function conversationOf(i: Acting): ConversationRef {
  const channel = i.channel;
  const channelId = i.channelId ?? '';
  const ref: ConversationRef =
    channel?.isThread() && channel.parentId
      ? { platform: DISCORD_PLATFORM, channelId: channel.parentId, threadId: channelId }
      : { platform: DISCORD_PLATFORM, channelId };
  if (i.guildId !== null) ref.communityId = i.guildId;
  return ref;
}

/** Flattens options (and a subcommand's options) to name → value. */
function optionValues(options: readonly CommandInteractionOption[]): Record<string, string | number | boolean | undefined> {
  const out: Record<string, string | number | boolean | undefined> = {};
  for (const o of options) {
    if (o.options) Object.assign(out, optionValues(o.options));
    else out[o.name] = o.value;
  }
  return out;
}
