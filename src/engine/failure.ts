/**
 * What happens when one message's handling fails: it is logged with its code (never its text)
 * and counted, and the bot fails toward safety. Each message has its own error boundary, so one
 * bad message never stops the process or the person's later messages.
 */
import { asBotError } from '../errors.js';
import type { InboundMessage } from '../messages.js';
import { cleanText } from '../conversation/text.js';
import type { EngineDeps, Outcome, ReplyChannel } from './deps.js';

/** Logs a failed message with its code and fails toward safety; never rejects. */
export async function failTowardSafety(
  deps: EngineDeps,
  error: unknown,
  message: InboundMessage,
  channel: ReplyChannel,
  progress: { responded: boolean },
): Promise<Outcome> {
  const e = asBotError(error);
  const platform = message.conversation.platform;
  deps.logger.error('message handling failed', { code: e.code, platform });
  deps.metrics?.count('engine_errors_total', { code: e.code });
  // Fail toward safety: with the database unavailable the message cannot be stored, deduped
  // or opened as a case, but the screen needs none of that and resources need no state.
  if (e.code === 'STORE_UNAVAILABLE' && !progress.responded) {
    const atRisk = await deps.crisis.respondWithoutStore(message, channel, cleanText(message.text));
    // Anyone else who spoke to the bot hears that it cannot answer now, rather than silence.
    if (!atRisk && (message.isDirect || message.mentionsBot)) {
      // In the message's own language: with the store down no stored choice can be read.
      const text = cleanText(message.text);
      const detected = deps.risk.screen({ text, recent: [], now: deps.clock.now() }).language;
      const locale = deps.locale ? await deps.locale({ detected, text }).catch(() => 'en') : 'en';
      const notice = deps.policy.texts(locale).store_unavailable;
      await channel.send({ conversation: message.conversation, text: notice, kind: 'notice', replyToId: message.id }).catch(() => undefined);
    }
  }
  return { status: 'ignored' };
}
