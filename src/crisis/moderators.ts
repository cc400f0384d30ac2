/**
 * Who counts as a moderator: configured user ids ("platform:userId") or platform roles.
 * Role ids may be given bare (Discord role snowflakes are globally unique) or as
 * "platform:roleId" when one deployment spans several platforms.
 */
import type { Actor } from '../ports.js';

export interface ModeratorConfig {
  /** "platform:userId", e.g. "discord:80351110224678912", "telegram:123456". */
  ids: string[];
  roleIds: string[];
}

export function isModerator(actor: Actor, platform: string, config: ModeratorConfig): boolean {
  if (config.ids.includes(`${platform}:${actor.id}`)) return true;
  return actor.roleIds.some((role) => config.roleIds.includes(role) || config.roleIds.includes(`${platform}:${role}`));
}
