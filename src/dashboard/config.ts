/**
 * Dashboard settings from the environment. The dashboard is off unless DASHBOARD_PORT is set;
 * it binds loopback by default, because it shows crisis cases: reach it through an HTTPS
 * reverse proxy (DASHBOARD_PUBLIC_URL) or an SSH tunnel, never by opening the port itself.
 * A wrong value stops startup with one line naming the variable, like the core's config.
 */
import { z } from 'zod';
import { BotError } from '../errors.js';

type Env = Record<string, string | undefined>;

export interface DashboardConfig {
  /** 0 picks a free port (tests). */
  port: number;
  host: string;
  /** Where moderators open it (links in DMs); `http://host:port` when unset. */
  publicUrl: string | undefined;
  /** A session unused this long is signed out. */
  idleMinutes: number;
  /** A one-time link is refused after this long (the issue asks for 10 minutes). */
  linkMinutes: number;
}

const int = (min: number, max: number) =>
  z.string().trim().regex(/^\d+$/, `a whole number from ${min} to ${max}`).transform(Number)
    .refine((n) => n >= min && n <= max, `a whole number from ${min} to ${max}`);

const schema = z.object({
  DASHBOARD_PORT: int(0, 65_535),
  DASHBOARD_HOST: z.string().trim().regex(/^[A-Za-z0-9.:-]+$/, 'an address to bind such as 127.0.0.1 or 0.0.0.0').default('127.0.0.1'),
  DASHBOARD_PUBLIC_URL: z.string().trim()
    // An origin only: the pages link to absolute paths, so the proxy must serve them at the root.
    .refine((v) => /^https?:\/\/[^\s/?#]+\/?$/.test(v), 'an http(s) origin without a path, such as https://mod.example.org')
    .transform((v) => v.replace(/\/+$/, ''))
    .optional(),
  DASHBOARD_SESSION_IDLE_MINUTES: int(1, 24 * 60).default(30),
});

/** Undefined when DASHBOARD_PORT is unset (the default: no dashboard). */
export function dashboardConfigFromEnv(env: Env): DashboardConfig | undefined {
  const present = Object.fromEntries(
    Object.entries(env).filter(([k, v]) => k.startsWith('DASHBOARD_') && v !== undefined && v.trim() !== ''),
  );
  if (present['DASHBOARD_PORT'] === undefined) {
    if (Object.keys(present).length > 0) {
      throw new BotError(`${Object.keys(present)[0]} is set but DASHBOARD_PORT is not: set DASHBOARD_PORT to turn the dashboard on`, 'CONFIG_INVALID');
    }
    return undefined;
  }
  const parsed = schema.safeParse(present);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const name = String(issue.path[0]);
    throw new BotError(`${name} is invalid: expected ${issue.message} (got ${JSON.stringify(present[name] ?? '')})`, 'CONFIG_INVALID');
  }
  const d = parsed.data;
  return {
    port: d.DASHBOARD_PORT,
    host: d.DASHBOARD_HOST,
    publicUrl: d.DASHBOARD_PUBLIC_URL,
    idleMinutes: d.DASHBOARD_SESSION_IDLE_MINUTES,
    linkMinutes: 10,
  };
}
