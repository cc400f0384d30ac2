/**
 * The console adapter's settings. The console needs no token: it is the embedded default when
 * no platform is configured, and the CLI (src/cli/start.ts) builds this from the terminal it runs in.
 */
export interface ConsoleAdapterConfig {
  input: NodeJS.ReadableStream;
  output: NodeJS.WritableStream;
  /** Line editing, prompt, colours and the thinking line; defaults to whether `input` is a terminal. */
  interactive?: boolean;
  /** Keeps one conversation across runs (the SQLite file remembers context). */
  sessionId?: string;
  /** The console user is a moderator (MODERATOR_IDS has console:local): /help lists their commands. */
  moderator?: boolean;
  /** Shown under the banner in a terminal: where the logs go. */
  logFile?: string;
}
