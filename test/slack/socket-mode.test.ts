/**
 * Socket Mode end to end: the real bolt App calls apps.connections.open with the xapp- token,
 * connects to the fake's WebSocket, gets hello, receives an events_api envelope and acks it;
 * the real engine (createBot, SQLite, fake model) answers through chat.postMessage.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSlackAdapter, type SlackAdapter } from '../../adapters/slack/index.js';
import { loadConfig } from '../../src/config.js';
import { silentLogger } from '../../src/logger.js';
import { createBot, type Bot } from '../../src/main.js';
import { eventCallback, startFakeSlack, type FakeSlack } from '../fakes/fake-slack.js';
import { startFakeModel, type FakeModel } from '../fakes/fake-model.js';
import { waitFor } from '../helpers/wait-for.js';
import { DM, dmEvent } from './fixtures.js';
import { testConfig } from './harness.js';

let fake: FakeSlack;
let model: FakeModel;
let adapter: SlackAdapter;
let bot: Bot;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'oyster-slack-socket-'));
  fake = await startFakeSlack();
  model = await startFakeModel({ reply: () => 'Hello over the socket.' });
  adapter = createSlackAdapter(testConfig(fake, { mode: 'socket', appToken: 'xapp-1-A0APP-test', signingSecret: undefined }), { logger: silentLogger });
  const config = loadConfig({ OYSTER_DB_PATH: join(dir, 'bot.db'), OYSTER_BASE_URL: model.url, OYSTER_MAX_RETRIES: '0', LOG_LEVEL: 'silent', RISK_JUDGE: 'off' });
  bot = await createBot({ config, adapters: [adapter], logger: silentLogger });
  await bot.start();
  await fake.socketConnected();
});
afterAll(async () => {
  // Stop the app before the fake, or the client logs a WebSocket error (PLATFORMS.md §5.2).
  await bot?.stop();
  await fake?.close();
  await model?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('slack adapter in Socket Mode', () => {
  it('acks an events_api envelope and answers the DM', async () => {
    expect(fake.callsTo('apps.connections.open')[0]!.token).toBe('xapp-1-A0APP-test');
    expect(adapter.port).toBeUndefined();
    const ack = await fake.sendEnvelope('events_api', eventCallback(dmEvent('hi, are you there?')));
    expect(ack).toMatchObject({ envelope_id: expect.stringMatching(/^env-/) });
    const [reply] = await waitFor(() => fake.callsTo('chat.postMessage').length === 1 && fake.callsTo('chat.postMessage'));
    expect(reply!.args).toMatchObject({ channel: DM, text: 'Hello over the socket.' });
    expect(reply!.token).toBe('xoxb-test-token');
    expect(model.calls[0]!.messages.at(-1)!.content).toBe('hi, are you there?');
  });
});
