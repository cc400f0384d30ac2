/**
 * Socket Mode: the real bolt App opens apps.connections.open with the xapp- token, connects to
 * the fake's WebSocket, gets hello, receives an events_api envelope, acks it, and the answer
 * goes out through chat.postMessage.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSlackAdapter, type SlackAdapter } from '../../adapters/slack/index.js';
import { silentLogger } from '../../src/logger.js';
import { eventCallback, startFakeSlack, type FakeSlack } from '../fakes/fake-slack.js';
import { waitFor } from '../helpers/wait-for.js';
import { DM, dmEvent } from './fixtures.js';
import { RecordingHandlers, testConfig } from './harness.js';

let fake: FakeSlack;
let adapter: SlackAdapter;
const handlers = new RecordingHandlers();

beforeAll(async () => {
  fake = await startFakeSlack();
  adapter = createSlackAdapter(testConfig(fake, { mode: 'socket', appToken: 'xapp-1-A0APP-test', signingSecret: undefined }), { logger: silentLogger });
  // Stands in for the engine: answer every message in its conversation.
  handlers.onMessageImpl = async (m) => {
    await adapter.send({ conversation: m.conversation, text: `Echo: ${m.text}`, kind: 'reply' });
  };
  await adapter.start(handlers);
  await fake.socketConnected();
});
afterAll(async () => {
  // Stop the app before the fake, or the client logs a WebSocket error (PLATFORMS.md §5.2).
  await adapter.stop();
  await fake.close();
});

describe('slack adapter in Socket Mode', () => {
  it('acks an events_api envelope and answers the DM', async () => {
    expect(fake.callsTo('apps.connections.open')[0]!.token).toBe('xapp-1-A0APP-test');
    expect(adapter.port).toBeUndefined();
    const ack = await fake.sendEnvelope('events_api', eventCallback(dmEvent('over the socket')));
    expect(ack).toMatchObject({ envelope_id: expect.stringMatching(/^env-/) });
    const [reply] = await waitFor(() => fake.callsTo('chat.postMessage').length === 1 && fake.callsTo('chat.postMessage'));
    expect(reply!.args).toMatchObject({ channel: DM, text: 'Echo: over the socket' });
    expect(reply!.token).toBe('xoxb-test-token');
  });
});
