/**
 * Moderator actions on cases, from any platform (CRISIS.md §6): `case ack|resolve|note|
 * pause|resume|list`. Only configured moderators may act; anyone else gets a clear private
 * refusal, and the attempt is logged and written to the audit log. Every action is audited
 * with who, when and the policy version that triggered the case.
 */
import { platformUserKey } from '../messages.js';
import type { AlertView, Clock, CommandReply, CommandRequest } from '../ports.js';
import type { Logger } from '../logger.js';
import { CASE_OUTCOMES, type CaseActionKind, type CaseOutcome, type CaseRecord, type CaseStore } from '../store/case-store.js';
import { isModerator, type ModeratorConfig } from './moderators.js';

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
}

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

export const CASE_USAGE = [
  '`case list`: open and acknowledged cases',
  '`case ack <id>`: acknowledge (claim) a case; stops re-alerts',
  `\`case resolve <id> [outcome]\`: close it; outcome is one of ${CASE_OUTCOMES.join(', ')} (default unknown)`,
  '`case note <id> <text>`: add a note to the audit log',
  '`case pause <id>` / `case resume <id>`: stop or restart the bot\'s replies to this user while you talk to them',
].join('\n');

const DONE: Record<CaseActionKind, (id: number, by: string, outcome?: CaseOutcome) => string> = {
  acknowledge: (id, by) => `Case #${id} acknowledged by ${by}. Re-alerts are stopped. When you reach out, introduce yourself as a volunteer moderator and reuse the resources the bot sent.`,
  resolve: (id, by, outcome) => `Case #${id} resolved by ${by} (outcome: ${outcome ?? 'unknown'}).`,
  note: (id) => `Note added to case #${id}.`,
  pause: (id) => `The bot's replies to this user are paused for case #${id} until you resume or resolve it.`,
  resume: (id) => `The bot answers this user again in case #${id}.`,
};

export function createModeration(deps: ModerationDeps): Moderation {
  const { cases, clock, logger } = deps;
  const reply = (text: string, ok: boolean, updatedAlert?: AlertView): CommandReply =>
    updatedAlert ? { text, ok, private: true, updatedAlert } : { text, ok, private: true };

  return {
    async handle(req) {
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
        return reply('Only moderators can act on cases. This attempt has been logged.', false);
      }
      if (verb === undefined) return reply(CASE_USAGE, false);
      if (verb === 'list') return reply(await listText(), true);
      if (caseId === undefined) return reply(`Which case? ${CASE_USAGE}`, false);

      let outcome: CaseOutcome | undefined;
      let note: string | undefined;
      if (verb === 'resolve' && req.args[2] !== undefined) {
        outcome = parseOutcome(req.args[2]);
        if (!outcome) return reply(`Unknown outcome "${req.args[2].slice(0, 30)}". Permitted values are: ${CASE_OUTCOMES.join(', ')}.`, false);
      }
      if (verb === 'note') {
        note = req.args.slice(2).join(' ').trim();
        if (note.length === 0) return reply('Write the note after the case id: `case note 12 called, user is safe`.', false);
        if (note.length > MAX_NOTE_CHARS) return reply(`Notes are limited to ${MAX_NOTE_CHARS} characters.`, false);
      }

      const result = await cases.applyAction({
        kind: verb, caseId, actor, actorName: req.actor.displayName, at,
        ...(outcome ? { outcome } : {}), ...(note !== undefined ? { note } : {}),
        updateSinks: verb === 'acknowledge' || verb === 'resolve' ? deps.updateSinks ?? [] : [],
        ...via,
      });
      if (result.status === 'not_found') return reply(`There is no case #${caseId}.`, false);
      if (result.status === 'invalid_state') return reply(whyNot(verb, result.caseRecord), false);
      logger.info('case action', { caseId, action: verb, actor, outcome, status: result.caseRecord.status });
      if (verb === 'resolve') await deps.onResolved?.(result.caseRecord, at);
      deps.onCaseAction?.(verb, result.caseRecord.level);
      if ((verb === 'acknowledge' || verb === 'resolve') && (deps.updateSinks?.length ?? 0) > 0) deps.onAlertsWritten?.();
      return reply(DONE[verb](caseId, req.actor.displayName, result.caseRecord.outcome), true, result.alert);
    },
  };

  async function listText(): Promise<string> {
    const active = await cases.listCases({ activeOnly: true, failingAfterAttempts: Number.MAX_SAFE_INTEGER, limit: 25 });
    if (active.length === 0) return 'No open cases.';
    // Ids, levels and states only: details stay in the alert in the moderator channel.
    return active
      .map((c) => `#${c.id} · ${c.level} · ${c.status}${c.paused ? ' (bot paused)' : ''} · ${c.conversation.platform} · opened ${c.openedAt.toISOString().slice(0, 16)}Z${c.acknowledgedBy ? ` · ack ${c.acknowledgedBy}` : ''}`)
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

function whyNot(verb: CaseActionKind, c: CaseRecord): string {
  if (c.status === 'resolved') return `Case #${c.id} is already resolved.`;
  if (verb === 'acknowledge') return `Case #${c.id} is already acknowledged by ${c.acknowledgedBy ?? 'another moderator'}.`;
  if (verb === 'pause') return `The bot is already paused for case #${c.id}.`;
  if (verb === 'resume') return `The bot is not paused for case #${c.id}.`;
  return `Case #${c.id} cannot take that action now.`;
}
