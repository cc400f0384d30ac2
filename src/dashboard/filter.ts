/** The queue filter from a query string; anything unknown falls back to the default view. */
import { RISK_LEVELS, type RiskLevel } from '../messages.js';
import { STATUSES, type QueueFilter } from '../store/dashboard-store.js';

export function parseFilter(query: Record<string, string | undefined>): QueueFilter {
  const status = query['status'];
  const level = query['level'];
  const platform = query['platform']?.trim();
  return {
    status: status === 'all' || (STATUSES as readonly string[]).includes(status ?? '') ? (status as QueueFilter['status']) : 'active',
    level: (RISK_LEVELS as readonly string[]).includes(level ?? '') ? (level as RiskLevel) : undefined,
    platform: platform && /^[a-z0-9_-]{1,40}$/.test(platform) ? platform : undefined,
  };
}
