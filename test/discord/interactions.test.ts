/**
 * Slash commands, buttons and moderator alerts through a real discord.js Client against the
 * fake, with recording handlers standing in for the core (the core's decisions are scripted).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { withDedupe } from '../../src/crisis/sink-dedupe.js';
import { createDiscordAdapter } from '../../adapters/discord/index.js';
import { silentLogger, type Logger } from '../../src/logger.js';
import type { CommandReply, CommandRequest, PlatformAdapter } from '../../src/ports.js';
import { startFakeDiscord, type FakeDiscord } from '../fakes/fake-discord.js';
import { buttonPayload, fakeUser, slashPayload } from '../fakes/fake-discord-world.js';
import { waitFor } from '../helpers/wait-for.js';
import { alertView } from './fixtures.js';
import { captureLogs, RecordingHandlers, testConfig } from './helpers.js';

let fake: FakeDiscord;
let adapter: PlatformAdapter | undefined;
let seq = 0;
const ids = () => {
  seq++;
  return { id: String(800000000000000000n + BigInt(seq)), token: `interaction-token-${seq}` };
};

beforeEach(async () => {
  fake = await startFakeDiscord();
});

afterEach(async () => {
  await adapter?.stop();
  adapter = undefined;
  await fake.close();
});

async function started(answer: (c: CommandRequest) => CommandReply | Promise<CommandReply>, logger: Logger = silentLogger): Promise<RecordingHandlers> {
  const handlers = new RecordingHandlers(answer);
  adapter = createDiscordAdapter(testConfig(fake), { logger });
  await adapter.start(handlers);
  return handlers;
}

const webhookEdits = () => fake.webhookCalls.filter((c) => c.method === 'PATCH');
const followups = () => fake.webhookCalls.filter((c) => c.method === 'POST');

describe('discord slash commands', () => {
  it('defers ephemerally, passes the command to the core and edits in the answer', async () => {
    const handlers = await started(() => ({ ok: true, private: true, text: 'Your country is now **DE**.' }));
    const bob = fakeUser(fake.world, 'bob');
    fake.interaction(slashPayload(fake.world, { ...ids(), from: bob, name: 'country', options: [{ name: 'code', type: 3, value: 'de' }] }));
    await waitFor(() => webhookEdits().length > 0);
    expect(fake.callbacks[0]).toMatchObject({ type: 5, data: { flags: 64 } });
    expect(handlers.commands[0]).toMatchObject({
      name: 'country', args: ['de'], isDirect: false,
      actor: { id: bob.id, displayName: 'Bob', roleIds: [fake.world.roles.moderator] },
      conversation: { platform: 'discord', channelId: fake.world.channels.general, communityId: fake.world.guild.id },
    });
    expect(webhookEdits()[0]!.body).toMatchObject({ content: 'Your country is now **DE**.', allowed_mentions: { parse: [] } });
  });

  it('acknowledges within the 3-second window even when the core is slow', async () => {
    await fake.close();
    fake = await startFakeDiscord({ interactionDeadlineMs: 3_000 });
    // The core answers only when the test lets it: the acknowledgement must come first.
    let release!: () => void;
    const held = new Promise<void>((r) => { release = r; });
    let answered = false;
    await started(async () => {
      await held;
      answered = true;
      return { ok: true, private: true, text: 'slow but here' };
    });
    fake.interaction(slashPayload(fake.world, { ...ids(), from: fakeUser(fake.world, 'alice'), name: 'help' }));
    await waitFor(() => fake.callbacks.length > 0, { timeoutMs: 10_000, what: 'the acknowledgement' });
    expect(answered).toBe(false);
    expect(fake.callbacks[0]!.latencyMs).toBeLessThan(3_000);
    release();
    await waitFor(() => webhookEdits().length > 0, { timeoutMs: 10_000, what: 'the edited-in answer' });
    expect(fake.callbacks).toHaveLength(1);
    expect(webhookEdits()[0]!.body.content).toBe('slow but here');
  });

  it('maps /case subcommands with their options', async () => {
    const handlers = await started(() => ({ ok: true, private: true, text: 'noted' }));
    fake.interaction(slashPayload(fake.world, {
      ...ids(), from: fakeUser(fake.world, 'bob'), name: 'case',
      options: [{ name: 'resolve', type: 1, options: [{ name: 'id', type: 4, value: 12 }, { name: 'outcome', type: 3, value: 'reached_service' }] }],
    }));
    await waitFor(() => handlers.commands.length > 0);
    expect(handlers.commands[0]).toMatchObject({ name: 'case', args: ['resolve', '12', 'reached_service'] });
  });

  it('answers in a DM with isDirect and no community', async () => {
    const handlers = await started(() => ({ ok: true, private: true, text: 'help text' }));
    fake.interaction(slashPayload(fake.world, { ...ids(), from: fakeUser(fake.world, 'alice'), name: 'help', dm: true }));
    await waitFor(() => handlers.commands.length > 0);
    expect(handlers.commands[0]!.isDirect).toBe(true);
    expect(handlers.commands[0]!.actor.roleIds).toEqual([]);
    expect(handlers.commands[0]!.conversation.communityId).toBeUndefined();
  });

  it('sends a long answer as the edited reply plus ephemeral follow-ups within 2000 each', async () => {
    await started(() => ({ ok: true, private: true, text: 'Here is your data. '.repeat(250) }));
    fake.interaction(slashPayload(fake.world, { ...ids(), from: fakeUser(fake.world, 'alice'), name: 'export' }));
    await waitFor(() => followups().length >= 2);
    const parts = [webhookEdits()[0]!.body, ...followups().map((f) => f.body)];
    for (const p of parts) expect(p.content.length).toBeLessThanOrEqual(2000);
    for (const f of followups()) expect(f.body.flags & 64).toBe(64);
  });

  it('sends a very long answer as one private file instead of a wall of messages', async () => {
    await started(() => ({ ok: true, private: true, text: ['```json', ...Array.from({ length: 600 }, (_, i) => `  "line ${i}": "some stored text",`), '```'].join('\n') }));
    fake.interaction(slashPayload(fake.world, { ...ids(), from: fakeUser(fake.world, 'alice'), name: 'export' }));
    await waitFor(() => webhookEdits().length > 0);
    expect(webhookEdits()[0]!.body.files).toEqual(['oyster-export.md']);
    expect(followups()).toHaveLength(0);
  });

  it('offers a delete button after /forget, and the button confirms for whoever presses it', async () => {
    const handlers = await started((c) => ({ ok: true, private: true, text: c.args[0] === 'confirm' ? 'Deleted 3 records.' : 'This deletes everything. Sure?' }));
    const alice = fakeUser(fake.world, 'alice');
    fake.interaction(slashPayload(fake.world, { ...ids(), from: alice, name: 'forget' }));
    await waitFor(() => webhookEdits().length > 0);
    const button = webhookEdits()[0]!.body.components[0].components[0];
    expect(button.custom_id).toBe('forget:confirm');
    fake.interaction(buttonPayload(fake.world, { ...ids(), from: alice, customId: button.custom_id, message: { id: '700000000000000001', channelId: fake.world.channels.general } }));
    await waitFor(() => webhookEdits().length > 1);
    expect(handlers.commands[1]).toMatchObject({ name: 'forget', args: ['confirm'], actor: { id: alice.id } });
    expect(webhookEdits()[1]!.body).toMatchObject({ content: 'Deleted 3 records.', components: [] });
  });
});

describe('discord moderator alerts', () => {
  it('posts the alert with buttons to the moderator channel, once per alert id behind the core dedupe', async () => {
    await started(() => ({ ok: true, private: true, text: '' }));
    const sink = withDedupe(adapter!.moderatorSink!);
    const first = await sink.deliver(alertView());
    const again = await sink.deliver(alertView());
    expect(again).toEqual(first);
    expect(fake.posted).toHaveLength(1);
    expect(fake.posted[0]!.channelId).toBe(fake.world.channels.moderators);
    expect(fake.posted[0]!.body.components[0].components.map((b: { custom_id: string }) => b.custom_id)).toEqual(['case:ack:12', 'case:resolve:12']);
    expect(fake.posted[0]!.body.allowed_mentions).toEqual({ parse: [], replied_user: false });
  });

  it('posts an alert once even when a restarted process delivers it again: the nonce comes from the alert id', async () => {
    await started(() => ({ ok: true, private: true, text: '' }));
    const first = await adapter!.moderatorSink!.deliver(alertView({ alertId: 77 }));
    // A new process has no memory of the first post (a crash before the outbox marked it delivered).
    await adapter!.stop();
    adapter = createDiscordAdapter(testConfig(fake), { logger: silentLogger });
    await adapter.start(new RecordingHandlers());
    const again = await adapter.moderatorSink!.deliver(alertView({ alertId: 77 }));
    expect(again).toEqual(first);
    const other = await adapter.moderatorSink!.deliver(alertView({ alertId: 78 }));
    expect(other.ref).not.toEqual(first.ref);
    expect(fake.posted.filter((p) => p.channelId === fake.world.channels.moderators)).toHaveLength(2);
    expect(fake.posted[0]!.body).toMatchObject({ enforce_nonce: true, nonce: expect.any(String) });
    expect(String(fake.posted[0]!.body.nonce).length).toBeLessThanOrEqual(25);
  });

  it('edits the alert in place with who acknowledged it when a moderator presses the button', async () => {
    const handlers = await started((c) => ({
      ok: true, private: true, text: 'Acknowledged.',
      updatedAlert: alertView({ alertId: 41, kind: 'update', status: 'acknowledged', actedBy: c.actor.displayName, actedAt: '2025-03-14T09:35:00.000Z' }),
    }));
    const { ref } = await adapter!.moderatorSink!.deliver(alertView());
    fake.interaction(buttonPayload(fake.world, { ...ids(), from: fakeUser(fake.world, 'bob'), customId: 'case:ack:12', message: { id: ref!, channelId: fake.world.channels.moderators } }));
    await waitFor(() => webhookEdits().length > 0);
    expect(fake.callbacks[0]!.type).toBe(6); // deferred update: no new message
    expect(handlers.commands[0]).toMatchObject({ name: 'case', args: ['ack', '12'], actor: { roleIds: [fake.world.roles.moderator] } });
    const edit = webhookEdits()[0]!;
    expect(edit.path).toMatch(/\/messages\/@original$/);
    expect(JSON.stringify(edit.body.embeds)).toContain('acknowledged by');
    expect(JSON.stringify(edit.body.embeds)).toContain('Bob');
    expect(edit.body.components[0].components[0].disabled).toBe(true);
    await waitFor(() => followups().length > 0);
    expect(followups()[0]!.body).toMatchObject({ content: 'Acknowledged.', flags: 64 });
  });

  it('shows a refusal only to the member who pressed the button, and logs who tried', async () => {
    const lines = captureLogs();
    await started(() => ({ ok: false, private: true, text: 'Only moderators can act on cases.' }), lines.logger);
    const { ref } = await adapter!.moderatorSink!.deliver(alertView());
    fake.interaction(buttonPayload(fake.world, { ...ids(), from: fakeUser(fake.world, 'alice'), customId: 'case:resolve:12', message: { id: ref!, channelId: fake.world.channels.moderators } }));
    await waitFor(() => followups().length > 0);
    expect(followups()[0]!.body).toMatchObject({ content: 'Only moderators can act on cases.', flags: 64 });
    expect(webhookEdits()).toHaveLength(0);
    const refusal = lines.entries().find((e) => e.msg === 'discord command refused');
    expect(refusal).toMatchObject({ level: 40, actorId: fakeUser(fake.world, 'alice').id, action: 'resolve', caseId: '12', viaButton: true });
    expect(JSON.stringify(lines.entries())).not.toContain('Only moderators');
  });

  it('logs an error at startup when the moderator channel cannot be reached', async () => {
    const lines = captureLogs();
    const handlers = new RecordingHandlers();
    adapter = createDiscordAdapter(testConfig(fake, { moderatorChannelId: '299999999999999999' }), { logger: lines.logger });
    await adapter.start(handlers);
    expect(lines.entries().find((e) => e.level === 50)?.msg).toMatch(/moderator channel is not reachable/);
  });

  it('edits the alert message its ref names when the core brings a status change', async () => {
    await started(() => ({ ok: true, private: true, text: '' }));
    const { ref } = await adapter!.moderatorSink!.deliver(alertView());
    await adapter!.moderatorSink!.edit!(ref!, alertView({ alertId: 43, kind: 'update', status: 'resolved', actedBy: 'Bob' }));
    const patch = fake.requests.find((r) => r.method === 'PATCH' && r.path.endsWith(`/messages/${ref}`))!;
    expect(patch.path).toBe(`/channels/${fake.world.channels.moderators}/messages/${ref}`);
    expect(JSON.stringify(patch.body.embeds)).toContain('resolved by');
  });
});
