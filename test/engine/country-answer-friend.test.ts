/**
 * A person worried about a friend gets the third-party text (how to help, the emergency number
 * for the friend). When they then name the country, the new country's lines must be addressed
 * the same way: before, they came as the text for a person at risk themselves ("move away from
 * anything you could use to hurt yourself"), in every language. Through the real engine, and the
 * real CLI in French with the model down (found reading the French crisis path).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../helpers/bot-harness.js';
import { CLI_TEST_TIMEOUT_MS, runCli } from '../cli/run-cli.js';

let h: Harness | undefined;
afterEach(async () => { await h?.close(); h = undefined; });

const FRIEND = 'my friend has all her pills ready and says she is taking them tonight';
/** First lines of templates/en.yaml third_party.urgent and private.imminent. */
const FOR_A_FRIEND = 'If your friend might be in immediate danger, please call';
const FOR_ONESELF = 'move away from anything you could use to hurt yourself';

describe('the country answer after a message about a friend', () => {
  it('sends the new lines as the text for someone helping a friend, with that country\'s emergency number', async () => {
    h = await startHarness({ reply: () => 'You are doing the right thing by asking.' });
    await h.adapter.receive({ text: FRIEND });
    const first = h.adapter.sent.find((m) => m.kind === 'resources')!;
    expect(first.text).toContain(FOR_A_FRIEND);
    const before = h.adapter.sent.length;

    await h.adapter.receive({ text: "she's in Mexico" });

    const lines = h.adapter.sent.slice(before).find((m) => m.kind === 'resources')!;
    expect(lines.text).toContain('800 911 2000');
    expect(lines.text).toContain(`${FOR_A_FRIEND} **911** now`);
    expect(lines.text).not.toContain(FOR_ONESELF);
  });

  it('does the same for `/country MX` while the case is open', async () => {
    h = await startHarness({ reply: () => 'You are doing the right thing by asking.' });
    await h.adapter.receive({ text: FRIEND });
    const before = h.adapter.sent.length;
    const reply = await h.adapter.command('country', ['MX']);
    const shown = [reply.text, ...h.adapter.sent.slice(before).map((m) => m.text)].join('\n');
    expect(shown).toContain(`${FOR_A_FRIEND} **911** now`);
    expect(shown).not.toContain(FOR_ONESELF);
  });
});

describe('the country answer after a message about a friend, in the console chat', () => {
  it('"elle est en Belgique": Belgium\'s lines for someone helping a friend, in French', { timeout: CLI_TEST_TIMEOUT_MS }, async () => {
    const r = await runCli(['start'], {
      env: {
        OYSTER_BASE_URL: 'http://127.0.0.1:9/v1', OYSTER_MAX_RETRIES: '0', RISK_JUDGE: 'off',
        OYSTER_DB_PATH: join(mkdtempSync(join(tmpdir(), 'oyster-friend-cli-')), 'bot.db'),
      },
      stdin: "mon amie a toutes ses pilules et elle dit qu'elle va les prendre ce soir\nelle est en Belgique\n",
    });
    expect(r.code).toBe(0);
    const belgium = r.stdout.indexOf('Ces lignes sont pour : Belgique');
    expect(belgium).toBeGreaterThan(0);
    // The Belgian lines' message: from the last line before them to the end.
    const message = r.stdout.slice(r.stdout.lastIndexOf('Si cette personne est peut-être en danger immédiat', belgium));
    expect(message).toContain('Si cette personne est peut-être en danger immédiat, appelle le 112 maintenant');
    expect(message).toContain('1813');
    expect(message).not.toContain('éloigne-toi de tout ce qui pourrait servir à te faire du mal');
  });
});
