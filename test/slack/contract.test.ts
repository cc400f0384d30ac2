/** The shared adapter contract, run on real Slack payload shapes. */
import { runAdapterContract } from '../contract/platform-adapter.contract.js';
import { normalizeSlackEvent, type SlackEventEnvelope } from '../../adapters/slack/inbound.js';
import { renderSlack, SLACK_TEXT_LIMIT, visibleText } from '../../adapters/slack/outbound.js';
import { BOT_ID, BOT_USER_ID } from '../fakes/fake-slack.js';
import { channelEvent, dmEvent, envelope, mentionEvent, otherBotEvent, selfEvent } from './fixtures.js';

const TEXT = 'how do I reset my password?';
const at = '1700000500.000200';
const dm = dmEvent(TEXT, at);

runAdapterContract({
  platform: 'slack',
  maxMessageLength: SLACK_TEXT_LIMIT,
  fixtureText: TEXT,
  fixtures: {
    direct: envelope(dmEvent(TEXT)),
    groupMention: envelope(mentionEvent(TEXT)),
    groupPlain: envelope(channelEvent('lunch at noon?')),
    fromSelf: envelope(selfEvent('Here is my answer.')),
    fromOtherBot: envelope(otherBotEvent('Deploy finished')),
    // A retry carries the same event_id; a duplicate under a new event_id has been seen too.
    redelivered: [envelope(dm, 'Ev0000AAAA'), envelope({ ...dm }, 'Ev0000BBBB')],
  },
  normalize: (raw) => normalizeSlackEvent(raw as SlackEventEnvelope, {
    botUserId: BOT_USER_ID, botId: BOT_ID, inBotThread: () => false, names: new Map(),
  }),
  render: (text) => renderSlack(text),
  visibleText,
});
