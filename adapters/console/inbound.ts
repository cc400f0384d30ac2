/**
 * Console chat input: each line typed (or piped) is one message from the local user in a
 * private conversation with the bot. Lines starting with "/" are commands.
 */
import type { CommandRequest } from '../../src/ports.js';
import type { ConversationRef, InboundMessage } from '../../src/messages.js';

export const CONSOLE_PLATFORM = 'console';
export const CONSOLE_USER = { id: 'local', displayName: 'you' };

export function consoleConversation(sessionId: string): ConversationRef {
  return { platform: CONSOLE_PLATFORM, channelId: sessionId };
}

export type ConsoleInput =
  | { kind: 'message'; message: InboundMessage }
  | { kind: 'command'; command: CommandRequest };

/** Turns line `lineNo` of session `sessionId` into a message or a command. */
export function parseLine(line: string, lineNo: number, sessionId: string, now: Date): ConsoleInput {
  const conversation = consoleConversation(sessionId);
  const trimmed = line.trim();
  if (/^\/[a-z]/i.test(trimmed)) {
    const [name = '', ...args] = trimmed.slice(1).split(/\s+/);
    return {
      kind: 'command',
      command: { name: name.toLowerCase(), args, actor: { ...CONSOLE_USER, roleIds: [] }, conversation, isDirect: true },
    };
  }
  return {
    kind: 'message',
    message: {
      // Unique per run and line: the console never redelivers, but ids must not collide
      // with an earlier run's rows in the dedupe table.
      id: `${sessionId}:${lineNo}`,
      conversation,
      author: { ...CONSOLE_USER, isBot: false, isSelf: false },
      text: line,
      isDirect: true,
      mentionsBot: true,
      receivedAt: now,
    },
  };
}
