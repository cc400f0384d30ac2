/**
 * The remote half of `oyster-bot doctor`: one authenticated, read-only call per configured
 * platform, with plain fetch and a short timeout:
 *   Telegram  GET  {TELEGRAM_API_ROOT}/bot<token>/getMe   (Bot API: 401 when the token is wrong)
 *   Slack     POST {SLACK_API_URL}auth.test                (200 with ok:false, error "invalid_auth")
 *   Discord   GET  {DISCORD_API_URL}/v10/users/@me         (401 when the token is wrong)
 * Findings show the API root, never the token (the Telegram URL embeds it, so it is never printed).
 */
import { redact } from '../logger.js';
import { ok, problem, type Finding } from './doctor-checks.js';

/*
 * The parts of each adapter's validated config (adapters/<p>/config.ts) a probe needs. Kept
 * structural so src/ never imports from adapters/; src/cli/doctor.ts passes the real configs.
 */
export interface TelegramProbeConfig { token: string; apiRoot: string | undefined; webhook: unknown }
export interface SlackProbeConfig { botToken: string; apiUrl: string | undefined; mode: 'socket' | 'http'; port: number }
export interface DiscordProbeConfig { token: string; apiUrl: string | undefined }

const TELEGRAM_ROOT = 'https://api.telegram.org';
const SLACK_ROOT = 'https://slack.com/api/';
const DISCORD_ROOT = 'https://discord.com/api';

type Answer = { status: number; body: Record<string, unknown> | undefined } | { error: string };

async function call(url: string, init: RequestInit, timeoutMs: number): Promise<Answer> {
  try {
    const res = await fetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs) });
    const text = await res.text();
    let body: Record<string, unknown> | undefined;
    try {
      body = JSON.parse(text) as Record<string, unknown>;
    } catch {
      body = undefined;
    }
    return { status: res.status, body };
  } catch (error) {
    const name = (error as { name?: string }).name;
    if (name === 'TimeoutError' || name === 'AbortError') return { error: `no answer within ${timeoutMs} ms` };
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    return { error: redact(cause?.code ?? cause?.message ?? (error as Error).message) };
  }
}

const unreachable = (name: string, root: string, why: string, variable: string): Finding =>
  problem(name, `cannot reach ${root} (${why})`, `check this machine's network access to it, or ${variable} if you use a local API server`);

export async function probeTelegram(config: TelegramProbeConfig, timeoutMs = 5_000): Promise<Finding> {
  const name = 'telegram';
  const root = config.apiRoot ?? TELEGRAM_ROOT;
  const answer = await call(`${root}/bot${config.token}/getMe`, {}, timeoutMs);
  if ('error' in answer) return unreachable(name, root, answer.error, 'TELEGRAM_API_ROOT');
  const result = answer.body?.result as { username?: string } | undefined;
  if (answer.status === 200 && answer.body?.ok === true && result) {
    const mode = config.webhook ? 'webhook mode' : 'long polling';
    return ok(name, `${root} accepted the token: bot @${result.username ?? '?'} (${mode})`);
  }
  if (answer.status === 401 || answer.status === 404) {
    // The Bot API answers 404 for a malformed token path as well as 401 for a revoked one.
    return problem(name, `${root} rejected TELEGRAM_BOT_TOKEN (HTTP ${answer.status})`, 'copy the token from @BotFather again (/mybots → API Token)');
  }
  return problem(name, `getMe at ${root} answered HTTP ${answer.status}${typeof answer.body?.description === 'string' ? `: ${answer.body.description}` : ''}`,
    'retry later; if it persists check TELEGRAM_API_ROOT');
}

export async function probeSlack(config: SlackProbeConfig, timeoutMs = 5_000): Promise<Finding> {
  const name = 'slack';
  const root = config.apiUrl ?? SLACK_ROOT;
  const answer = await call(`${root}auth.test`, {
    method: 'POST',
    headers: { authorization: `Bearer ${config.botToken}`, 'content-type': 'application/x-www-form-urlencoded' },
    body: '',
  }, timeoutMs);
  if ('error' in answer) return unreachable(name, root, answer.error, 'SLACK_API_URL');
  const body = answer.body ?? {};
  if (answer.status === 200 && body.ok === true) {
    const mode = config.mode === 'socket' ? 'Socket Mode; the app token is checked at start' : `HTTP mode on port ${config.port}`;
    return ok(name, `${root} accepted SLACK_BOT_TOKEN: workspace "${String(body.team ?? '?')}" as @${String(body.user ?? '?')} (${mode})`);
  }
  const error = typeof body.error === 'string' ? body.error : `HTTP ${answer.status}`;
  if (['invalid_auth', 'not_authed', 'account_inactive', 'token_revoked', 'token_expired'].includes(error)) {
    return problem(name, `${root} rejected SLACK_BOT_TOKEN (${error})`, 'copy the Bot User OAuth Token (xoxb-) from "OAuth & Permissions" again, and reinstall the app if it was revoked');
  }
  return problem(name, `auth.test at ${root} failed (${error})`, 'retry later; if it persists check SLACK_API_URL');
}

export async function probeDiscord(config: DiscordProbeConfig, timeoutMs = 5_000): Promise<Finding> {
  const name = 'discord';
  const root = config.apiUrl ?? DISCORD_ROOT;
  const answer = await call(`${root}/v10/users/@me`, { headers: { authorization: `Bot ${config.token}` } }, timeoutMs);
  if ('error' in answer) return unreachable(name, root, answer.error, 'DISCORD_API_URL');
  if (answer.status === 200 && typeof answer.body?.id === 'string') {
    return ok(name, `${root} accepted DISCORD_BOT_TOKEN: bot ${String(answer.body.username ?? '?')} (${answer.body.id})`);
  }
  if (answer.status === 401) {
    return problem(name, `${root} rejected DISCORD_BOT_TOKEN (HTTP 401)`, 'reset the token in the Developer Portal (Bot → Reset Token) and copy it again');
  }
  return problem(name, `GET /users/@me at ${root} answered HTTP ${answer.status}`, 'retry later; if it persists check DISCORD_API_URL');
}
