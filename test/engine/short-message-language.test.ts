/**
 * A lone short message ("hola", "ok", "hallo", "merci") is too short to tell its language, so the
 * bot must not fall back to English when it already knows the person's language (issue 12 item 5):
 * their stored /language choice first, then the language of their earlier messages, then the
 * community's language. Through the real engine, store and policies, with the model down after the
 * first answer, so what the person reads is the bot's own "can't reach my model" text; and once
 * through the real CLI, as a person in the console chat sees it.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CLI_TEST_TIMEOUT_MS, runCli } from '../cli/run-cli.js';
import { startHarness, type Harness } from '../helpers/bot-harness.js';
import type { ReplyScript } from '../fakes/fake-model.js';
import { loadModelPolicy } from '../../src/policy/model-policy.js';
import { POLICIES_DIR } from '../crisis/helpers.js';

let h: Harness | undefined;
afterEach(async () => { await h?.close(); h = undefined; });

const policy = loadModelPolicy(POLICIES_DIR);
const texts = (locale: string) => policy.texts(locale);
/** The model answers the first message, then is down. */
const downAfterFirst: ReplyScript = (_b, i) => (i === 0 ? 'Claro, cuéntame.' : { status: 503, content: '' });
const lastText = () => h!.adapter.sent.at(-1)!.text;

describe('the language of a lone short message', () => {
  it('follows the earlier messages: "hola" after Spanish gets Spanish, not English', async () => {
    h = await startHarness({ reply: downAfterFirst });
    await h.adapter.receive({ text: 'hoy tuve un día muy largo en el trabajo y no sé qué hacer con mi jefe' });
    await h.adapter.receive({ text: 'hola' });
    expect(lastText()).toBe(texts('es').model_unavailable);
  });

  for (const [earlier, short, locale] of [
    ['ich hatte heute einen sehr langen Tag bei der Arbeit und bin müde', 'hallo', 'de'],
    ["j'ai eu une très longue journée au travail et je suis fatigué", 'merci', 'fr'],
    ['hoje tive um dia muito longo no trabalho e estou cansado', 'ok', 'pt'],
  ] as const) {
    it(`"${short}" after ${locale} gets ${locale}`, async () => {
      h = await startHarness({ reply: downAfterFirst });
      await h.adapter.receive({ text: earlier });
      await h.adapter.receive({ text: short });
      expect(lastText()).toBe(texts(locale).model_unavailable);
    });
  }

  it('still follows a longer message that changes language', async () => {
    h = await startHarness({ reply: (_b, i) => (i === 0 ? 'Claro.' : { status: 503, content: '' }) });
    await h.adapter.receive({ text: 'hoy tuve un día muy largo en el trabajo y no sé qué hacer' });
    await h.adapter.receive({ text: 'sorry, can we switch to English? I find it easier to write in it' });
    expect(lastText()).toBe(texts('en').model_unavailable);
    await h.adapter.receive({ text: 'ok' });
    expect(lastText()).toBe(texts('en').model_unavailable);
  });

  it('lets the stored /language choice win over everything', async () => {
    h = await startHarness({ reply: downAfterFirst });
    await h.adapter.receive({ text: 'hoy tuve un día muy largo en el trabajo y no sé qué hacer con mi jefe' });
    await h.adapter.command('language', ['de']);
    await h.adapter.receive({ text: 'hola' });
    expect(lastText()).toBe(texts('de').model_unavailable);
  });

  it('remembers the language across a restart (it is stored, not held in memory)', async () => {
    h = await startHarness({ reply: downAfterFirst });
    const dbPath = h.dbPath;
    await h.adapter.receive({ text: "j'ai eu une très longue journée au travail et je suis fatigué" });
    await h.close();
    h = await startHarness({ reply: () => ({ status: 503, content: '' }), dbPath });
    // A new id: the new adapter counts from 1 again, and the store drops a message id it has seen.
    await h.adapter.receive({ text: 'merci', id: 'after-restart' });
    expect(lastText()).toBe(texts('fr').model_unavailable);
  });

  it('forgets it with /forget: a lone "hola" from a person the bot knows nothing of gets the fallback', async () => {
    h = await startHarness({ reply: downAfterFirst });
    await h.adapter.receive({ text: "j'ai eu une très longue journée au travail et je suis fatigué" });
    await h.adapter.command('forget', ['confirm']);
    await h.adapter.receive({ text: 'ok' });
    expect(lastText()).toBe(texts('en').model_unavailable);
  });
});

describe('the language of a lone short message in the console chat (real CLI)', () => {
  it('"hola" after a Spanish message gets the Spanish "can\'t reach my model" text', { timeout: CLI_TEST_TIMEOUT_MS }, async () => {
    const db = join(mkdtempSync(join(tmpdir(), 'oyster-short-lang-')), 'bot.db');
    // No model at all: every answer is the bot's own text, in the language it chose.
    const r = await runCli(['start'], {
      env: { OYSTER_BASE_URL: 'http://127.0.0.1:9/v1', OYSTER_MAX_RETRIES: '0', OYSTER_DB_PATH: db, RISK_JUDGE: 'off' },
      stdin: 'hoy tuve un día muy largo en el trabajo y no sé qué hacer con mi jefe\nhola\n',
    });
    expect(r.code).toBe(0);
    const spanish = texts('es').model_unavailable;
    expect(r.stdout.split(spanish).length - 1).toBe(2);
    expect(r.stdout).not.toContain(texts('en').model_unavailable);
  });
});
