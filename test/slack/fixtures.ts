/**
 * Slack Events API payloads as Slack sends them (shapes from the Events API reference:
 * message.im, app_mention, message.channels with thread_ts, bot_message, message_changed).
 */
import type { AlertView } from '../../src/ports.js';
import { BOT_ID, BOT_USER_ID, TEAM_ID } from '../fakes/fake-slack.js';

export const USER = 'U0ALICE';
export const DM = 'D0ALICE';
export const CHANNEL = 'C0GENERAL';

let ts = 1_700_000_000;
/** A fresh Slack message ts ("seconds.micro"). */
export function nextTs(): string {
  ts += 1;
  return `${ts}.000100`;
}

export function envelope(event: Record<string, unknown>, eventId = `Ev${Math.random().toString(36).slice(2, 10).toUpperCase()}`) {
  return { token: 'x', team_id: TEAM_ID, api_app_id: 'A0APP', type: 'event_callback', event_id: eventId, event_time: 1_700_000_000, event };
}

export function dmEvent(text: string, at = nextTs(), user = USER) {
  return { type: 'message', channel: DM, channel_type: 'im', user, text, ts: at, event_ts: at, team: TEAM_ID, client_msg_id: `m-${at}` };
}

export function mentionEvent(text: string, at = nextTs(), threadTs?: string) {
  return {
    type: 'app_mention', channel: CHANNEL, user: USER, text: `<@${BOT_USER_ID}> ${text}`, ts: at, event_ts: at, team: TEAM_ID,
    ...(threadTs === undefined ? {} : { thread_ts: threadTs }),
  };
}

export function channelEvent(text: string, at = nextTs(), threadTs?: string, user = USER) {
  return {
    type: 'message', channel: CHANNEL, channel_type: 'channel', user, text, ts: at, event_ts: at, team: TEAM_ID,
    ...(threadTs === undefined ? {} : { thread_ts: threadTs }),
  };
}

export function selfEvent(text: string) {
  const at = nextTs();
  return { type: 'message', channel: CHANNEL, channel_type: 'channel', user: BOT_USER_ID, bot_id: BOT_ID, app_id: 'A0APP', text, ts: at };
}

export function otherBotEvent(text: string) {
  const at = nextTs();
  return { type: 'message', subtype: 'bot_message', channel: CHANNEL, channel_type: 'channel', bot_id: 'B0OTHER', username: 'deploybot', text, ts: at };
}

export function editedEvent(text: string) {
  const at = nextTs();
  return {
    type: 'message', subtype: 'message_changed', channel: DM, channel_type: 'im', hidden: true, ts: at,
    message: { type: 'message', user: USER, text, ts: at, edited: { user: USER, ts: at } },
    previous_message: { type: 'message', user: USER, text: 'before', ts: at },
  };
}

/** A moderator alert as the core would hand it to the Slack sink. */
export function sampleAlert(overrides: Partial<AlertView> = {}): AlertView {
  return {
    caseId: 42, alertId: 7, kind: 'new', level: 'high', priority: 'urgent', status: 'open',
    reasons: ['plan', 'timeframe'], platform: 'slack',
    conversation: { platform: 'slack', channelId: 'C0GENERAL', threadId: '1700000001.000100', communityId: 'T0TEAM' },
    isDirect: false, user: { id: 'U0ALICE', displayName: 'Alice <@U0BOB> & co' },
    excerpt: 'I <!channel> cannot go on', country: 'DE', resourcesSent: ['de-telefonseelsorge'],
    reachedPrivately: true, policyVersion: 'p-abc123', createdAt: '2025-01-02T03:04:05.000Z',
    ...overrides,
  };
}
