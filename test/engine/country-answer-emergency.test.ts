/**
 * Once the person's country is known, the reviewed safe reply at imminent gives that country's
 * emergency number from the directory (policies/resources/MX.yaml: 911), not "your local emergency
 * number" (issue 12). Through the real engine with the model down, hung, and answering something
 * the output check blocks; and through the real CLI in Spanish with the model down and hung.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ScriptedReply } from '../fakes/fake-model.js';
import { startHarness, type Harness } from '../helpers/bot-harness.js';
import { refusedPort } from '../helpers/local-http.js';
import { CLI_TEST_TIMEOUT_MS, runCli } from '../cli/run-cli.js';
import { useSilentServer } from '../helpers/silent-server.js';

let h: Harness | undefined;
afterEach(async () => { await h?.close(); h = undefined; });

const IMMINENT = "I have all the pills in my hand and I'm taking them tonight. Goodbye everyone.";
const UNKNOWN_EMERGENCY = 'Please call your local emergency number or one of the lines I sent you';
const MEXICO_EMERGENCY = 'Please call **911** or one of the lines I sent you';

const models: Record<string, () => string | ScriptedReply> = {
  down: () => ({ status: 503 }),
  // Far longer than the harness's 3 s model timeout: the bot gives up on it and falls back.
  hung: () => ({ content: 'I am here with you.', delayMs: 60_000 }),
  // Blocked by the output check (a number Mexico's directory does not list): the reviewed reply instead.
  'answering with a number not listed for Mexico': () => 'Please call 999 right now.',
};

describe('the safe reply at imminent, after the person named their country', () => {
  for (const [how, reply] of Object.entries(models)) {
    it(`gives Mexico's emergency number, with the model ${how}`, async () => {
      h = await startHarness({ reply });
      await h.adapter.receive({ text: IMMINENT });
      const first = h.adapter.sent.filter((m) => m.kind === 'fallback');
      expect(first).toHaveLength(1);
      // No country known yet: the words, and no number.
      expect(first[0]!.text).toContain(UNKNOWN_EMERGENCY);
      const before = h.adapter.sent.length;

      await h.adapter.receive({ text: "I'm in Mexico" });

      const after = h.adapter.sent.slice(before);
      expect(after.map((m) => m.kind)).toEqual(['resources', 'fallback']);
      expect(after[0]!.text).toContain('800 911 2000');
      expect(after[1]!.text).toContain(MEXICO_EMERGENCY);
      expect(after[1]!.text).not.toContain('local emergency number');
    });
  }
});

describe('the safe reply in the console chat, in Spanish, once the country is known', { timeout: CLI_TEST_TIMEOUT_MS }, () => {
  const silent = useSilentServer();

  const run = (baseUrl: string) => runCli(['start'], {
    env: {
      OYSTER_BASE_URL: baseUrl, OYSTER_DB_PATH: join(mkdtempSync(join(tmpdir(), 'oyster-emergency-cli-')), 'bot.db'),
      RISK_JUDGE: 'off', OYSTER_TIMEOUT_MS: '2000', OYSTER_MAX_RETRIES: '0',
    },
    stdin: 'ya tengo las pastillas en la mano, esta noche me las tomo todas\nestoy en México\n',
  });

  for (const how of ['down', 'hung'] as const) {
    it(`says "llama al 911" after "estoy en México", with the model ${how}`, async () => {
      const url = how === 'down' ? `http://127.0.0.1:${await refusedPort()}/v1` : `${silent.root()}/v1`;
      const r = await run(url);
      expect(r.code).toBe(0);
      // Before the country: the Spanish words; after it, Mexico's number (the console shows no bold marks).
      const answered = r.stdout.indexOf('Estas líneas son de México');
      expect(answered).toBeGreaterThan(0);
      expect(r.stdout.slice(0, answered)).toContain('Llama al número de emergencias de tu zona o a una de las líneas que te envié');
      expect(r.stdout.slice(answered)).toContain('Llama al 911 o a una de las líneas que te envié');
      expect(r.stdout.slice(answered)).not.toContain('número de emergencias de tu zona');
    });
  }
});
