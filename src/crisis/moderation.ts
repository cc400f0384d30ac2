/**
 * Moderator actions on cases, from any platform (CRISIS.md §6): `case ack|resolve|note|
 * pause|resume|list`. Only configured moderators may act; anyone else gets a clear private
 * refusal, and the attempt is logged and written to the audit log. Every action is audited
 * with who, when and the policy version that triggered the case.
 */
import { type ConversationRef, platformUserKey } from '../messages.js';
import type { AlertView, Clock, CommandReply, CommandRequest } from '../ports.js';
import type { Logger } from '../logger.js';
import { CASE_OUTCOMES, type CaseActionKind, type CaseOutcome, type CaseRecord, type CaseStore } from '../store/case-store.js';
import { isModerator, type ModeratorConfig } from './moderators.js';
import type { TemplateFile } from './templates-schema.js';

export type { ModeratorConfig } from './moderators.js';

export const MAX_NOTE_CHARS = 1000;

export interface ModerationDeps {
  cases: CaseStore;
  moderators: ModeratorConfig;
  clock: Clock;
  logger: Logger;
  /** Sinks that also get an 'update' alert when a case is acknowledged or resolved (e.g. ["webhook"]). */
  updateSinks?: string[];
  /** The running policy version, recorded on refusals that name no existing case. */
  policyVersion?: string;
  /** Called after an update alert is committed (outbox worker.kick). */
  onAlertsWritten?: () => void;
  /** Called after a case was resolved, before the reply (a false_positive resets the person's carried level). */
  onResolved?: (caseRecord: CaseRecord, at: Date) => Promise<void>;
  /** Called after every action that changed a case (metrics: cases acknowledged, resolved...). */
  onCaseAction?: (action: CaseActionKind, level: CaseRecord['level']) => void;
  /**
   * The replies in the language of the person asking (policies/templates/*.yaml `moderation`):
   * their /language choice, else the language they last wrote in, else the community's. English without it.
   */
  textsFor?(userKey: string, conversation: ConversationRef): Promise<ModerationTexts>;
}

export type ModerationTexts = Readonly<TemplateFile['moderation']>;

export interface Moderation {
  /** Handles the `case` command; replies are always private (moderator data never goes public). */
  handle(req: CommandRequest): Promise<CommandReply>;
}

const VERBS: Record<string, CaseActionKind | 'list'> = {
  ack: 'acknowledge', acknowledge: 'acknowledge', claim: 'acknowledge',
  resolve: 'resolve', close: 'resolve',
  note: 'note',
  pause: 'pause', resume: 'resume',
  list: 'list',
};

/** English, for a handler built without the directory (tests of moderation alone); equal to templates/en.yaml (a test holds them together). */
export const ENGLISH_MODERATION: ModerationTexts = {
  refused: 'Only moderators can act on cases. This attempt has been logged.',
  usage: 'Case actions: `case list`, `case ack <id>`, `case resolve <id> [outcome]`, `case note <id> <text>`, `case pause <id>`, `case resume <id>`. Outcomes: {outcomes}.',
  which_case: 'Which case? Write its number after the action, such as `case ack <id>`.',
  unknown_outcome: 'Unknown outcome "{value}". Permitted values are: {outcomes}.',
  note_missing: 'Write the note after the case number: `case note <id> <text>`.',
  note_too_long: 'Notes are limited to {max} characters.',
  not_found: 'There is no case #{id}.',
  acknowledged: 'Case #{id} acknowledged by {by}. Re-alerts are stopped. When you reach out, introduce yourself as a volunteer moderator and reuse the resources the bot sent.',
  resolved: 'Case #{id} resolved by {by} (outcome: {outcome}).',
  noted: 'Note added to case #{id}.',
  paused: "The bot's replies to this user are paused for case #{id} until you resume or resolve it.",
  resumed: 'The bot answers this user again in case #{id}.',
  already_resolved: 'Case #{id} is already resolved.',
  already_acknowledged: 'Case #{id} is already acknowledged by {by}.',
  another_moderator: 'another moderator',
  already_paused: 'The bot is already paused for case #{id}.',
  not_paused: 'The bot is not paused for case #{id}.',
  cannot: 'Case #{id} cannot take that action now.',
  no_open_cases: 'No open cases.',
  list_paused: '(bot paused)',
  list_opened: 'opened {at}',
  list_acknowledged: 'ack {by}',
  web_refused: 'Only moderators can open the dashboard. This attempt has been logged.',
  web_link: 'Your sign-in link for the moderator dashboard: {url}\nIt works once, for {minutes} minutes. Do not share it: it signs in as you.',
  web_sent: "I've sent you a private message with a sign-in link. It works once, for {minutes} minutes.",
  web_dm_failed: 'I could not send you a private message. Open a private chat with me (or allow messages from me) and ask again there.',
};

/** Fills `{name}` placeholders; the loader checked that each text has exactly its own. */
export function say(text: string, values: Record<string, string | number>): string {
  return text.replace(/\{([a-z_]+)\}/g, (whole, name: string) => (name in values ? String(values[name]) : whole));
}

const DONE: Record<CaseActionKind, keyof ModerationTexts> = {
  acknowledge: 'acknowledged', resolve: 'resolved', note: 'noted', pause: 'paused', resume: 'resumed',
};

