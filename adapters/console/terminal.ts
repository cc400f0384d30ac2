/**
 * Terminal-only pieces of the console chat: the transient status line ("thinking…"). Nothing here
 * is written when the output is piped. (A moderator's /help comes from the core, src/commands.ts.)
 */

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

/**
 * A reply that grows on screen (streaming): lines already printed and unchanged stay; from the
 * first changed line on, the text is rewritten in place. Earlier lines never change while an
 * answer streams (markup never spans lines), so only the last line or two are redrawn, and a
 * long answer never needs the cursor above the top of the screen.
 */
export interface LiveText {
  /** Prints `lines` (already rendered), redrawing only from the first that differs. */
  update(lines: string[]): void;
}

// eslint-disable-next-line no-control-regex
const visible = (s: string) => s.replace(/\u001b\[[0-9;]*m/g, '');

export function createLiveText(output: NodeJS.WritableStream): LiveText {
  let printed: string[] = [];
  const rows = (line: string) => {
    const columns = (output as { columns?: number }).columns ?? 80;
    return Math.max(1, Math.ceil(visible(line).length / columns));
  };
  return {
    update(lines) {
      let same = 0;
      while (same < printed.length && same < lines.length && printed[same] === lines[same]) same++;
      const up = printed.slice(same).reduce((n, line) => n + rows(line), 0);
      let out = up > 0 ? `\u001b[${up}A\r\u001b[J` : '';
      for (const line of lines.slice(same)) out += `${line}\n`;
      output.write(out);
      printed = lines;
    },
  };
}
