/**
 * The dashboard's routes on Hono. Every page but sign-in needs a session; every POST but the
 * sign-in itself needs the session's CSRF token. Responses are never cached, pages carry a
 * strict Content-Security-Policy (own script and style only), and no case content ever goes
 * into a URL, a page title or a log line: URLs hold case numbers only, logs ids and codes.
 *
 *   GET  /login/:token     a "Sign in" button (link previews fetch GETs; only the POST redeems)
 *   POST /login            redeems the one-time link, sets the session cookie
 *   POST /logout
 *   GET  /                 the queue (?status=&level=&platform=)
 *   GET  /cases/:id        one case
 *   POST /cases/:id/act    claim, resolve, note, pause, resume: the core's case action
 *   GET  /events           server-sent "change" events
 *   GET  /assets/*         style.css, app.js
 * A GET with `X-Fragment: 1` answers only the page's live parts (app.js swaps them in).
 */
import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { html } from 'hono/html';
import { secureHeaders } from 'hono/secure-headers';
import { streamSSE } from 'hono/streaming';
import { getConnInfo } from '@hono/node-server/conninfo';
import { asBotError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { Clock } from '../ports.js';
import { RateLimiter } from '../conversation/rate-limit.js';
import type { DashboardReads } from '../store/dashboard-store.js';
import { parseActionForm, runWebAction, type CaseCommand } from './actions.js';
import { APP_JS, STYLE_CSS } from './assets.js';
import type { DashboardAuth, Session } from './auth.js';
import { parseFilter } from './filter.js';
import type { ChangeHub } from './live.js';
import { caseBody, caseLive } from './views/case-page.js';
import { messagePage, page, SIGN_IN_HELP } from './views/layout.js';
import { queueBody, queueLive } from './views/queue-page.js';

export interface AppDeps {
  auth: DashboardAuth;
  reads: DashboardReads;
  hub: ChangeHub;
  runCaseCommand: CaseCommand;
  clock: Clock;
  logger: Logger;
  /** Secure cookies (the dashboard is reached over HTTPS, DASHBOARD_PUBLIC_URL). */
  secure: boolean;
  /** Resolves every open event stream so a stop does not wait for browsers. */
  onStreamOpen(close: () => void): () => void;
}

type Env = { Variables: { session: Session; sessionToken: string } };

const COOKIE = 'oyster_session';
const QUEUE_LIMIT = 200;
const KEEPALIVE_MS = 25_000;

export function createApp(deps: AppDeps): Hono<Env> {
  const { auth, reads, clock, logger } = deps;
  const app = new Hono<Env>();
  // Sign-in attempts: per address, and overall (behind a proxy every address is the proxy's).
  // In memory, per instance, on purpose: a limit lost at a restart, or multiplied by the number
  // of instances, still leaves guessing a 256-bit link or session token hopeless; it only keeps
  // a misbehaving client from filling the log.
  const perAddress = new RateLimiter({ perMinute: 10, burst: 10 });
  const overall = new RateLimiter({ perMinute: 60, burst: 30 });
  // One message after an action, shown once on the next page; keyed by session, never put in a URL.
  const flashes = new Map<string, { text: string; ok: boolean }>();
  const cookieOptions = { path: '/', httpOnly: true, sameSite: 'Strict' as const, secure: deps.secure, ...(deps.secure ? { prefix: 'host' as const } : {}) };
  const readCookie = (c: Context<Env>) => (deps.secure ? getCookie(c, COOKIE, 'host') : getCookie(c, COOKIE));

  app.use('*', secureHeaders({
    contentSecurityPolicy: {
      defaultSrc: ["'none'"], scriptSrc: ["'self'"], styleSrc: ["'self'"], imgSrc: ["'self'"], connectSrc: ["'self'"],
      formAction: ["'self'"], frameAncestors: ["'none'"], baseUri: ["'none'"],
    },
    referrerPolicy: 'no-referrer',
    crossOriginResourcePolicy: 'same-origin',
  }));
  app.use('*', async (c, next) => {
    await next();
    if (!c.req.path.startsWith('/assets/')) c.header('Cache-Control', 'no-store');
  });
  app.use('*', bodyLimit({ maxSize: 16 * 1024, onError: (c) => c.text('Request too large', 413) }));

  app.onError((error, c) => {
    logger.error('dashboard request failed', { code: asBotError(error).code, method: c.req.method });
    return c.html(messagePage('Something went wrong', ['The dashboard could not do that. Please try again; if it keeps failing, tell the operator.']), 500);
  });
  app.notFound((c) => c.html(messagePage('Not found', ['There is nothing at this address.']), 404));

  app.get('/assets/style.css', (c) => c.body(STYLE_CSS, 200, { 'Content-Type': 'text/css; charset=utf-8', 'Cache-Control': 'no-cache' }));
  app.get('/assets/app.js', (c) => c.body(APP_JS, 200, { 'Content-Type': 'text/javascript; charset=utf-8', 'Cache-Control': 'no-cache' }));

  // ── sign-in ──

  const limited = (c: Context<Env>): boolean => {
    const now = clock.now().getTime();
    const address = getConnInfo(c).remote.address ?? 'unknown';
    if (overall.take('all', now).allowed && perAddress.take(address, now).allowed) return false;
    logger.warn('dashboard sign-in rate-limited');
    return true;
  };
  const tooMany = (c: Context<Env>) => c.html(messagePage('Too many attempts', ['Too many sign-in attempts. Wait a minute, then try again.']), 429);

  app.get('/login/:token', (c) => {
    if (limited(c)) return tooMany(c);
    const token = c.req.param('token');
    return c.html(page({
      title: 'Sign in',
      body: html`<h1>Sign in</h1>
<p>This link signs you in to the moderator dashboard. It works once and expires 10 minutes after it was sent.</p>
<form method="post" action="/login"><input type="hidden" name="token" value="${token}">
<button type="submit" class="primary">Sign in</button></form>`,
    }));
  });

  app.post('/login', async (c) => {
    if (limited(c)) return tooMany(c);
    const form = await c.req.parseBody();
    const token = typeof form['token'] === 'string' ? form['token'] : '';
    const result = await auth.redeem(token);
    if (!result.ok) {
      return c.html(messagePage('This link cannot be used', [
        result.reason === 'not_moderator'
          ? 'This link belongs to someone who is not a moderator here.'
          : 'It was already used, it has expired, or it is not a sign-in link. Links work once, for 10 minutes.',
        'Ask the bot for a new one with /case web.',
      ]), 403);
    }
    setCookie(c, COOKIE, result.sessionToken, cookieOptions);
    return c.redirect('/', 303);
  });

  // ── everything below needs a session ──

  const signedIn = async (c: Context<Env>, touch: boolean): Promise<Session | undefined> => {
    const token = readCookie(c);
    const session = await auth.check(token, touch);
    if (!session) {
      if (token) deleteCookie(c, COOKIE, cookieOptions);
      return undefined;
    }
    c.set('session', session);
    c.set('sessionToken', token!);
    return session;
  };
  const refuse = (c: Context<Env>) => (c.req.header('X-Fragment') || c.req.path === '/events'
    ? c.text('Sign in first.', 401)
    : c.html(messagePage('Sign in', SIGN_IN_HELP), 401));

  app.use('/', async (c, next) => ((await signedIn(c, !c.req.header('X-Fragment'))) ? next() : refuse(c)));
  app.use('/cases/*', async (c, next) => ((await signedIn(c, !c.req.header('X-Fragment'))) ? next() : refuse(c)));
  // The event stream does not count as activity: an open tab alone does not keep a session alive.
  app.use('/events', async (c, next) => ((await signedIn(c, false)) ? next() : refuse(c)));
  app.use('/logout', async (c, next) => ((await signedIn(c, false)) ? next() : refuse(c)));

  const csrfOk = async (c: Context<Env>): Promise<Record<string, unknown> | undefined> => {
    const form = await c.req.parseBody();
    if (auth.csrfValid(c.get('session'), typeof form['csrf'] === 'string' ? form['csrf'] : undefined)) return form;
    logger.warn('dashboard request refused: bad CSRF token', { userKey: c.get('session').userKey });
    return undefined;
  };
  const forbidden = (c: Context<Env>) =>
    c.html(messagePage('Request refused', ['This form has expired or did not come from this dashboard. Go back, reload the page and try again.']), 403);
  const frame = (c: Context<Env>, title: string) => {
    const s = c.get('session');
    const flash = flashes.get(s.csrf);
    flashes.delete(s.csrf);
    return { title, who: { displayName: s.displayName, userKey: s.userKey, csrf: s.csrf }, flash };
  };

  app.post('/logout', async (c) => {
    if (!(await csrfOk(c))) return forbidden(c);
    await auth.signOut(c.get('sessionToken'));
    deleteCookie(c, COOKIE, cookieOptions);
    return c.html(messagePage('Signed out', ['You are signed out. Ask the bot for a new link with /case web to sign in again.']));
  });

  app.get('/', async (c) => {
    const filter = parseFilter(c.req.query());
    const [items, platforms] = await Promise.all([reads.queue(filter, QUEUE_LIMIT), reads.platforms()]);
    const view = { items, filter, platforms, now: clock.now() };
    if (c.req.header('X-Fragment')) return c.html(queueLive(view));
    return c.html(page({ ...frame(c, 'Cases'), body: queueBody(view) }));
  });

  const caseId = (c: Context<Env>): number | undefined => {
    const m = /^(\d{1,12})$/.exec(c.req.param('id') ?? '');
    return m ? Number(m[1]) : undefined;
  };

  app.get('/cases/:id', async (c) => {
    const id = caseId(c);
    const detail = id === undefined ? undefined : await reads.caseDetail(id);
    if (!detail) return c.html(page({ ...frame(c, 'Not found'), body: html`<h1>Not found</h1><p>There is no such case. <a href="/">Back to the queue</a>.</p>` }), 404);
    const session = c.get('session');
    if (c.req.header('X-Fragment')) return c.html(caseLive(detail, session.csrf, clock.now()));
    return c.html(page({ ...frame(c, `Case #${detail.id}`), body: caseBody(detail, session.csrf, clock.now()) }));
  });

  app.post('/cases/:id/act', async (c) => {
    const form = await csrfOk(c);
    if (!form) return forbidden(c);
    const id = caseId(c);
    if (id === undefined) return c.notFound();
    const session = c.get('session');
    const parsed = parseActionForm(form);
    const result = 'error' in parsed
      ? { ok: false, text: parsed.error }
      : await runWebAction(deps.runCaseCommand, session, id, parsed.action, parsed.args);
    if ('action' in parsed) logger.info('dashboard case action', { caseId: id, action: parsed.action, actor: session.userKey, ok: result.ok });
    flashes.set(session.csrf, result);
    if (flashes.size > 1_000) flashes.delete(flashes.keys().next().value!);
    // Post/redirect/get: a reload never repeats the action.
    return c.redirect(`/cases/${id}`, 303);
  });

  app.get('/events', (c) => {
    c.header('X-Accel-Buffering', 'no'); // nginx: pass events through at once
    return streamSSE(c, async (stream) => {
      const token = c.get('sessionToken');
      let done!: () => void;
      const finished = new Promise<void>((resolve) => (done = resolve));
      let sending = Promise.resolve();
      const send = (event: string) => {
        sending = sending.then(() => stream.writeSSE({ event, data: String(clock.now().getTime()) })).catch(() => done());
      };
      const unsubscribe = await deps.hub.subscribe(() => {
        // Re-checked at every change: a moderator removed from the list stops getting updates.
        void auth.check(token, false).then((s) => {
          if (s) send('change');
          else {
            send('signout');
            void sending.then(done);
          }
        });
      });
      const release = deps.onStreamOpen(done);
      const keepalive = setInterval(() => send('ping'), KEEPALIVE_MS);
      stream.onAbort(done);
      // Anything that changed between the page load and this subscription shows at once.
      send('change');
      await finished;
      clearInterval(keepalive);
      unsubscribe();
      release();
    });
  });

  return app;
}
