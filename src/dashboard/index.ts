/**
 * The moderator dashboard, served by the bot when DASHBOARD_PORT is set (off by default).
 * The composition root passes in the stores, the core's case action and a way to send a
 * private message; this file starts and stops the HTTP server (@hono/node-server), the live
 * change hub and the purge of old links and sessions, and answers `/case web`.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { BotError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { Clock, CommandReply, CommandRequest, PlatformAdapter } from '../ports.js';
import { isModerator, type ModeratorConfig } from '../crisis/moderators.js';
import { ENGLISH_MODERATION, say, type ModerationTexts } from '../crisis/moderation.js';
import type { ConversationRef } from '../messages.js';
import type { DashboardAuthStore, DashboardReads } from '../store/dashboard-store.js';
import type { CaseCommand } from './actions.js';
import { createApp } from './app.js';
import { createDashboardAuth, type DashboardAuth, type Grant } from './auth.js';
import { dashboardConfigFromEnv, type DashboardConfig } from './config.js';
import { createChangeHub } from './live.js';

export type { DashboardConfig } from './config.js';

export interface DashboardDeps {
  config: DashboardConfig;
  authStore: DashboardAuthStore;
  reads: DashboardReads;
  moderators: ModeratorConfig;
  /** The core's `case` command: the same action a chat button runs. */
  runCaseCommand: CaseCommand;
  /** Sends a private message to a platform user; false when their DMs are closed or refused. */
  sendDirect(platform: string, userId: string, text: string): Promise<boolean>;
  /** The `case web` replies in the moderator's language (templates' moderation section); English without it. */
  textsFor?(userKey: string, conversation: ConversationRef): Promise<ModerationTexts>;
  clock: Clock;
  logger: Logger;
}

export interface Dashboard {
  /** The address moderators open (DASHBOARD_PUBLIC_URL, else the bound address). Valid after start. */
  readonly url: string;
  /** The address the server is bound to (http://host:port), whatever the public URL. */
  readonly localUrl: string;
  readonly auth: DashboardAuth;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** `case web`: a one-time link by private message to a moderator. */
  handleWebCommand(request: CommandRequest): Promise<CommandReply>;
}

const PURGE_MS = 10 * 60_000;

/** The base URL links point at; `http://host:port` when no public URL is set. */
export function dashboardBaseUrl(config: DashboardConfig, port = config.port): string {
  if (config.publicUrl) return config.publicUrl;
  const host = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
}

export function loginUrl(base: string, token: string): string {
  return `${base}/login/${token}`;
}

export function createDashboard(deps: DashboardDeps): Dashboard {
  const { config, logger } = deps;
  const auth = createDashboardAuth({
    store: deps.authStore, moderators: deps.moderators, clock: deps.clock, logger,
    idleMinutes: config.idleMinutes, linkMinutes: config.linkMinutes,
  });
  const hub = createChangeHub(() => deps.reads.changeMark(), logger);
  const streams = new Set<() => void>();
  const app = createApp({
    auth, reads: deps.reads, hub, runCaseCommand: deps.runCaseCommand, clock: deps.clock, logger,
    secure: config.publicUrl?.startsWith('https://') ?? false,
    onStreamOpen: (close) => {
      streams.add(close);
      return () => streams.delete(close);
    },
  });
  let server: Server | undefined;
  let purgeTimer: NodeJS.Timeout | undefined;
  let port = config.port;

  const purge = () => auth.purge().catch((error: unknown) => {
    logger.warn('dashboard purge failed', { code: (error as { code?: string }).code ?? 'UNKNOWN' });
  });

  const baseUrl = () => dashboardBaseUrl(config, port);

  return {
    get url() {
      return baseUrl();
    },
    get localUrl() {
      return dashboardBaseUrl({ ...config, publicUrl: undefined }, port);
    },
    auth,

    async start() {
      server = await new Promise<Server>((resolve, reject) => {
        const s = serve({ fetch: app.fetch, port: config.port, hostname: config.host }) as Server;
        s.once('listening', () => resolve(s));
        s.once('error', (error) => reject(new BotError(
          `the dashboard cannot listen on ${config.host}:${config.port} (${(error as NodeJS.ErrnoException).code ?? 'error'}): choose another DASHBOARD_PORT`,
          'CONFIG_INVALID', { cause: error },
        )));
      });
      port = (server.address() as AddressInfo).port;
      purgeTimer = setInterval(() => void purge(), PURGE_MS);
      purgeTimer.unref();
      void purge();
      logger.info('dashboard listening', { host: config.host, port });
    },

    async stop() {
      if (purgeTimer) clearInterval(purgeTimer);
      hub.stop();
      for (const close of [...streams]) close();
      const s = server;
      server = undefined;
      if (!s) return;
      await new Promise<void>((resolve) => {
        s.close(() => resolve());
        s.closeAllConnections();
      });
    },

    async handleWebCommand(request) {
      const reply = (text: string, ok = true): CommandReply => ({ text, ok, private: true });
      const platform = request.conversation.platform;
      const t = (await deps.textsFor?.(`${platform}:${request.actor.id}`, request.conversation).catch(() => undefined)) ?? ENGLISH_MODERATION;
      if (!isModerator(request.actor, platform, deps.moderators)) {
        logger.warn('dashboard link refused: not a moderator', { actor: `${platform}:${request.actor.id}` });
        return reply(t.web_refused, false);
      }
      const grant: Grant = {
        userKey: `${platform}:${request.actor.id}`,
        displayName: request.actor.displayName,
        // Only the roles that made this person a moderator; checked again on every request.
        roleIds: request.actor.roleIds.filter((r) => deps.moderators.roleIds.includes(r) || deps.moderators.roleIds.includes(`${platform}:${r}`)),
      };
      const link = await auth.issueLink(grant);
      if (!link) return reply(t.web_refused, false);
      const text = say(t.web_link, { url: loginUrl(baseUrl(), link.token), minutes: config.linkMinutes });
      // In a private chat the answer itself is private; anywhere else the link goes by DM only.
      if (request.isDirect) return reply(text);
      const sent = await deps.sendDirect(platform, request.actor.id, text).catch(() => false);
      return sent ? reply(say(t.web_sent, { minutes: config.linkMinutes })) : reply(t.web_dm_failed, false);
    },
  };
}

/** What the composition root hands over: the stores of whichever dialect is configured (open-stores.ts). */
export interface DashboardWiring {
  env: Record<string, string | undefined>;
  authStore: DashboardAuthStore;
  reads: DashboardReads;
  moderators: ModeratorConfig;
  runCaseCommand: CaseCommand;
  textsFor?: DashboardDeps['textsFor'];
  adapters: PlatformAdapter[];
  clock: Clock;
  logger: Logger;
}

/** The dashboard when DASHBOARD_PORT is set, else undefined (throws CONFIG_INVALID on a wrong value). */
export function dashboardFromEnv(w: DashboardWiring): Dashboard | undefined {
  const config = dashboardConfigFromEnv(w.env);
  if (!config) return undefined;
  return createDashboard({
    config,
    authStore: w.authStore,
    reads: w.reads,
    moderators: w.moderators,
    runCaseCommand: w.runCaseCommand,
    ...(w.textsFor ? { textsFor: w.textsFor } : {}),
    sendDirect: async (platform, userId, text) => {
      const adapter = w.adapters.find((a) => a.platform === platform);
      const conversation = await adapter?.openDirect(userId);
      if (!adapter || !conversation) return false;
      await adapter.send({ conversation, text, kind: 'notice' });
      return true;
    },
    clock: w.clock,
    logger: w.logger.child({ part: 'dashboard' }),
  });
}
