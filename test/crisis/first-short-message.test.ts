/**
 * A lone short first message from a person the bot knows nothing of ("hola", "bonjour", "xin chào")
 * is written back to in the language its words name (policies/short-words.yaml), not in English
 * (issue 12). Words that name several languages ("hallo": German and Dutch) or none ("ok") get the
 * fallback: the bot does not guess. A word the table does not know ("hola María") is left to the
 * screen's reading of the message (policies/detection/language-id.yaml). Through the real
 * engine, store and policies with the model down, so what the person reads is the bot's own
 * "can't reach my model" text; once through the real CLI; and the table's load-time checks.
 */
import { cpSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadShortWords } from '../../src/crisis/short-words.js';
import { loadModelPolicy } from '../../src/policy/model-policy.js';
import { CLI_TEST_TIMEOUT_MS, runCli } from '../cli/run-cli.js';
import { startHarness, type Harness } from '../helpers/bot-harness.js';
import { POLICIES_DIR } from './helpers.js';

let h: Harness | undefined;
afterEach(async () => { await h?.close(); h = undefined; });

const texts = (locale: string) => loadModelPolicy(POLICIES_DIR).texts(locale);
const down = () => ({ status: 503, content: '' });
const lastText = () => h!.adapter.sent.at(-1)!.text;

describe('the language of a lone short first message', () => {
  for (const [message, locale] of [
    ['hola', 'es'], ['Bonjour !', 'fr'], ['xin chào', 'vi'], ['Merhaba', 'tr'], ['hallo zusammen', 'de'],
    ['hallo allemaal', 'nl'], ['Dzień dobry', 'pl'], ['bom dia', 'pt'], ['buongiorno', 'it'], ['selamat pagi', 'id'],
    ['hola, qué tal?', 'es'], ['İYİ AKŞAMLAR', 'tr'],
  ] as const) {
    it(`"${message}" gets ${locale}`, async () => {
      h = await startHarness({ reply: down });
      await h.adapter.receive({ text: message });
      expect(lastText()).toBe(texts(locale).model_unavailable);
    });
  }

  // A word the table does not know leaves the choice to the screen's reading of the message
  // (policies/detection/language-id.yaml), which knows "hola" as Spanish.
  it('"hola María" gets es from the screen\'s reading, the table naming none', async () => {
    h = await startHarness({ reply: down });
    await h.adapter.receive({ text: 'hola María' });
    expect(lastText()).toBe(texts('es').model_unavailable);
  });

  for (const message of ['hallo', 'ok', 'hola hello', '👋']) {
    it(`"${message}" names no one language and gets the fallback (English)`, async () => {
      h = await startHarness({ reply: down });
      await h.adapter.receive({ text: message });
      expect(lastText()).toBe(texts('en').model_unavailable);
    });
  }

  it('is remembered: a following "ok" stays in that language', async () => {
    h = await startHarness({ reply: down });
    await h.adapter.receive({ text: 'bonjour' });
    await h.adapter.receive({ text: 'ok' });
    expect(h.adapter.sent.map((m) => m.text)).toEqual([texts('fr').model_unavailable, texts('fr').model_unavailable]);
  });

  it("comes after what the bot knows of the person, and before the community's language", async () => {
    h = await startHarness({ reply: down, env: { MODERATOR_IDS: 'fake:mod1' } });
    await h.adapter.command('language', ['community', 'de'], { id: 'mod1', displayName: 'mod', roleIds: [] }, true);
    // A newcomer in the community: their words name French, the community's language is German.
    await h.adapter.receive({ userId: 'u2', text: 'bonjour', isDirect: false, mentionsBot: true });
    expect(lastText()).toBe(texts('fr').model_unavailable);
    // Words that name none still get the community's language.
    await h.adapter.receive({ userId: 'u3', text: 'ok', isDirect: false, mentionsBot: true });
    expect(lastText()).toBe(texts('de').model_unavailable);
    // A person who wrote Spanish before keeps Spanish for "merci".
    await h.adapter.receive({ userId: 'u4', text: 'hoy tuve un día muy largo en el trabajo y no sé qué hacer con mi jefe' });
    await h.adapter.receive({ userId: 'u4', text: 'merci' });
    expect(lastText()).toBe(texts('es').model_unavailable);
  });
});

describe('a lone "hola" as the first message in the console chat (real CLI)', () => {
  it('gets the Spanish "can\'t reach my model" text', { timeout: CLI_TEST_TIMEOUT_MS }, async () => {
    const r = await runCli(['start'], {
      env: {
        OYSTER_BASE_URL: 'http://127.0.0.1:9/v1', OYSTER_MAX_RETRIES: '0', RISK_JUDGE: 'off',
        OYSTER_DB_PATH: join(mkdtempSync(join(tmpdir(), 'oyster-first-short-')), 'bot.db'),
      },
      stdin: 'hola\n',
    });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(texts('es').model_unavailable);
    expect(r.stdout).not.toContain(texts('en').model_unavailable);
  });
});

describe('policies/short-words.yaml is checked at load', () => {
  const withTable = (yaml: string) => {
    const dir = join(mkdtempSync(join(tmpdir(), 'oyster-short-words-')), 'policies');
    cpSync(POLICIES_DIR, dir, { recursive: true });
    writeFileSync(join(dir, 'short-words.yaml'), yaml);
    return () => loadShortWords(dir, new Set(['en', 'es', 'fr']));
  };
  const review = 'review:\n  native_speaker: pending\n';

  it('names the file, the field and the fix for a language without templates', () => {
    expect(withTable(`${review}languages:\n  xx: [hola]\n`)).toThrow(/short-words\.yaml at languages\.xx: "xx" has no templates\. Fix:/);
  });

  it('rejects an entry written twice, in capitals, or of more than three words', () => {
    expect(withTable(`${review}languages:\n  es: [hola, hola]\n`)).toThrow(/languages\.es\[1\]: "hola" is listed twice/);
    expect(withTable(`${review}languages:\n  es: [Hola]\n`)).toThrow(/languages\.es\[0\]/);
    expect(withTable(`${review}languages:\n  es: [muy buenas tardes amigo]\n`)).toThrow(/one to three lowercase words/);
  });

  it('loads the shipped table', () => {
    const named = loadShortWords(POLICIES_DIR, new Set(['en', 'es', 'fr', 'de', 'nl', 'it', 'pt', 'pl', 'tr', 'id', 'vi']));
    expect(named('hola')).toBe('es');
    expect(named('hallo')).toBeUndefined();
  });
});
