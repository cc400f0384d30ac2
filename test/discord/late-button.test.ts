/**
 * A button press that reaches the bot after Discord's 3-second interaction deadline (one a moved
 * or restarted shard gets replayed) can no longer be acknowledged or answered privately. A
 * moderator's case button is acted on all the same: the alert is edited through REST and the
 * outcome is posted in the channel as a normal message naming the moderator. The fake's deadline
 * is set below any real latency here, so every callback is late.
 */
import { afterEach, beforeEach, expect, it } from 'vitest';
import { createDiscordAdapter } from '../../adapters/discord/index.js';
import type { CommandReply, CommandRequest, PlatformAdapter } from '../../src/ports.js';
import { startFakeDiscord, type FakeDiscord } from '../fakes/fake-discord.js';
import { buttonPayload, fakeUser } from '../fakes/fake-discord-world.js';
import { waitFor } from '../helpers/wait-for.js';
import { alertView } from './fixtures.js';
import { captureLogs, RecordingHandlers, testConfig } from './helpers.js';

let fake: FakeDiscord;
let adapter: PlatformAdapter | undefined;

beforeEach(async () => {
  fake = await startFakeDiscord({ interactionDeadlineMs: -1 });
});
afterEach(async () => {
  await adapter?.stop();
  adapter = undefined;
  await fake.close();
});

async function started(answer: (c: CommandRequest) => CommandReply) {
  const logs = captureLogs();
  const handlers = new RecordingHandlers(answer);
  adapter = createDiscordAdapter(testConfig(fake), { logger: logs.logger });
  await adapter.start(handlers);
  return { handlers, logs };
}

const inModerators = () => fake.posted.filter((p) => p.channelId === fake.world.channels.moderators);

it('acts on a late case button, edits the alert through REST and confirms in the channel to the moderator', async () => {
  const { handlers, logs } = await started((c) => ({
    ok: true, private: true, text: 'Acknowledged. Introduce yourself as a volunteer.',
    updatedAlert: alertView({ alertId: 41, kind: 'update', status: 'acknowledged', actedBy: c.actor.displayName, actedAt: '2025-03-14T09:35:00.000Z' }),
  }));
  const { ref } = await adapter!.moderatorSink!.deliver(alertView());
  const bob = fakeUser(fake.world, 'bob');
  fake.interaction(buttonPayload(fake.world, {
    id: '810000000000000001', token: 'late-press', from: bob, customId: 'case:ack:12', message: { id: ref!, channelId: fake.world.channels.moderators },
  }));
  await waitFor(() => inModerators().length === 2, { what: 'the confirmation after the alert' });
  // The deferral was refused as too late; the core acted anyway, as for any press.
  expect(fake.callbacks).toEqual([]);
  expect(fake.requests.some((r) => r.path === '/interactions/810000000000000001/late-press/callback' && r.status === 404)).toBe(true);
  expect(handlers.commands).toHaveLength(1);
  expect(handlers.commands[0]).toMatchObject({ name: 'case', args: ['ack', '12'], actor: { id: bob.id, roleIds: [fake.world.roles.moderator] } });
  const patch = await waitFor(() => fake.requests.find((r) => r.method === 'PATCH' && r.path === `/channels/${fake.world.channels.moderators}/messages/${ref}`));
  expect(JSON.stringify(patch.body.embeds)).toContain('acknowledged by');
  expect(patch.body.components[0].components[0].disabled).toBe(true);
  const confirmation = inModerators()[1]!.body;
  expect(confirmation.content).toMatch(new RegExp(`^<@${bob.id}> .*3-second limit.*\\nAcknowledged\\. Introduce yourself as a volunteer\\.$`, 's'));
  expect(confirmation.allowed_mentions).toEqual({ parse: [], users: [bob.id] });
  // Nothing went through the interaction webhook, which no longer exists.
  expect(fake.webhookCalls).toEqual([]);
  expect(logs.entries().find((e) => e.msg === 'discord case button answered late: acted on and confirmed in the channel'))
    .toMatchObject({ level: 40, action: 'ack', caseId: '12', actorId: bob.id, ok: true });
});

it('confirms a late refusal in the channel too, without touching the alert', async () => {
  const { handlers } = await started(() => ({ ok: false, private: true, text: 'Only moderators can act on cases.' }));
  const { ref } = await adapter!.moderatorSink!.deliver(alertView());
  const alice = fakeUser(fake.world, 'alice');
  fake.interaction(buttonPayload(fake.world, {
    id: '810000000000000002', token: 'late-refused', from: alice, customId: 'case:resolve:12', message: { id: ref!, channelId: fake.world.channels.moderators },
  }));
  await waitFor(() => inModerators().length === 2, { what: 'the confirmation' });
  expect(handlers.commands).toHaveLength(1);
  expect(inModerators()[1]!.body.content).toMatch(new RegExp(`^<@${alice.id}> .*\\nOnly moderators can act on cases\\.$`, 's'));
  expect(fake.requests.filter((r) => r.method === 'PATCH')).toEqual([]);
});

it('does not act on a late button of a private prompt (delete my data): nothing may answer it outside the reply', async () => {
  const { handlers, logs } = await started(() => ({ ok: true, private: true, text: 'Deleted.' }));
  fake.interaction(buttonPayload(fake.world, {
    id: '810000000000000003', token: 'late-forget', from: fakeUser(fake.world, 'alice'), customId: 'forget:confirm',
    message: { id: '1300000000000000001', channelId: fake.world.channels.general },
  }));
  await waitFor(() => logs.entries().find((e) => e.msg === 'discord interaction failed'), { what: 'the expired press logged' });
  expect(logs.entries().find((e) => e.msg === 'discord interaction failed')).toMatchObject({ code: 'INTERACTION_EXPIRED' });
  expect(handlers.commands).toEqual([]);
  expect(fake.posted).toEqual([]);
});
