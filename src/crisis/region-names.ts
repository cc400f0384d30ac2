/**
 * Country names for every country, not only the ones with a resource file (issue 12 item 2):
 * "I'm in Iceland", "Islandia", "アイスランド". They come from ICU's region names (Node ships full
 * ICU), in every language the bot has templates for, so no list of ~250 countries × 18 languages
 * is kept by hand. A person who names a country without checked lines still gets its name on the
 * message, the global fallback, and a plain "no checked lines for Iceland yet".
 *
 * Built on first use (about 40 ms of ICU calls), never at start: the country answer is read only
 * after the bot asked for the country, and most runs never need it.
 */

/**
 * Codes ICU names that are not countries a person can be in: exceptional reservations (Canary
 * Islands, Ceuta and Melilla, Ascension, Clipperton, Diego Garcia, Tristan da Cunha, Sark), groupings
 * (EU, eurozone, UN, outlying Oceania), pseudo and unknown regions, and withdrawn codes (Burma, the
 * USSR, Yugoslavia, East Germany…). The Canary Islands, say, must read as Spain, not as a code
 * without lines.
 */
const NOT_COUNTRIES = new Set([
  'AC', 'CP', 'CQ', 'DG', 'EA', 'IC', 'TA', 'EU', 'EZ', 'UN', 'QO', 'XA', 'XB', 'ZZ', 'UK',
  'AN', 'BU', 'CS', 'DD', 'DY', 'FX', 'HV', 'NH', 'RH', 'SU', 'TP', 'VD', 'YD', 'YU', 'ZR',
]);

const LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';

/** Every two-letter code ICU names as a country or territory, without the codes above. */
export function regionCodes(): string[] {
  const english = new Intl.DisplayNames(['en'], { type: 'region', fallback: 'none' });
  const codes: string[] = [];
  for (const a of LETTERS) {
    for (const b of LETTERS) {
      const code = a + b;
      if (NOT_COUNTRIES.has(code)) continue;
      const name = safeOf(english, code);
      if (name !== undefined && name !== code) codes.push(code);
    }
  }
  return codes;
}

/**
 * The names a person might write for `code` in `locale`: ICU's name, plus the forms inside it.
 * "Myanmar (Burma)" gives "Myanmar" and "Burma"; "Congo - Kinshasa" gives "Congo" and "Kinshasa"
 * (the caller drops a form two countries share, such as "Congo"); "Bosnia & Herzegovina" gives
 * "Bosnia and Herzegovina" too; "St. Lucia" gives "Saint Lucia".
 */
export function namesOf(code: string, locale: string, names: Intl.DisplayNames = displayNames(locale)): string[] {
  const full = safeOf(names, code);
  if (full === undefined || full === code) return [];
  const forms = new Set<string>([full]);
  const bracket = /^(.*?)\s*[(（]([^)）]+)[)）]\s*$/u.exec(full);
  if (bracket) {
    forms.add(bracket[1]!);
    // A short part in brackets is a qualifier ("САР", special administrative region), not a name.
    if ([...bracket[2]!].length >= 4) forms.add(bracket[2]!);
  }
  for (const form of [...forms]) {
    for (const part of form.split(/\s+[-–]\s+/u)) forms.add(part);
    if (form.includes('&')) forms.add(form.replace(/\s*&\s*/gu, ' and '));
    // Russian and Polish say "in Iceland" with the name's ending changed: в Исландии, w Islandii.
    if (locale === 'ru' && form.endsWith('ия')) forms.add(`${form.slice(0, -2)}ии`);
    if (locale === 'pl' && form.endsWith('ia')) forms.add(`${form.slice(0, -2)}ii`);
    if (/\bSt\.\s/u.test(form)) forms.add(form.replace(/\bSt\.\s/gu, 'Saint '));
  }
  return [...forms].map((f) => f.trim()).filter((f) => f.length >= 2);
}

export function displayNames(locale: string): Intl.DisplayNames {
  return new Intl.DisplayNames([locale], { type: 'region', fallback: 'none' });
}

function safeOf(names: Intl.DisplayNames, code: string): string | undefined {
  try {
    return names.of(code);
  } catch {
    return undefined;
  }
}