export function createModeration(deps: ModerationDeps): Moderation {
  const { cases, clock, logger } = deps;
  const reply = (text: string, ok: boolean, updatedAlert?: AlertView): CommandReply =>
    updatedAlert ? { text, ok, private: true, updatedAlert } : { text, ok, private: true };

  return {
    async handle(req) {
      const t = (await deps.textsFor?.(platformUserKey(req.conversation.platform, req.actor.id), req.conversation).catch(() => undefined)) ?? ENGLISH_MODERATION;
      const outcomes = CASE_OUTCOMES.join(', ');
      const verbText = (req.args[0] ?? '').toLowerCase();
      const verb = VERBS[verbText];
      const actor = platformUserKey(req.conversation.platform, req.actor.id);
      const caseId = parseCaseId(req.args[1]);
      const at = clock.now();
      // The audit log says where an action came from when it was not a chat (the dashboard).
      const via = req.via ? { via: req.via } : {};

      if (!isModerator(req.actor, req.conversation.platform, deps.moderators)) {
        const target = caseId === undefined ? undefined : await cases.getCase(caseId);
        await cases.appendAudit({
          caseId, action: 'refused', actor, at, note: undefined,
          policyVersion: target?.policyVersion ?? deps.policyVersion, detail: { attempted: verbText.slice(0, 20), ...via },
        });
        logger.warn('case command refused: not a moderator', { actor, attempted: verbText.slice(0, 20), caseId });
        return reply(t.refused, false);
      }
      if (verb === undefined) return reply(say(t.usage, { outcomes }), false);
      if (verb === 'list') return reply(await listText(t), true);
      if (caseId === undefined) return reply(t.which_case, false);

      let outcome: CaseOutcome | undefined;
      let note: string | undefined;
      if (verb === 'resolve' && req.args[2] !== undefined) {
        outcome = parseOutcome(req.args[2]);
        if (!outcome) return reply(say(t.unknown_outcome, { value: req.args[2].slice(0, 30), outcomes }), false);
      }
      if (verb === 'note') {
        note = req.args.slice(2).join(' ').trim();
        if (note.length === 0) return reply(t.note_missing, false);
        if (note.length > MAX_NOTE_CHARS) return reply(say(t.note_too_long, { max: MAX_NOTE_CHARS }), false);
      }

      const result = await cases.applyAction({
        kind: verb, caseId, actor, actorName: req.actor.displayName, at,
        ...(outcome ? { outcome } : {}), ...(note !== undefined ? { note } : {}),
        updateSinks: verb === 'acknowledge' || verb === 'resolve' ? deps.updateSinks ?? [] : [],
        ...via,
      });
      if (result.status === 'not_found') return reply(say(t.not_found, { id: caseId }), false);
      if (result.status === 'invalid_state') return reply(whyNot(verb, result.caseRecord, t), false);
      logger.info('case action', { caseId, action: verb, actor, outcome, status: result.caseRecord.status });
      if (verb === 'resolve') await deps.onResolved?.(result.caseRecord, at);
      deps.onCaseAction?.(verb, result.caseRecord.level);
      if ((verb === 'acknowledge' || verb === 'resolve') && (deps.updateSinks?.length ?? 0) > 0) deps.onAlertsWritten?.();
      const done = say(t[DONE[verb]], { id: caseId, by: req.actor.displayName, outcome: result.caseRecord.outcome ?? 'unknown' });
      return reply(done, true, result.alert);
    },
  };

  async function listText(t: ModerationTexts): Promise<string> {
    const active = await cases.listCases({ activeOnly: true, failingAfterAttempts: Number.MAX_SAFE_INTEGER, limit: 25 });
    if (active.length === 0) return t.no_open_cases;
    // Ids, levels and states only: details stay in the alert in the moderator channel. Levels and
    // states stay the codes the alerts and the dashboard show.
    return active
      .map((c) => {
        const opened = say(t.list_opened, { at: `${c.openedAt.toISOString().slice(0, 16)}Z` });
        const ack = c.acknowledgedBy ? ` · ${say(t.list_acknowledged, { by: c.acknowledgedBy })}` : '';
        return `#${c.id} · ${c.level} · ${c.status}${c.paused ? ` ${t.list_paused}` : ''} · ${c.conversation.platform} · ${opened}${ack}`;
      })
      .join('\n');
  }
}

function parseCaseId(arg: string | undefined): number | undefined {
  const m = /^#?(\d{1,12})$/.exec(arg?.trim() ?? '');
  return m ? Number(m[1]) : undefined;
}

function parseOutcome(arg: string): CaseOutcome | undefined {
  const normalized = arg.trim().toLowerCase().replace(/-/g, '_');
  return (CASE_OUTCOMES as readonly string[]).includes(normalized) ? (normalized as CaseOutcome) : undefined;
}

function whyNot(verb: CaseActionKind, c: CaseRecord, t: ModerationTexts): string {
  if (c.status === 'resolved') return say(t.already_resolved, { id: c.id });
  if (verb === 'acknowledge') return say(t.already_acknowledged, { id: c.id, by: c.acknowledgedBy ?? t.another_moderator });
  if (verb === 'pause') return say(t.already_paused, { id: c.id });
  if (verb === 'resume') return say(t.not_paused, { id: c.id });
  return say(t.cannot, { id: c.id });
}
