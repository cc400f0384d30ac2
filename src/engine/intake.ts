/**
 * Intake's store side: a message is recorded durably (with its delivery) before the platform is
 * acknowledged, a redelivery is known by its platform message id, and at start the messages a
 * previous run left unfinished are claimed back. The in-process side (which messages this
 * process holds, and idle()) is in src/engine.ts, beside the pipeline it feeds.
 */
import { type InboundMessage, platformUserKey } from '../messages.js';
import type { ResourceMark } from '../ports.js';
import type { EngineDeps } from './deps.js';

/**
 * A message tried this many times after resumes without finishing is given up (logged), so a
 * message that crashes the process cannot keep every start in a crash loop. A try is counted when
 * the resumed message's handling begins (its turn in the person's triage line), not when a start
 * claims it: a bot killed again and again (the fault suite: 30 kills) claims the same waiting
 * messages at every start, and counting starts gave up messages that had never been tried.
 * Tries alone still gave up messages in a kill storm on a loaded machine (160 of 1,017 in one
 * 30-kill run): every waiting message begins its turn at each start, so ten quick restarts are ten
 * tries. A message is therefore given up only once it is also RESUME_GIVE_UP_AGE_MS old: a message
 * that really crashes the process is retried for that long, one that merely waited is not lost.
 */
const MAX_RESUMES = 10;
const RESUME_GIVE_UP_AGE_MS = 15 * 60_000;
/** Unfinished messages read per start and platform; more than this in flight at a crash is unlikely. */
const RESUME_BATCH = 10_000;

/** The InboundMessage stored at intake, with its date revived. */
function parseDelivery(payload: string): InboundMessage {
  const m = JSON.parse(payload) as InboundMessage & { receivedAt: string };
  return { ...m, receivedAt: new Date(m.receivedAt) };
}

/**
 * Records the delivery and the message in one commit; true when it is new, false for a
 * redelivery (after a restart too). Rejects when the store cannot take it.
 */
export async function recordDelivery(deps: EngineDeps, message: InboundMessage): Promise<boolean> {
  const platform = message.conversation.platform;
  const userKey = platformUserKey(platform, message.author.id);
  const { isNew } = await deps.store.recordInbound({ platform, messageId: message.id, userKey, payload: JSON.stringify(message) }, deps.clock.now());
  return isNew;
}

/** A message a previous run recorded and never finished, as stored, in the order received. */
export interface Unfinished {
  platform: string;
  messageId: string;
  message: InboundMessage;
  /** Its crisis resources as the dead run recorded them (sent, decided but unconfirmed, or none). */
  resources: ResourceMark | undefined;
}

/** Claims `platform`'s unfinished messages for this run; the ones retried too long are given up, logged. */
export async function claimUnfinished(deps: EngineDeps, platform: string): Promise<Unfinished[]> {
  const { resume, abandoned } = await deps.store.claimUnfinished(platform, MAX_RESUMES, RESUME_BATCH, RESUME_GIVE_UP_AGE_MS);
  if (abandoned > 0) deps.logger.warn('unfinished messages given up after repeated resumes', { code: 'STORE_UNAVAILABLE', platform, abandoned });
  return resume.map((d) => ({ platform: d.platform, messageId: d.messageId, message: parseDelivery(d.payload), resources: d.resources }));
}
