/**
 * What an earlier crisis left open, settled first whenever the person writes again: their
 * answer to "Which country are you in?" sets the country and sends its lines, and crisis
 * resources that never reached them are sent now (issue 12 items 2 and 3). Runs before the
 * screen, so the person gets what they were owed before anything about the new message.
 */
import { asBotError } from '../errors.js';
import type { Logger } from '../logger.js';
import { type InboundMessage, platformUserKey } from '../messages.js';
import type { CrisisChannel } from '../ports.js';
import type { CountryAnswer } from './country-answer.js';
import type { ResourceDelivery } from './resource-delivery.js';

export interface FollowUpDeps {
  /** Reads the answer to the country question (src/crisis/country-answer.ts). */
  countryAnswer?: Pick<CountryAnswer, 'onMessage'>;
  /** The durable resource-delivery queue; without it nothing waits to be re-sent. */
  deliveries?: Pick<ResourceDelivery, 'retryFor'>;
  logger: Logger;
}

/** Never rejects: a failure is logged and the message goes on to the screen. */
export type FollowUp = (message: InboundMessage, channel: CrisisChannel) => Promise<void>;

export function createFollowUp(deps: FollowUpDeps): FollowUp {
  return async (message, channel) => {
    await deps.countryAnswer?.onMessage(message, channel);
    if (!deps.deliveries) return;
    try {
      await deps.deliveries.retryFor(platformUserKey(message.conversation.platform, message.author.id), channel);
    } catch (error) {
      deps.logger.warn('could not re-send undelivered resources', { code: asBotError(error).code });
    }
  };
}
