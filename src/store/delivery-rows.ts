/**
 * The resource_deliveries row as both dialects return it, and its reading into a
 * ResourceDelivery. The two schemas keep these columns alike (the PostgreSQL one adds claim
 * columns that only its SQL reads), so one reader serves SQLite and PostgreSQL.
 */
import type { ConversationRef, RiskLevel } from '../messages.js';
import type { DeliveryPlace, ResourceDelivery } from './resource-deliveries.js';

export interface DeliveryRow {
  id: number;
  case_id: number | null;
  user_key: string;
  conversation_json: string;
  place: DeliveryPlace;
  level: RiskLevel;
  country: string | null;
  locale: string;
  about: 'self' | 'other';
  resource_ids_json: string;
  reply_to_id: string | null;
  attempts: number;
  created_at: string;
  delivered_at: string | null;
  superseded_at: string | null;
  last_error: string | null;
}

/** Not yet delivered and not replaced by newer lines: still owed to the person. */
export const PENDING = 'delivered_at IS NULL AND superseded_at IS NULL';

export function toDelivery(r: DeliveryRow): ResourceDelivery {
  return {
    id: r.id,
    caseId: r.case_id ?? undefined,
    userKey: r.user_key,
    conversation: JSON.parse(r.conversation_json) as ConversationRef,
    place: r.place,
    level: r.level,
    country: r.country ?? undefined,
    locale: r.locale,
    about: r.about,
    resourceIds: JSON.parse(r.resource_ids_json) as string[],
    replyToId: r.reply_to_id ?? undefined,
    attempts: r.attempts,
    createdAt: new Date(r.created_at),
    deliveredAt: r.delivered_at === null ? undefined : new Date(r.delivered_at),
    supersededAt: r.superseded_at === null ? undefined : new Date(r.superseded_at),
    lastError: r.last_error ?? undefined,
  };
}
