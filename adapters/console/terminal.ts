/**
 * Terminal-only pieces of the console chat: the transient status line ("thinking…") and the
 * moderator part of /help. Nothing here is written when the output is piped.
 */

/** The moderator commands the console offers, for /help when the console user is a moderator. */
export const MODERATOR_HELP = [
  'Moderator commands: **/case list** open cases · **/case ack N** take case N · **/case note N text** add a note',
  '· **/case pause N** / **/case resume N** hold or restart its reminders · **/case resolve N [outcome]** close it',
  '· **/case web** a sign-in link to the dashboard (when it is on) · **/country community XX** or **clear** the default country here.',
].join(' ');

export interface StatusLine {
  /** Shows `text` on the current line until the returned function (or clear) removes it. */
  show(text: string): () => void;
  /** Removes the status line, if one is showing, before other output. */
  clear(): void;
}

const CLEAR_LINE = '\r\u001b[2K';
const DIM = ['\u001b[2m', '\u001b[22m'] as const;

export function createStatusLine(output: NodeJS.WritableStream, interactive: boolean): StatusLine {
  let showing = false;
  const clear = () => {
    if (!showing) return;
    showing = false;
    output.write(CLEAR_LINE);
  };
  return {
    show(text) {
      if (!interactive) return () => undefined;
      // The prompt is on screen while the model works; the status line replaces it.
      output.write(`${CLEAR_LINE}${DIM[0]}${text}${DIM[1]}`);
      showing = true;
      return clear;
    },
    clear,
  };
}
