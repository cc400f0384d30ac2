/**
 * Deceptive masked links. A reply may contain [label](url), and Telegram (<a href>), Slack
 * (<url|label>) and Discord (masked links) show only the label. When the label itself reads
 * like a web address, an e-mail address or a phone number that is not the link's target, the
 * bot would be vouching for a destination it does not go to: a user can get the model to echo
 * "[https://988lifeline.org](https://example.net/phish)" or "[Call 988](https://…)" into a
 * shared channel (issue 8, markdown injection). Renderers show such a link's target in plain
 * sight instead of hiding it. A label that is just words ("the lifeline's website") stays a link.
 */

/** A host name inside free text: labels separated by dots, ending in a letters-only TLD. */
const HOST_LIKE = /(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}/g;
/** Three or more digits, possibly grouped by spaces, dots, dashes or brackets: a number a reader could dial. */
const NUMBER_LIKE = /\d(?:[\s().-]?\d){2,}/g;

function bareHost(host: string): string {
  return host.toLowerCase().replace(/^www\./, '').replace(/\.$/, '');
}

/** The host a URL leads to (web and mail links), or undefined. */
function targetHost(url: string): string | undefined {
  const mail = /^mailto:[^@\s]+@([^?\s]+)/i.exec(url);
  if (mail) return bareHost(mail[1]!);
  try {
    const parsed = new URL(url);
    return parsed.hostname === '' ? undefined : bareHost(parsed.hostname);
  } catch {
    return undefined;
  }
}

/**
 * True when `label` (the visible text) names a different destination than `url`: a host name
 * other than the target's (a subdomain of the named host is fine), or a number of three or
 * more digits that is not part of the target (tel:988 and 988lifeline.org may say "988").
 */
export function isDeceptiveLink(label: string, url: string): boolean {
  const visible = label.normalize('NFKC').toLowerCase();
  const target = targetHost(url);
  for (const m of visible.matchAll(HOST_LIKE)) {
    const named = bareHost(m[0]);
    if (target === undefined || (target !== named && !target.endsWith(`.${named}`))) return true;
  }
  // Every number the label shows must be part of where the link goes ("988" on 988lifeline.org or tel:988).
  const targetDigits = url.replace(/\D/g, '');
  for (const m of visible.matchAll(NUMBER_LIKE)) {
    if (!targetDigits.includes(m[0].replace(/\D/g, ''))) return true;
  }
  return false;
}
