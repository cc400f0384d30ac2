/**
 * Who gets into the moderator dashboard and what a stranger can learn from it: over real HTTP
 * against the dashboard the real bot serves, with the real SQLite store and moderation.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { askForLink, Client, MODERATOR, NOT_MODERATOR, startDashWorld, tokenOf, worldWithCase, type DashWorld } from './harness.js';

let world: DashWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

async function withCase(env: Record<string, string> = {}): Promise<{ w: DashWorld; caseId: number }> {
  const started = await worldWithCase(env);
  world = started.w;
  return started;
}

async function signedIn(w: DashWorld): Promise<Client> {
  const { url } = await askForLink(w);
  const client = new Client(w.base);
  expect((await client.signIn(url!)).status).toBe(303);
  return client;
}

describe('dashboard access', () => {
  it('answers 401 with sign-in help and no case data to a browser without a session', async () => {
    const { w, caseId } = await withCase();
    const stranger = new Client(w.base);
    for (const path of ['/', `/cases/${caseId}`, '/?status=all']) {
      const res = await stranger.request(path);
      expect(res.status, path).toBe(401);
      expect(res.body).toContain('/case web');
      expect(res.body).not.toContain('killing myself');
      expect(res.body).not.toContain('Robin Example');
      expect(res.body).not.toMatch(/Case #\d/);
    }
    expect((await stranger.request('/', { headers: { 'X-Fragment': '1' } })).status).toBe(401);
    const events = await stranger.request('/events');
    expect(events.status).toBe(401);
    expect(events.body).not.toContain('change');
    // A made-up cookie is no session either.
    stranger.cookie = 'oyster_session=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';
    expect((await stranger.request('/')).status).toBe(401);
  });

  it('signs a moderator in once with an HttpOnly SameSite=Strict cookie, and refuses the replayed link', async () => {
    const { w } = await withCase();
    const { reply, url } = await askForLink(w);
    expect(reply.ok).toBe(true);
    expect(url).toMatch(new RegExp(`^${w.base}/login/`));
    const client = new Client(w.base);
    // Opening the link (as a chat app's link preview would) does not use it up.
    const landing = await client.request(new URL(url!).pathname);
    expect(landing.status).toBe(200);
    expect(landing.body).toContain('Sign in');
    const first = await client.signIn(url!);
    expect(first.status).toBe(303);
    expect(first.headers.get('location')).toBe('/');
    expect(first.setCookie).toMatch(/HttpOnly/i);
    expect(first.setCookie).toMatch(/SameSite=Strict/i);
    expect(first.setCookie).not.toMatch(/Secure/i); // plain http on loopback
    const queue = await client.request('/');
    expect(queue.status).toBe(200);
    expect(queue.body).toContain('Case #');

    const replay = await new Client(w.base).signIn(url!);
    expect(replay.status).toBe(403);
    expect(replay.setCookie).toBeNull();
    expect(replay.body).toContain('already used');
  });

  it('refuses a link after its 10 minutes', async () => {
    const { w } = await withCase();
    const { url } = await askForLink(w);
    w.clock.advance(10 * 60_000 + 1_000);
    const res = await new Client(w.base).signIn(url!);
    expect(res.status).toBe(403);
    expect(res.setCookie).toBeNull();
  });

  it('refuses a POST without the CSRF token, or with a wrong one, and leaves the case untouched', async () => {
    const { w, caseId } = await withCase();
    const client = await signedIn(w);
    const noToken = await client.request(`/cases/${caseId}/act`, { form: { action: 'acknowledge' } });
    expect(noToken.status).toBe(403);
    const wrong = await client.request(`/cases/${caseId}/act`, { form: { action: 'acknowledge', csrf: 'x'.repeat(43) } });
    expect(wrong.status).toBe(403);
    expect((await w.bot.cases.getCase(caseId))!.status).toBe('open');
    expect((await w.bot.cases.auditLog(caseId)).map((e) => e.action)).not.toContain('acknowledge');
    // Another session's token does not fit this session either.
    const other = await signedIn(w);
    const foreign = await client.request(`/cases/${caseId}/act`, { form: { action: 'acknowledge', csrf: await other.csrf() } });
    expect(foreign.status).toBe(403);

    const ok = await client.request(`/cases/${caseId}/act`, { form: { action: 'acknowledge', csrf: await client.csrf() } });
    expect(ok.status).toBe(303);
    expect((await w.bot.cases.getCase(caseId))!.status).toBe('acknowledged');
    const ack = (await w.bot.cases.auditLog(caseId)).find((e) => e.action === 'acknowledge');
    expect(ack?.actor).toBe(`fake:${MODERATOR.id}`);
  });

  it("refuses a non-moderator's request for a link, and issues none", async () => {
    const { w } = await withCase();
    const before = w.adapter.sent.length;
    const { reply, url } = await askForLink(w, NOT_MODERATOR);
    expect(reply.ok).toBe(false);
    expect(url).toBeUndefined();
    expect(reply.text).toContain('Only moderators');
    expect(w.adapter.sent.length).toBe(before);
    expect(await w.bot.dashboard!.auth.issueLink({ userKey: `fake:${NOT_MODERATOR.id}`, displayName: 'Pat', roleIds: [] })).toBeUndefined();
  });

  it('sends the link by private message, never into the group, when asked in a group', async () => {
    const { w } = await withCase();
    const reply = await w.adapter.command('case', ['web'], MODERATOR);
    expect(reply.ok).toBe(true);
    // FakeAdapter.command asks from the DM; ask again from a group conversation through the same handlers.
    const handlers = (w.bot.handlersFor(w.adapter));
    const inGroup = await handlers.onCommand({
      name: 'case', args: ['web'], actor: MODERATOR, conversation: { platform: 'fake', channelId: 'general', communityId: 'guild-1' }, isDirect: false,
    });
    expect(inGroup.ok).toBe(true);
    expect(inGroup.text).not.toContain('/login/');
    const dm = w.adapter.sent.filter((m) => m.conversation.channelId === `dm-${MODERATOR.id}`).at(-1);
    expect(dm?.text).toMatch(/\/login\/[A-Za-z0-9_-]{40,}/);
    expect(w.adapter.sent.some((m) => m.conversation.channelId === 'general' && m.text.includes('/login/'))).toBe(false);
  });

  it('signs out a moderator removed from MODERATOR_IDS at their next request', async () => {
    const { w, caseId } = await withCase({ MODERATOR_IDS: `fake:${MODERATOR.id},fake:mod2` });
    const mod2 = { id: 'mod2', displayName: 'Sam', roleIds: [] };
    const { url } = await askForLink(w, mod2);
    const client = new Client(w.base);
    await client.signIn(url!);
    expect((await client.request('/')).status).toBe(200);
    const cookie = client.cookie;
    // Sessions outlive a restart while the person is still a moderator...
    await w.close();
    world = await startDashWorld({ dbPath: w.dbPath, clock: w.clock, env: { MODERATOR_IDS: `fake:${MODERATOR.id},fake:mod2` } });
    const kept = new Client(world.base);
    kept.cookie = cookie;
    expect((await kept.request(`/cases/${caseId}`)).status).toBe(200);
    // ...then the operator removes mod2 and restarts the bot on the same database.
    await world.close();
    world = await startDashWorld({ dbPath: w.dbPath, clock: w.clock, env: { MODERATOR_IDS: `fake:${MODERATOR.id}` } });
    const again = new Client(world.base);
    again.cookie = cookie;
    const res = await again.request(`/cases/${caseId}`);
    expect(res.status).toBe(401);
    expect(res.body).not.toContain('killing myself');
  });

  it('signs out after the idle timeout', async () => {
    const { w } = await withCase({ DASHBOARD_SESSION_IDLE_MINUTES: '30' });
    const client = await signedIn(w);
    w.clock.advance(29 * 60_000);
    expect((await client.request('/')).status).toBe(200); // activity resets the idle clock
    w.clock.advance(29 * 60_000);
    expect((await client.request('/')).status).toBe(200);
    w.clock.advance(31 * 60_000);
    expect((await client.request('/')).status).toBe(401);
  });

  it('rate-limits sign-in attempts', async () => {
    const { w } = await withCase();
    const client = new Client(w.base);
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) statuses.push((await client.request('/login', { form: { token: `guess${'x'.repeat(30)}${i}` } })).status);
    expect(statuses.slice(0, 10)).toEqual(Array(10).fill(403));
    expect(statuses.slice(10)).toEqual([429, 429]);
    // Even a good link waits out the limit from that address.
    const { url } = await askForLink(w);
    expect((await client.signIn(url!)).status).toBe(429);
  });

  it('marks the cookie Secure and links to the public HTTPS address behind a proxy', async () => {
    const { w } = await withCase({ DASHBOARD_PUBLIC_URL: 'https://mods.example.org/' });
    const { url } = await askForLink(w);
    expect(url).toMatch(/^https:\/\/mods\.example\.org\/login\/[A-Za-z0-9_-]+$/);
    const res = await new Client(w.base).signIn(`${w.base}/login/${tokenOf(url!)}`);
    expect(res.setCookie).toMatch(/^__Host-oyster_session=/);
    expect(res.setCookie).toMatch(/; Secure/i);
  });

  it('keeps case content out of logs, URLs and page titles', async () => {
    const { w, caseId } = await withCase();
    const { url } = await askForLink(w);
    const client = new Client(w.base);
    await client.signIn(url!);
    const pages = [await client.request('/'), await client.request(`/cases/${caseId}`)];
    const csrf = await client.csrf(`/cases/${caseId}`);
    await client.request(`/cases/${caseId}/act`, { form: { action: 'note', note: 'called, no answer yet', csrf } });
    const casePage = await client.request(`/cases/${caseId}`);
    expect(casePage.body).toContain('killing myself'); // the excerpt is on the page itself...
    for (const page of [...pages, casePage]) {
      const title = /<title>([^<]*)<\/title>/.exec(page.body)?.[1];
      expect(title).toMatch(/^(Cases|Case #\d+) · Oyster moderators$/);
      // ...and never in a link or form address.
      for (const [, href] of page.body.matchAll(/(?:href|action)="([^"]*)"/g)) expect(href).toMatch(/^\/[a-z0-9/._-]*(\?[a-z=&]*)?$|^#main$/);
    }
    const log = w.logs.join('');
    expect(log).toContain('dashboard case action');
    for (const secret of ['killing myself', 'Robin Example', 'called, no answer', tokenOf(url!), client.cookie!.split('=')[1]!]) {
      expect(log).not.toContain(secret);
    }
  });
});
