/**
 * Console output: the core markdown subset rendered for a terminal. On a TTY bold becomes
 * ANSI bold; when piped, markup is simply removed so scripts read plain text.
 */
const BOLD = /\*\*([^*\n]+)\*\*/g;
const ITALIC = /(^|[\s(])_([^_\n]+)_(?=$|[\s).,!?])/g;
const LINK = /\[([^\]\n]+)\]\((https?:\/\/[^)\s]+)\)/g;

export function renderForTerminal(text: string, color: boolean): string {
  return text
    .replace(BOLD, (_m, inner: string) => (color ? `\u001b[1m${inner}\u001b[22m` : inner))
    .replace(ITALIC, (_m, pre: string, inner: string) => `${pre}${inner}`)
    .replace(LINK, (_m, label: string, url: string) => (label === url ? url : `${label} (${url})`));
}
