/**
 * Console output: the core markdown subset rendered for a terminal. On a TTY bold becomes
 * ANSI bold; when piped, markup is simply removed so scripts read plain text.
 */
const BOLD = /\*\*([^*\n]+)\*\*/g;
const ITALIC = /(^|[\s(])_([^_\n]+)_(?=$|[\s).,!?])/g;
const LINK = /\[([^\]\n]+)\]\((https?:\/\/[^)\s]+)\)/g;

/**
 * Control characters other than newline and tab (ESC above all) and bidi overrides would let
 * model text drive the terminal: clear the screen, retitle the window, hide text or draw an
 * OSC 8 hyperlink whose target is not what it shows. User text is cleaned at the engine's
 * door (src/conversation/text.ts); model text is cleaned here, before our own bold codes.
 */
// eslint-disable-next-line no-control-regex
const TERMINAL_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

export function renderForTerminal(text: string, color: boolean): string {
  return text
    .replace(TERMINAL_CONTROL, '')
    .replace(BOLD, (_m, inner: string) => (color ? `\u001b[1m${inner}\u001b[22m` : inner))
    .replace(ITALIC, (_m, pre: string, inner: string) => `${pre}${inner}`)
    .replace(LINK, (_m, label: string, url: string) => (label === url ? url : `${label} (${url})`));
}
