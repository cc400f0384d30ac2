/**
 * A moderator action from the web, handed to the core's case action: the very function a chat
 * button or a typed `/case ack 12` reaches. So it is checked, audited and announced to every
 * sink exactly as in chat; the dashboard adds no second path that could drift from it.
 */
import type { CommandReply, CommandRequest } from '../ports.js';
import { CASE_OUTCOMES } from '../store/case-store.js';
import type { Session } from './auth.js';
import { splitUserKey } from './auth.js';
import { MAX_NOTE_CHARS } from './views/case-page.js';

/** The core's `case` command handler (src/crisis/moderation.ts). */
export type CaseCommand = (request: CommandRequest) => Promise<CommandReply>;

const ACTIONS = ['acknowledge', 'resolve', 'note', 'pause', 'resume'] as const;
export type WebAction = (typeof ACTIONS)[number];

export interface ActionResult {
  ok: boolean;
  /** The core's own answer ("Case #3 acknowledged by Mia ..."), shown once on the next page. */
  text: string;
}

/** Reads the posted form; a malformed form is refused here, before the core sees it. */
export function parseActionForm(form: Record<string, unknown>): { action: WebAction; args: string[] } | { error: string } {
  const action = form['action'];
  if (typeof action !== 'string' || !(ACTIONS as readonly string[]).includes(action)) return { error: 'Unknown action.' };
  if (action === 'resolve') {
    const outcome = form['outcome'];
    if (typeof outcome !== 'string' || !(CASE_OUTCOMES as readonly string[]).includes(outcome)) {
      return { error: 'Choose an outcome before resolving the case.' };
    }
    return { action, args: [outcome] };
  }
  if (action === 'note') {
    const note = typeof form['note'] === 'string' ? form['note'].trim() : '';
    if (note.length === 0) return { error: 'Write the note first.' };
    if (note.length > MAX_NOTE_CHARS) return { error: `Notes are limited to ${MAX_NOTE_CHARS} characters.` };
    return { action, args: [note] };
  }
  return { action: action as WebAction, args: [] };
}

export async function runWebAction(
  run: CaseCommand, session: Session, caseId: number, action: WebAction, extra: string[],
): Promise<ActionResult> {
  const who = splitUserKey(session.userKey);
  if (!who) return { ok: false, text: 'Your sign-in does not name a platform account.' };
  const reply = await run({
    name: 'case',
    args: [action, String(caseId), ...extra],
    // The moderator acts as themselves (their platform account), so the audit log and the
    // edited alerts name the same person whether they pressed a chat button or a web one.
    actor: { id: who.userId, displayName: session.displayName, roleIds: session.roleIds },
    conversation: { platform: who.platform, channelId: 'web-dashboard' },
    isDirect: true,
    via: 'web',
  });
  return { ok: reply.ok, text: reply.text };
}
