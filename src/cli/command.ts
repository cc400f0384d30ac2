/** A subcommand of the `oyster-bot` CLI. src/cli.ts lists them with their one-line summaries; each lives in its own file. */
export interface CliIo {
  stdin: NodeJS.ReadableStream;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  env: NodeJS.ProcessEnv;
}

export interface CliCommand {
  name: string;
  /** Usage text for `oyster-bot NAME --help`. */
  usage: string;
  /** Resolves with the process exit code. */
  run(args: string[], io: CliIo): Promise<number>;
}
