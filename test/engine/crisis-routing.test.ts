import { afterEach, describe, expect, it } from 'vitest';
import { held } from '../fakes/fake-model.js';
import { startHarness, type Harness } from '../helpers/bot-harness.js';
import { waitFor } from '../helpers/wait-for.js';

let h: Harness | undefined;
afterEach(async () => { await h?.close(); h = undefined; });

const US = { CRISIS_DEFAULT_COUNTRY: 'US' };
const HIGH = 'I keep thinking about killing myself and I do not know how to stop.';
const IMMINENT = 'I have all the pills in front of me and I am taking them tonight. This is goodbye.';
const MODERATE = 'Lately I wish I could fall asleep and just never wake up again.';
const SUPPORTIVE = 'I am really glad you told me. You matter, and you do not have to face this alone.';

describe('a conversation at risk', () => {
  it('sends verified resources before the model answers, then the checked reply, and opens one case (high)', async () => {
    h = await startHarness({ env: US, reply: () => ({ content: SUPPORTIVE, delayMs: 300 }) });
    await h.adapter.receive({ text: HIGH });
    expect(h.adapter.sent.map((m) => m.kind)).toEqual(['resources', 'reply']);
    expect(h.adapter.sent[0]!.text).toContain('988');
    expect(h.adapter.sent[1]!.text).toBe(SUPPORTIVE);
    await h.bot.drainAlerts();
    expect(h.sink.alerts).toHaveLength(1);
    expect(h.sink.alerts[0]).toMatchObject({ kind: 'new', level: 'high', priority: 'high', status: 'open', country: 'US', reachedPrivately: true });
    expect(h.model.calls[0]!.messages[0]!.content).toMatch(/may be at risk of suicide/);
  });

  it('puts the emergency number first and pages urgently (imminent)', async () => {
    h = await startHarness({ env: US, reply: () => SUPPORTIVE });
    await h.adapter.receive({ text: IMMINENT });
    const resources = h.adapter.sent[0]!;
    expect(resources.kind).toBe('resources');
    expect(resources.text.indexOf('911')).toBeGreaterThanOrEqual(0);
    expect(resources.text.indexOf('911')).toBeLessThan(resources.text.indexOf('988'));
    await h.bot.drainAlerts();
    expect(h.sink.alerts[0]).toMatchObject({ level: 'imminent', priority: 'urgent' });
  });

  it('gives a gentle resource message and a normal-priority alert (moderate)', async () => {
    h = await startHarness({ env: US, reply: () => SUPPORTIVE });
    await h.adapter.receive({ text: MODERATE });
    expect(h.adapter.sent.map((m) => m.kind)).toEqual(['resources', 'reply']);
    await h.bot.drainAlerts();
    expect(h.sink.alerts[0]).toMatchObject({ level: 'moderate', priority: 'normal' });
  });

  it('sends resources at once while the model is slow, without waiting for its answer', async () => {
    // The model answers only when the test releases it, after it has seen the resources: had
    // they waited for the model, they would never come (an event, not a long model delay).
    const model = held();
    h = await startHarness({ env: { ...US, OYSTER_TIMEOUT_MS: '30000' }, reply: () => ({ content: SUPPORTIVE, until: model.released }) });
    const started = Date.now();
    const handled = h.adapter.receive({ text: HIGH });
    await waitFor(() => h!.adapter.sent.find((m) => m.kind === 'resources'), { timeoutMs: 8_000 });
    expect(Date.now() - started).toBeLessThan(8_000);
    expect(h.adapter.sent.some((m) => m.kind === 'reply')).toBe(false);
    model.release();
    await handled;
    expect(h.adapter.sent.map((m) => m.kind)).toEqual(['resources', 'reply']);
  });

  it('sends resources for a crisis message while the same user\'s previous answer is still with the model', async () => {
    // The story is held until the test has seen the resources: had they waited for it, they
    // would never come.
    const story = held();
    h = await startHarness({ env: { ...US, OYSTER_TIMEOUT_MS: '30000' }, reply: (body) => (body.messages.at(-1)!.content === 'tell me a long story'
      ? { content: 'Once upon a time...', until: story.released } : SUPPORTIVE) });
    const first = h.adapter.receive({ text: 'tell me a long story' });
    await waitFor(() => h!.model.calls.length === 1);
    const second = h.adapter.receive({ text: HIGH });
    await waitFor(() => h!.adapter.sent.find((m) => m.kind === 'resources'), { timeoutMs: 10_000 });
    expect(h.adapter.sent.some((m) => m.text === 'Once upon a time...')).toBe(false);
    story.release();
    await Promise.all([first, second]);
    // The answers themselves still come in the order the messages were sent.
    expect(h.adapter.sent.map((m) => m.kind)).toEqual(['resources', 'reply', 'reply']);
    expect(h.adapter.sent[1]!.text).toBe('Once upon a time...');
  });

  it('still sends resources and a caring reply when the model is down', async () => {
    h = await startHarness({ env: US, reply: () => ({ status: 500 }) });
    await h.adapter.receive({ text: HIGH });
    expect(h.adapter.sent.map((m) => m.kind)).toEqual(['resources', 'fallback']);
    expect(h.adapter.sent[1]!.text).not.toMatch(/language model/);
    await h.bot.drainAlerts();
    expect(h.sink.alerts).toHaveLength(1);
  });

  it('replaces a model reply that writes its own phone number with the reviewed text', async () => {
    h = await startHarness({ env: US, reply: () => 'Please call 555-0142 right now, they can help.' });
    await h.adapter.receive({ text: HIGH });
    expect(h.adapter.sent.map((m) => m.kind)).toEqual(['resources', 'fallback']);
    expect(h.adapter.sent.some((m) => m.text.includes('555-0142'))).toBe(false);
  });

  it('opens one case and alerts once when the same message is redelivered', async () => {
    h = await startHarness({ env: US, reply: () => SUPPORTIVE });
    await h.adapter.receive({ id: 'crisis-1', text: HIGH });
    await h.adapter.receive({ id: 'crisis-1', text: HIGH });
    await h.bot.drainAlerts();
    expect(h.sink.alerts).toHaveLength(1);
    expect(h.adapter.sent.filter((m) => m.kind === 'resources')).toHaveLength(1);
  });

  it('escalates the open case when the level rises, without opening a second one', async () => {
    h = await startHarness({ env: US, reply: () => SUPPORTIVE });
    await h.adapter.receive({ text: HIGH });
    await h.adapter.receive({ text: IMMINENT });
    await h.bot.drainAlerts();
    expect(h.sink.alerts.map((a) => [a.kind, a.level])).toEqual([['new', 'high'], ['escalated', 'imminent']]);
    expect(new Set(h.sink.alerts.map((a) => a.caseId)).size).toBe(1);
    expect(h.adapter.sent.filter((m) => m.kind === 'resources')).toHaveLength(2);
  });

  it('gives help-a-friend resources to someone worried about a friend', async () => {
    h = await startHarness({ env: US, reply: () => SUPPORTIVE });
    await h.adapter.receive({ text: 'my friend says she wants to kill herself and I do not know what to do' });
    expect(h.adapter.sent[0]).toMatchObject({ kind: 'resources' });
    expect(h.adapter.sent[0]!.text).toMatch(/looking out for them/);
  });

  it('gives the writer their own resources when worry about a friend comes with their own risk', async () => {
    h = await startHarness({ env: US, reply: () => SUPPORTIVE });
    await h.adapter.receive({ text: 'my friend wants to kill herself and honestly I want to kill myself too' });
    expect(h.adapter.sent[0]!.text).not.toMatch(/looking out for them/);
    expect(h.adapter.sent[0]!.text).toContain('988');
  });

  it('asks for the country and shows the international directory when none is known', async () => {
    h = await startHarness({ reply: () => SUPPORTIVE });
    await h.adapter.receive({ text: HIGH });
    const resources = h.adapter.sent[0]!.text;
    expect(resources).toMatch(/findahelpline\.com/);
    expect(resources).toMatch(/which country/i);
  });

  it('uses the country the user chose', async () => {
    h = await startHarness({ reply: () => SUPPORTIVE });
    expect((await h.adapter.command('country', ['DE'])).ok).toBe(true);
    await h.adapter.receive({ text: HIGH });
    expect(h.adapter.sent[0]!.text).toContain('0800 111 0 111');
  });
});

