/**
 * Two bot instances on one store (crisis lane, item c). The language a person was last written to
 * in is stored, so that a lone "hallo" or "ok" keeps it. Each instance also remembered what it
 * had stored, to skip writing an unchanged language; but when the other instance had meanwhile
 * stored another one, the skipped write left the store stale, and the next short message, on
 * either instance, was answered in the language before last. The language is now compared with
 * the store at the message. Two real bots (engine, policies) share one SQLite file; the model is
 * down, so what the person reads is the bot's own text in the language it chose.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startHarness, tempDbPath, type Harness } from '../helpers/bot-harness.js';
import { loadModelPolicy } from '../../src/policy/model-policy.js';
import { POLICIES_DIR } from './helpers.js';

const bots: Harness[] = [];
afterEach(async () => { for (const b of bots.splice(0)) await b.close(); });

const texts = (locale: string) => loadModelPolicy(POLICIES_DIR).texts(locale);
const GERMAN = 'ich hatte heute einen sehr langen Tag bei der Arbeit und bin müde';
const GERMAN_AGAIN = 'und morgen muss ich schon wieder so früh aufstehen, das nervt mich';
const SPANISH = 'hoy tuve un día muy largo en el trabajo y no sé qué hacer con mi jefe';

async function twoInstances(): Promise<[Harness, Harness]> {
  const dbPath = tempDbPath('oyster-two-instances-');
  const down = () => ({ status: 503, content: '' });
  const a = await startHarness({ dbPath, reply: down });
  bots.push(a);
  const b = await startHarness({ dbPath, reply: down });
  bots.push(b);
  return [a, b];
}

describe('the last language with two instances on one store', () => {
  it('answers a short message in the language of the last message, whichever instance handled it', async () => {
    const [a, b] = await twoInstances();
    await a.adapter.receive({ text: GERMAN, id: 'm1' });
    await b.adapter.receive({ text: SPANISH, id: 'm2' });
    // Instance A stored German earlier; the store now says Spanish, and the person is back to German.
    await a.adapter.receive({ text: GERMAN_AGAIN, id: 'm3' });
    expect(a.adapter.sent.at(-1)!.text).toBe(texts('de').model_unavailable);

    await b.adapter.receive({ text: 'hallo', id: 'm4' });
    expect(b.adapter.sent.at(-1)!.text).toBe(texts('de').model_unavailable);
    await a.adapter.receive({ text: 'ok', id: 'm5' });
    expect(a.adapter.sent.at(-1)!.text).toBe(texts('de').model_unavailable);
  });

  it('keeps the language the other instance stored when this one last saw another', async () => {
    const [a, b] = await twoInstances();
    await a.adapter.receive({ text: SPANISH, id: 'm1' });
    await b.adapter.receive({ text: GERMAN, id: 'm2' });
    await a.adapter.receive({ text: 'hola', id: 'm3' });
    // Read from the store at the message: German, from instance B.
    expect(a.adapter.sent.at(-1)!.text).toBe(texts('de').model_unavailable);
  });
});
