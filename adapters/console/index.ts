/**
 * The console chat, the embedded default when no platform token is configured.
 *
 * In a terminal it is a small line editor (node:readline): arrow keys move and recall earlier
 * lines, Ctrl-L clears the screen, Ctrl-C clears the line or, on an empty line, ends the chat
 * like Ctrl-D. A "thinking…" line stands while the model works, and logs go to a file (the
 * start command says which) so no JSON lands between chat lines.
 *
 * Piped, it answers each line in order, prints each answer as plain text, and `finished`
 * resolves after the last answer once stdin closes.
 */
import { randomUUID } from 'node:crypto';
import { createInterface, type Interface } from 'node:readline';
import type { ConversationRef, OutboundMessage } from '../../src/messages.js';
import type { BotHandlers, PlatformAdapter } from '../../src/ports.js';

export type { ConsoleAdapterConfig } from './config.js';
import type { ConsoleAdapterConfig } from './config.js';
import { mapConsoleError } from './errors.js';
import { CONSOLE_PLATFORM, consoleConversation, parseLine } from './inbound.js';
import { createConsoleModeratorSink } from './moderator.js';
import { renderForTerminal } from './outbound.js';
import { createLiveText, createStatusLine, type LiveText } from './terminal.js';

export interface ConsoleAdapter extends PlatformAdapter {
  /** Resolves once stdin has closed and every line has been answered. */
  readonly finished: Promise<void>;
}

const PROMPT = 'you> ';
const HISTORY_SIZE = 500;

export function createConsoleAdapter(config: ConsoleAdapterConfig): ConsoleAdapter {
  const interactive = config.interactive ?? Boolean((config.input as { isTTY?: boolean }).isTTY);
  const sessionId = config.sessionId ?? 'local';
  const runId = randomUUID().slice(0, 8);
  let finish!: () => void;
  const finished = new Promise<void>((resolve) => (finish = resolve));
  let rl: Interface | undefined;
  const status = createStatusLine(config.output, interactive);
  /** The reply that streaming edits redraw (only the latest can still change). */
  let live: { id: string; text: LiveText } | undefined;

  const write = (text: string) => {
    status.clear();
    try {
      config.output.write(`${text}\n`);
    } catch (error) {
      throw mapConsoleError(error);
    }
  };

  return {
    platform: CONSOLE_PLATFORM,
    finished,
    // A console user who is a moderator sees alerts in the chat, like a moderator channel.
    ...(config.moderator ? { moderatorSink: createConsoleModeratorSink(write) } : {}),

    async start(handlers: BotHandlers): Promise<void> {
      rl = createInterface({
        input: config.input,
        ...(interactive ? { output: config.output, terminal: true, historySize: HISTORY_SIZE, prompt: PROMPT } : { terminal: false }),
      });
      const lines = rl;
      if (interactive) {
        write('oyster-bot console chat. Type a message, /help for commands, Ctrl+D or Ctrl+C to quit.');
        if (config.logFile) write(renderForTerminal(`Logs go to \`${config.logFile}\`.`, true));
        // Ctrl-C on a half-typed line drops the line; on an empty one it ends the chat.
        lines.on('SIGINT', () => {
          if (lines.line.length > 0) {
            config.output.write('^C\n');
            lines.write(null, { ctrl: true, name: 'u' });
            lines.prompt();
          } else {
            config.output.write('\n');
            lines.close();
          }
        });
        lines.prompt();
      }
      let lineNo = 0;
      // Lines are taken in strictly one after another. Piped, each is also answered before the
      // next is read, so answers print in input order. In a terminal, the next line goes to the
      // bot once this one is taken in, not once it is answered: a crisis line typed while the
      // model is still on the previous one (or hung) gets its lines at once, as on every other
      // platform; the engine still sends one person's replies in order.
      const queue: string[] = [];
      const answering = new Set<Promise<void>>();
      let busy = false;
      let closed = false;
      const drain = async () => {
        if (busy) return;
        busy = true;
        while (queue.length > 0) {
          const line = queue.shift()!;
          lineNo += 1;
          const input = parseLine(line, lineNo, `${sessionId}-${runId}`, new Date());
          if (input.kind === 'command') {
            // A moderator's /help lists the moderator forms too, in their language (the core adds them).
            const reply = await handlers.onCommand(input.command);
            write(renderForTerminal(reply.text, interactive));
          } else if (line.trim() !== '' || !interactive) {
            // Context is per session, not per run: point the conversation at the session.
            input.message.conversation = consoleConversation(sessionId);
            const { handled } = await handlers.onMessage(input.message);
            if (!interactive) await handled;
            else {
              // The prompt comes back once every line taken in is answered.
              const answered: Promise<void> = handled.then(() => {
                answering.delete(answered);
                if (answering.size === 0 && !closed) lines.prompt();
              });
              answering.add(answered);
              continue;
            }
          }
          if (interactive && !closed) lines.prompt();
        }
        busy = false;
        if (closed) {
          await Promise.all(answering);
          finish();
        }
      };
      lines.on('line', (line) => {
        queue.push(line);
        void drain();
      });
      lines.on('close', () => {
        closed = true;
        if (!busy) void drain();
      });
    },

    async send(message: OutboundMessage): Promise<{ id: string }> {
      const text = renderForTerminal(message.text, interactive);
      const id = randomUUID();
      if (interactive && message.kind === 'reply') {
        // A reply may grow by streaming edits: it is drawn by a LiveText that can redraw it.
        status.clear();
        live = { id, text: createLiveText(config.output) };
        live.text.update(`bot> ${text}`.split('\n'));
      } else {
        write(interactive ? `bot> ${text}` : text);
      }
      return { id };
    },

    // In a terminal, answers stream token by token (no pace: nothing rate-limits a terminal).
    // Piped output stays one whole answer per reply, for scripts.
    ...(interactive ? {
      editIntervalMs: 0,
      async edit(message: OutboundMessage, id: string): Promise<void> {
        if (live?.id !== id) return;
        live.text.update(`bot> ${renderForTerminal(message.text, true)}`.split('\n'));
      },
    } : {}),

    startTyping(): () => void {
      return status.show('thinking…');
    },

    async openDirect(): Promise<ConversationRef | undefined> {
      // The console is already a private conversation with the one local user.
      return consoleConversation(sessionId);
    },

    async stop(): Promise<void> {
      rl?.close();
    },
  };
}