describe('a crisis in a public channel', () => {
  it('posts only a short caring note in the channel and continues by private message', async () => {
    h = await startHarness({ env: US, reply: () => SUPPORTIVE });
    await h.adapter.receive({ text: HIGH, isDirect: false, mentionsBot: true });
    const inChannel = h.adapter.textsIn('general');
    expect(inChannel).toHaveLength(1);
    expect(inChannel[0]).not.toContain('killing');
    expect(inChannel[0]).not.toContain('988');
    const inDm = h.adapter.sent.filter((m) => m.conversation.channelId === 'dm-u1');
    expect(inDm.map((m) => m.kind)).toEqual(['resources', 'reply']);
    expect(h.adapter.sent.map((m) => m.kind).slice(0, 2)).toEqual(['resources', 'public-note']);
  });

  it('words the public note for the level: imminent adds the emergency line, moderate does not', async () => {
    h = await startHarness({ env: US, reply: () => SUPPORTIVE });
    await h.adapter.receive({ text: IMMINENT, isDirect: false, mentionsBot: true });
    expect(h.adapter.textsIn('general')).toHaveLength(1);
    // The country's emergency number itself, and no crisis line or list in public.
    expect(h.adapter.textsIn('general')[0]).toMatch(/please call \*\*911\*\*/);
    expect(h.adapter.textsIn('general')[0]).not.toContain('988');
    await h.close();
    h = await startHarness({ env: US, reply: () => SUPPORTIVE });
    await h.adapter.receive({ text: MODERATE, isDirect: false, mentionsBot: true });
    expect(h.adapter.textsIn('general')).toHaveLength(1);
    expect(h.adapter.textsIn('general')[0]).toMatch(/private message/);
    expect(h.adapter.textsIn('general')[0]).not.toMatch(/emergency/);
  });

  it('falls back to a minimal in-place resource and tells moderators when DMs are closed', async () => {
    h = await startHarness({ env: US, reply: () => SUPPORTIVE, adapter: { closedDms: ['u1'] } });
    await h.adapter.receive({ text: HIGH, isDirect: false, mentionsBot: true });
    const kinds = h.adapter.sent.map((m) => [m.conversation.channelId, m.kind]);
    expect(kinds).toEqual([['general', 'resources']]);
    expect(h.adapter.sent[0]!.text).toContain('988');
    expect(h.adapter.sent[0]!.text).not.toMatch(/sent you a private message/i);
    await h.bot.drainAlerts();
    expect(h.sink.alerts[0]).toMatchObject({ reachedPrivately: false });
  });

  it('discloses nothing about the person\'s risk in the in-place message when DMs are closed, at any level', async () => {
    for (const text of [MODERATE, HIGH, IMMINENT]) {
      h = await startHarness({ env: US, reply: () => SUPPORTIVE, adapter: { closedDms: ['u1'] } });
      await h.adapter.receive({ text, isDirect: false, mentionsBot: true });
      const inPlace = h.adapter.textsIn('general').join('\n');
      expect(inPlace).toContain('988');
      // Service names are the providers' own (988 "Suicide & Crisis Lifeline"); the bot's words around them say nothing.
      expect(inPlace.replace(/\*\*[^*]+\*\*/g, '')).not.toMatch(/suicid|thoughts|hurt yourself|act on|you are in danger|you told|kill|pills|goodbye/i);
      await h.close();
      h = undefined;
    }
  });

  it('steps in for an unaddressed message only when the risk is high', async () => {
    h = await startHarness({ env: US, reply: () => SUPPORTIVE });
    await h.adapter.receive({ text: IMMINENT, isDirect: false, mentionsBot: false });
    expect(h.adapter.sent.some((m) => m.kind === 'resources')).toBe(true);
    await h.adapter.receive({ text: 'this boss fight is killing me lol', userId: 'u2', isDirect: false, mentionsBot: false });
    expect(h.adapter.sent.filter((m) => m.conversation.channelId === 'dm-u2')).toHaveLength(0);
  });
});

