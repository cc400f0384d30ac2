/**
 * /forget on a real database file: after it, `strings` over bot.db, bot.db-wal and bot.db-shm
 * finds nothing of the person (words, name, phone number, user id), while another person's
 * words stay and the moderators keep only that a case existed (CRISIS.md §6, README Privacy).
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../helpers/bot-harness.js';

let h: Harness | undefined;
afterEach(async () => { await h?.close(); h = undefined; });

const PERSON = { id: 'u58213947', displayName: 'Marguerite Quillfeather', isBot: false, isSelf: false };
const OTHER = { id: 'u77', displayName: 'Other Person', isBot: false, isSelf: false };
const PHONE = '07700900461';
const WORDS = 'Thaddeus Wobblesworth';
const HIGH = `I keep thinking about killing myself and I do not know how to stop. ${WORDS} has my number ${PHONE}.`;
/** What must not survive: the person's words, name, number and id. */
const TRACES = ['Wobblesworth', 'Thaddeus', 'Quillfeather', 'Marguerite', PHONE, '58213947'];

/** Printable runs in the database files, as `strings` prints them (every file that exists). */
function stringsOf(dbPath: string): string {
  const files = [dbPath, `${dbPath}-wal`, `${dbPath}-shm`].filter((f) => existsSync(f));
  return execFileSync('strings', ['-a', '-n', '4', ...files], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
}

describe('/forget on a database file', () => {
  it('leaves nothing of the person readable in the db, -wal and -shm files, and keeps only that the case existed', async () => {
    h = await startHarness({
      env: { CRISIS_DEFAULT_COUNTRY: 'US', MODERATOR_IDS: 'fake:mod1' },
      reply: (body) => `I hear you. ${String(body.messages.at(-1)!.content).slice(0, 80)}`,
    });
    const dm = { platform: 'fake', channelId: `dm-${PERSON.id}` };
    const group = { platform: 'fake', channelId: 'general', communityId: 'guild-1' };
    // One case per person per community: the DM joins the first community's case, and a post in a
    // second community opens a second one.
    const otherGroup = { platform: 'fake', channelId: 'lobby', communityId: 'guild-2' };
    await h.adapter.command('country', ['GB'], { id: PERSON.id, displayName: PERSON.displayName, roleIds: [] });
    await h.adapter.receive({ text: `hello, ${WORDS} says hi`, conversation: dm, author: PERSON });
    await h.adapter.receive({ text: HIGH, conversation: group, author: PERSON, isDirect: false, mentionsBot: true });
    await h.adapter.receive({ text: HIGH, conversation: dm, author: PERSON });
    await h.adapter.receive({ text: HIGH, conversation: otherGroup, author: PERSON, isDirect: false, mentionsBot: true });
    await h.adapter.receive({ text: 'the other person says Xylophonica', conversation: { platform: 'fake', channelId: 'dm-u77' }, author: OTHER });
    await h.bot.drainAlerts();
    const caseIds = [...new Set(h.sink.alerts.filter((a) => a.user.id === PERSON.id).map((a) => a.caseId))];
    // One case per person and conversation, or one per person: either way every one must be forgotten.
    expect(caseIds.length).toBeGreaterThanOrEqual(1);
    // A moderator takes over one case: the hand-off notice flag is stored under the person's context key.
    await h.adapter.command('case', ['pause', String(caseIds[0])], { id: 'mod1', displayName: 'mod', roleIds: [] });
    await h.adapter.receive({ text: `still here ${WORDS}`, conversation: dm, author: PERSON });
    await h.bot.engine.idle();

    const before = stringsOf(h.dbPath);
    for (const trace of TRACES) expect(before, `${trace} is stored before /forget`).toContain(trace);

    const reply = await h.adapter.command('forget', ['confirm'], { id: PERSON.id, displayName: PERSON.displayName, roleIds: [] });
    expect(reply.ok).toBe(true);

    const after = stringsOf(h.dbPath);
    for (const trace of TRACES) expect(after, `${trace} left in the database files`).not.toContain(trace);
    expect(after).toContain('Xylophonica');

    // What moderators keep: the cases, their levels and the audit of what was done, with no person in them.
    for (const id of caseIds) {
      const c = await h.bot.cases.getCase(id);
      expect(c).toMatchObject({ level: 'high', excerpt: '', user: { id: '', displayName: '' } });
      expect((await h.bot.cases.auditLog(id)).map((e) => e.action)).toContain('forgotten');
    }
    // A new message from the person starts from nothing: no country, no context, no open case.
    await h.adapter.receive({ text: 'hello again', conversation: dm, author: PERSON });
    expect(await h.bot.store.preference(`fake:${PERSON.id}`, 'country')).toBeUndefined();
  });
});
