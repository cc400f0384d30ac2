/**
 * The console chat, the embedded default when no platform token is configured. Interactive
 * on a terminal; with piped stdin it answers each line in order, prints each answer, and
 * `finished` resolves after the last answer once stdin closes.
 */
import { randomUUID } from 'node:crypto';
import { createInterface } from 'node:readline';
import type { ConversationRef, OutboundMessage } from '../../src/messages.js';
import type { BotHandlers, PlatformAdapter } from '../../src/ports.js';
import { mapConsoleError } from './errors.js';
import { CONSOLE_PLATFORM, consoleConversation, parseLine } from './inbound.js';
import { renderForTerminal } from './outbound.js';

export interface ConsoleAdapterConfig {
  input: NodeJS.ReadableStream;
  output: NodeJS.WritableStream;
  /** Prompt and colours; defaults to whether `input` is a terminal. */
  interactive?: boolean;
  /** Keeps one conversation across runs (the SQLite file remembers context). */
  sessionId?: string;
}

export interface ConsoleAdapter extends PlatformAdapter {
  /** Resolves once stdin has closed and every line has been answered. */
  readonly finished: Promise<void>;
}

export function createConsoleAdapter(config: ConsoleAdapterConfig): ConsoleAdapter {
  const interactive = config.interactive ?? Boolean((config.input as { isTTY?: boolean }).isTTY);
  const sessionId = config.sessionId ?? 'local';
  const runId = randomUUID().slice(0, 8);
  let finish!: () => void;
  const finished = new Promise<void>((resolve) => (finish = resolve));
  let rl: ReturnType<typeof createInterface> | undefined;

  const write = (text: string) => {
    try {
      config.output.write(`${text}\n`);
    } catch (error) {
      throw mapConsoleError(error);
    }
  };

  return {
    platform: CONSOLE_PLATFORM,
    finished,

    async start(handlers: BotHandlers): Promise<void> {
      rl = createInterface({ input: config.input, terminal: false });
      if (interactive) {
        write('oyster-bot console chat. Type a message, /help for commands, Ctrl+D to quit.');
        config.output.write('you> ');
      }
      let lineNo = 0;
      // Lines are handled strictly one after another, so answers print in input order.
      void (async () => {
        for await (const line of rl!) {
          lineNo += 1;
          const input = parseLine(line, lineNo, `${sessionId}-${runId}`, new Date());
          if (input.kind === 'command') {
            const reply = await handlers.onCommand(input.command);
            write(renderForTerminal(reply.text, interactive));
          } else {
            // Context is per session, not per run: point the conversation at the session.
            input.message.conversation = consoleConversation(sessionId);
            await (await handlers.onMessage(input.message)).handled;
          }
          if (interactive) config.output.write('you> ');
        }
        finish();
      })();
    },

    async send(message: OutboundMessage): Promise<{ id: string }> {
      const text = renderForTerminal(message.text, interactive);
      write(interactive ? `bot> ${text}` : text);
      return { id: randomUUID() };
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
