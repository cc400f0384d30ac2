/**
 * A country whose file has no crisis line that may be shown (no_crisis_line: Turkey, Saudi Arabia,
 * Denmark...) gets its note with the emergency number and the international lines. The sentence
 * under them names the person's country without calling those lines its own: before, the text
 * said "I don't have a verified crisis line for Turkey" and then "These lines are for Turkey".
 * Through the real engine (the country answer and `/country`), and the real CLI in Turkish with
 * the model hung.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { startHarness, type Harness } from '../helpers/bot-harness.js';
import { CLI_TEST_TIMEOUT_MS, runCli } from '../cli/run-cli.js';
import { POLICIES_DIR } from '../crisis/helpers.js';
import { useSilentServer } from '../helpers/silent-server.js';

let h: Harness | undefined;
afterEach(async () => { await h?.close(); h = undefined; });

/** The template file's own sentences (policies/templates/<locale>.yaml ask_country). */
const askCountry = (locale: string) =>
  (parse(readFileSync(join(POLICIES_DIR, 'templates', `${locale}.yaml`), 'utf8')) as { ask_country: { shown: string; no_line: string } }).ask_country;
const TR_IMMINENT = 'bütün hapları elimde tutuyorum, bu gece hepsini içeceğim. herkese elveda';

describe('the lines for a country with no crisis line to show', () => {
  it("after the country answer \"Türkiye'deyim\": the note with 112, the international lines, and no \"these lines are for Türkiye\"", async () => {
    h = await startHarness({ reply: () => ({ status: 503 }) });
    await h.adapter.receive({ text: TR_IMMINENT });
    const before = h.adapter.sent.length;
    await h.adapter.receive({ text: "Türkiye'deyim" });
    const lines = h.adapter.sent.slice(before).find((m) => m.kind === 'resources')!;
    expect(lines.text).toContain('Türkiye için doğrulanmış bir kriz hattım yok. Tehlikede olabilirsen **112** numarasını ara.');
    expect(lines.text).toContain('findahelpline.com');
    expect(lines.text).toContain(askCountry('tr').no_line.replace('{country}', 'Türkiye'));
    expect(lines.text).not.toContain(askCountry('tr').shown.replace('{country}', 'Türkiye'));
  });

  it('after `/country SA` with a case open, in English; a country with lines still gets "these lines are for"', async () => {
    h = await startHarness({ reply: () => ({ status: 503 }) });
    await h.adapter.receive({ text: "I have all the pills in my hand and I'm taking them tonight. Goodbye everyone." });
    const before = h.adapter.sent.length;
    const reply = await h.adapter.command('country', ['SA']);
    const shown = [reply.text, ...h.adapter.sent.slice(before).map((m) => m.text)].join('\n');
    expect(shown).toContain("I don't have a verified crisis line for Saudi Arabia.");
    expect(shown).toContain('Your country: Saudi Arabia. Somewhere else?');
    expect(shown).not.toContain('These lines are for Saudi Arabia');

    const again = h.adapter.sent.length;
    const mx = await h.adapter.command('country', ['MX']);
    expect([mx.text, ...h.adapter.sent.slice(again).map((m) => m.text)].join('\n')).toContain('These lines are for Mexico.');
  });
});

describe('the lines for Turkey in the console chat, model hung', { timeout: CLI_TEST_TIMEOUT_MS }, () => {
  const silent = useSilentServer();

  it('names Türkiye as the person\'s country and gives 112 in the safe reply', async () => {
    const r = await runCli(['start'], {
      env: {
        OYSTER_BASE_URL: `${silent.root()}/v1`, OYSTER_TIMEOUT_MS: '2000', OYSTER_MAX_RETRIES: '0',
        OYSTER_DB_PATH: join(mkdtempSync(join(tmpdir(), 'oyster-no-line-cli-')), 'bot.db'), RISK_JUDGE: 'off',
      },
      stdin: `${TR_IMMINENT}\nTürkiye'deyim\n`,
    });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Ülken: Türkiye. Başka bir yerde misin?');
    expect(r.stdout).not.toContain('Bu hatlar şu ülke için: Türkiye');
    expect(r.stdout).toContain('Lütfen 112 numarasını ya da gönderdiğim hatlardan birini ara');
  });
});
