/**
 * The country answer as a person sees it in the real CLI (console chat, piped lines): the bot
 * asks for the country, the person names one that has no checked lines, and the next thing on
 * screen is the international lines with a plain sentence saying so, in the person's language.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeModel, type FakeModel } from '../fakes/fake-model.js';
import { CLI_TEST_TIMEOUT_MS, runCli } from '../cli/run-cli.js';

let model: FakeModel;
beforeAll(async () => {
  model = await startFakeModel({ reply: () => 'I am really glad you told me. You matter.' });
});
afterAll(async () => { await model.close(); });

const env = () => ({
  OYSTER_BASE_URL: model.url, OYSTER_DB_PATH: join(mkdtempSync(join(tmpdir(), 'oyster-country-cli-')), 'bot.db'), RISK_JUDGE: 'off',
});

/** Everything the person read after the bot's country question (its lines and the reply); the question must be there. */
function afterQuestion(stdout: string, question: string): string {
  const asked = stdout.indexOf(question);
  expect(asked).toBeGreaterThanOrEqual(0);
  return stdout.slice(asked + question.length);
}

describe('the country answer in the console chat', { timeout: CLI_TEST_TIMEOUT_MS }, () => {
  it('"Estoy en Islandia" after the question: Spanish international lines, saying plainly that none are checked for Iceland', async () => {
    const r = await runCli(['start'], {
      env: env(),
      stdin: 'tengo todas las pastillas en la mano y esta noche me las tomo. adiós a todos\nEstoy en Islandia\n',
    });
    expect(r.code).toBe(0);
    const question = '¿En qué país estás?';
    const after = afterQuestion(r.stdout, question);
    expect(after).toContain('Todavía no tengo líneas verificadas para Islandia');
    expect(after).toContain('findahelpline.com');
    expect(after).toContain('número de emergencias de tu zona');
    expect(after).not.toContain(question);
    expect(after).not.toMatch(/Which country|I don't have checked lines/);
  });

  it('"Island" after the question in German: German international lines for Iceland; in Vietnamese, "phương pháp" sets no country', async () => {
    const r = await runCli(['start'], {
      env: env(),
      stdin: 'ich habe die Tabletten schon hier, heute Nacht nehme ich alle\nIsland\n',
    });
    expect(r.code).toBe(0);
    const after = afterQuestion(r.stdout, 'In welchem Land bist du?');
    expect(after).toContain('Für Island habe ich noch keine geprüften Stellen');
    expect(after).toContain('findahelpline.com');

    const vi = await runCli(['start'], { env: env(), stdin: 'tôi muốn tự tử, tôi không muốn sống nữa\ncó phương pháp nào khác không\n' });
    expect(vi.code).toBe(0);
    // France's line (3114) never appears: "pháp" in "phương pháp" is not France.
    expect(vi.stdout).not.toContain('3114');
    expect(vi.stdout).not.toContain('Đây là các đường dây dành cho: Pháp');
  });
});
