/**
 * The shape of a risk probe and the tolerance rule the probe tests apply (probes-*.test.ts).
 * Probes are sentences written by the team for this purpose, never rows of ../shared/eval.
 *
 * Tolerance rule:
 * - By default the screen must return exactly `want`.
 * - `none` probes (hard negatives: idioms, games, software, cooking, sport, fiction, news,
 *   academic questions, medication taken as prescribed, lyrics, hyperbole) are always exact:
 *   a look-alike read as `low` would still colour the reply, and anything higher alarms people.
 * - `room: 'below'` accepts one level lower, only where CRISIS.md §2 leaves room: C-SSRS item 2
 *   sits under both moderate and high, a veiled or ambiguous message alone ("I'm standing on
 *   the roof") can be read either way until context arrives, a goodbye with no other signal.
 * - `room: 'above'` accepts one level higher where CRISIS.md would raise with a cue the screen
 *   may reasonably read (a recent attempt, a minor, a public broadcast, a named date), or where
 *   the public benchmarks we are measured on label more strictly than CRISIS.md (PsySUICIDE
 *   labels any self-harm statement, urges included, high).
 * Nothing accepts two levels of difference.
 */
import { RISK_LEVELS, type RiskLevel } from '../../src/messages.js';

export type Room = 'below' | 'above';
/** One message, or a conversation's user turns (oldest first; the last one is assessed). */
export type Probe = [input: string | string[], want: RiskLevel, room?: Room];

/** The levels a probe accepts under the tolerance rule above. */
export function accepted(want: RiskLevel, room?: Room): RiskLevel[] {
  const rank = RISK_LEVELS.indexOf(want);
  if (want === 'none') return ['none'];
  const out: RiskLevel[] = [want];
  if (room === 'below') out.unshift(RISK_LEVELS[rank - 1]!);
  if (room === 'above' && rank < RISK_LEVELS.length - 1) out.push(RISK_LEVELS[rank + 1]!);
  return out;
}

/** A short label for test names. */
export function label(input: Probe[0]): string {
  return Array.isArray(input) ? input.map((t) => JSON.stringify(t)).join(' → ') : JSON.stringify(input);
}
