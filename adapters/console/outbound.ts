/**
 * Console output: the core markdown subset (bold, italics, links, inline code) rendered for a
 * terminal. On a TTY bold becomes ANSI bold, code cyan and a link's address underlined after
 * its label; when piped, markup is removed (code keeps its backticks) so scripts read plain text.
 *
 * One left-to-right pass over the text, not one regex per style: applying bold first and then
 * looking for links found the `[` inside bold's own escape code (ESC [1m), and every resource
 * line with a link came out as `• mFind A Helpline: [findahelpline.com (…)`.
 */
const ESC = '\u001b[';
const STYLE = {
  bold: [`${ESC}1m`, `${ESC}22m`],
  code: [`${ESC}36m`, `${ESC}39m`],
  url: [`${ESC}4m`, `${ESC}24m`],
} as const;

/**
 * Control characters other than newline and tab (ESC above all) and bidi overrides would let
 * model text drive the terminal: clear the screen, retitle the window, hide text or draw an
 * OSC 8 hyperlink whose target is not what it shows. User text is cleaned at the engine's
 * door (src/conversation/text.ts); model text is cleaned here, before our own codes.
 */
// eslint-disable-next-line no-control-regex
const TERMINAL_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

/** code | link | bold | italic (after a space, start or bracket, before punctuation or end). */
const TOKEN = /`([^`\n]+)`|\[([^\]\n]+)\]\((https?:\/\/[^)\s]+)\)|\*\*([^*\n]+)\*\*|(^|(?<=[\s(]))_([^_\n]+)_(?=$|[\s).,!?])/gm;

function paint(style: keyof typeof STYLE, text: string, color: boolean): string {
  return color ? `${STYLE[style][0]}${text}${STYLE[style][1]}` : text;
}

function renderSpan(text: string, color: boolean): string {
  return text.replace(TOKEN, (_m, code?: string, label?: string, url?: string, bold?: string, _pre?: string, italic?: string) => {
    if (code !== undefined) return color ? paint('code', code, true) : `\`${code}\``;
    if (label !== undefined && url !== undefined) {
      // The address is always shown: a label can name a different site or number than the target.
      const shown = renderSpan(label, color);
      return label === url ? paint('url', url, color) : `${shown} (${paint('url', url, color)})`;
    }
    if (bold !== undefined) return paint('bold', renderSpan(bold, color), color);
    return italic ?? '';
  });
}

/** Text shown as it is (an alert's facts): only the control characters removed. */
export function plainForTerminal(text: string): string {
  return text.replace(TERMINAL_CONTROL, '');
}

export function renderForTerminal(text: string, color: boolean): string {
  return renderSpan(text.replace(TERMINAL_CONTROL, ''), color);
}