describe('moderators', () => {
  it('refuses a case action from someone who is not a moderator, and lets a moderator acknowledge', async () => {
    h = await startHarness({ env: { ...US, MODERATOR_IDS: 'fake:mod1' }, reply: () => SUPPORTIVE });
    await h.adapter.receive({ text: HIGH });
    await h.bot.drainAlerts();
    const caseId = h.sink.alerts[0]!.caseId;
    const refused = await h.adapter.command('case', ['ack', String(caseId)], { id: 'u2', displayName: 'curious', roleIds: [] });
    expect(refused).toMatchObject({ ok: false, private: true });
    const done = await h.adapter.command('case', ['ack', String(caseId)], { id: 'mod1', displayName: 'Mo', roleIds: [] });
    expect(done.ok).toBe(true);
    expect(done.updatedAlert).toMatchObject({ status: 'acknowledged', actedBy: expect.stringContaining('Mo') });
  });

  it('lets a moderator pause the bot for a user, who then gets a one-time hand-off notice', async () => {
    h = await startHarness({ env: { ...US, MODERATOR_IDS: 'fake:mod1' }, reply: () => SUPPORTIVE });
    await h.adapter.receive({ text: HIGH });
    await h.bot.drainAlerts();
    const caseId = String(h.sink.alerts[0]!.caseId);
    expect((await h.adapter.command('case', ['pause', caseId], { id: 'mod1', displayName: 'Mo', roleIds: [] })).ok).toBe(true);
    const callsBefore = h.model.calls.length;
    await h.adapter.receive({ text: 'are you still there?' });
    await h.adapter.receive({ text: 'hello?' });
    expect(h.model.calls.length).toBe(callsBefore);
    expect(h.adapter.sent.filter((m) => m.kind === 'notice')).toHaveLength(1);
  });

  it('keeps delivering an alert after the sink recovers, exactly once', async () => {
    h = await startHarness({ env: US, reply: () => SUPPORTIVE });
    h.sink.failing = true;
    await h.adapter.receive({ text: HIGH });
    await h.bot.drainAlerts();
    expect(h.sink.alerts).toHaveLength(0);
    h.sink.failing = false;
    h.clock.advance(10 * 60_000);
    await h.bot.drainAlerts();
    await h.bot.drainAlerts();
    expect(h.sink.alerts).toHaveLength(1);
  });
});
