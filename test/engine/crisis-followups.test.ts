import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { AlertDigest, AlertView, ModeratorSink } from '../../src/ports.js';
import { startHarness, type Harness } from '../helpers/bot-harness.js';

let h: Harness | undefined;
afterEach(async () => { await h?.close(); h = undefined; });

const US = { CRISIS_DEFAULT_COUNTRY: 'US' };
const HIGH = 'I keep thinking about killing myself and I do not know how to stop.';
const MODERATE = 'Lately I wish I could fall asleep and just never wake up again.';
const SUPPORTIVE = 'I am really glad you told me. You matter, and you do not have to face this alone.';
const HOUR = 3_600_000;

describe('a private message refused only when it is sent', () => {
  it('posts the minimal resources in place and tells every moderator sink the user was not reached privately', async () => {
    h = await startHarness({ env: US, reply: () => SUPPORTIVE, adapter: { refusedDms: ['u1'], withModeratorChannel: true } });
    await h.adapter.receive({ text: HIGH, isDirect: false, mentionsBot: true });

    expect(h.adapter.refused.map((m) => [m.conversation.channelId, m.kind])).toEqual([['dm-u1', 'resources']]);
    const first = h.adapter.sent[0]!;
    expect([first.conversation.channelId, first.kind]).toEqual(['general', 'resources']);
    expect(first.text).toContain('988');
    expect(h.adapter.sent.some((m) => m.kind === 'public-note')).toBe(false);

    await h.bot.drainAlerts();
    // The first alert waits for the resources' first try, so it already tells the truth: not
    // reached privately, and the minimal text that did arrive in place.
    for (const received of [h.sink.alerts, h.adapter.alerts]) {
      expect(received.map((a) => [a.kind, a.status, a.reachedPrivately])).toEqual([['new', 'open', false]]);
      expect(received[0]!.resourcesSent.length).toBeGreaterThan(0);
    }
    const caseId = h.sink.alerts[0]!.caseId;
    expect(await h.bot.cases.getCase(caseId)).toMatchObject({ reachedPrivately: false, status: 'open' });
    expect((await h.bot.cases.auditLog(caseId)).map((e) => e.action)).toContain('dm_refused');
  });

  it('changes nothing for a user whose private message goes through', async () => {
    h = await startHarness({ env: US, reply: () => SUPPORTIVE, adapter: { refusedDms: ['someone-else'] } });
    await h.adapter.receive({ text: HIGH, isDirect: false, mentionsBot: true });
    await h.bot.drainAlerts();
    expect(h.sink.alerts.map((a) => [a.kind, a.reachedPrivately])).toEqual([['new', true]]);
    expect(h.adapter.refused).toEqual([]);
  });
});

describe('the link to the message in alerts', () => {
  it('carries the platform id of a public message, and none for a private chat', async () => {
    h = await startHarness({ env: US, reply: () => SUPPORTIVE });
    await h.adapter.receive({ id: '1203456789012345678', text: HIGH, isDirect: false, mentionsBot: true });
    await h.adapter.receive({ id: 'dm-message-1', text: HIGH, userId: 'u2' });
    await h.bot.drainAlerts();
    const byUser = new Map(h.sink.alerts.map((a) => [a.user.id, a]));
    expect(byUser.get('u1')).toMatchObject({ isDirect: false, messageId: '1203456789012345678' });
    expect(byUser.get('u2')?.isDirect).toBe(true);
    expect(byUser.get('u2')).not.toHaveProperty('messageId');
  });
});

describe('a digest for moderate alerts', () => {
  /** The shipped policies with the digest switched on (09:00 UTC daily). */
  function policiesWithDigest(): string {
    const dir = join(mkdtempSync(join(tmpdir(), 'oyster-digest-policies-')), 'policies');
    cpSync(resolve(import.meta.dirname, '../../policies'), dir, { recursive: true });
    const file = join(dir, 'escalation.yaml');
    const text = readFileSync(file, 'utf8');
    const on = text.replace('digest:\n  enabled: false', 'digest:\n  enabled: true');
    expect(on).not.toBe(text);
    writeFileSync(file, on);
    return dir;
  }

  class DigestSink implements ModeratorSink {
    readonly name = 'digest-sink';
    readonly singles: AlertView[] = [];
    readonly digests: AlertDigest[] = [];
    async deliver(alert: AlertView) {
      this.singles.push(alert);
      return { ref: `single-${alert.alertId}` };
    }
    async deliverDigest(digest: AlertDigest) {
      this.digests.push(digest);
      return { ref: `digest-${digest.digestId}` };
    }
  }

  it('answers the user at once but alerts moderators in the next digest, while a high alert goes out at once', async () => {
    const digestSink = new DigestSink();
    h = await startHarness({
      env: { ...US, OYSTER_POLICY_DIR: policiesWithDigest() }, reply: () => SUPPORTIVE,
      adapter: { withModeratorChannel: true }, extraSinks: [digestSink],
    });
    await h.adapter.receive({ text: MODERATE });
    expect(h.adapter.sent.map((m) => m.kind)).toEqual(['resources', 'reply']);
    await h.adapter.receive({ text: HIGH, userId: 'u2' });
    await h.bot.drainAlerts();
    expect(digestSink.singles.map((a) => [a.level, a.user.id])).toEqual([['high', 'u2']]);
    expect(h.sink.alerts.map((a) => a.level)).toEqual(['high']);

    // The harness clock starts at 10:00 UTC: 22 hours on, the 09:00 digest is still an hour away.
    h.clock.advance(22 * HOUR);
    await h.bot.drainAlerts();
    expect(digestSink.digests).toHaveLength(0);
    expect(h.sink.alerts.filter((a) => a.level === 'moderate')).toHaveLength(0);

    h.clock.advance(HOUR);
    await h.bot.drainAlerts();
    expect(digestSink.digests.map((d) => d.alerts.map((a) => [a.kind, a.level, a.user.id]))).toEqual([[['new', 'moderate', 'u1']]]);
    // Sinks that cannot show a digest get the held alert on its own, at the same time.
    expect(h.sink.alerts.filter((a) => a.level === 'moderate').map((a) => a.kind)).toEqual(['new']);
    expect(h.adapter.alerts.filter((a) => a.level === 'moderate').map((a) => a.kind)).toEqual(['new']);
  });
});
