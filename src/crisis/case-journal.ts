/**
 * Cases that could not be written because the database was unavailable (issue 17 item 3).
 * The person already got their resources (they need no store); what is missing is the case
 * and its alert. Each such signal is appended here, to a small file beside the database
 * (fsync'd, one JSON line each: a locked or read-only database file does not stop it), and
 * kept in memory. Every few seconds, and at start, the journal is replayed through the normal
 * escalation path; a signal is keyed by its message id, so replaying one twice still opens one
 * case and writes one alert. Replayed lines are removed by rewriting the file.
 *
 * When the file cannot be written either (the disk is full), the signal is kept in memory and
 * the log says so: it is replayed when the store is back unless the process dies first.
 * The lines hold the alert's excerpt and the person's name, as the case would: /forget removes
 * the person's lines too.
 */
import { appendFileSync, closeSync, fsyncSync, openSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { asBotError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { RaiseInput } from './escalation.js';

export interface CaseJournal {
  /** Keeps a signal whose case could not be written; durable when the file can be written. */
  add(input: RaiseInput): void;
  /** Writes every kept signal through `raise`; resolves with how many went through. */
  replay(): Promise<number>;
  /** Drops the person's kept signals (/forget); resolves with how many. */
  forget(userKey: string): number;
  readonly size: number;
  /** Stops the replay timer. */
  stop(): void;
}

export interface CaseJournalOptions {
  /** The journal file; undefined keeps signals in memory only (an in-memory database). */
  path: string | undefined;
  raise(input: RaiseInput): Promise<unknown>;
  logger: Logger;
  /** How often kept signals are retried (ms). */
  retryMs?: number;
}

const RETRY_MS = 2_000;

export function createCaseJournal(o: CaseJournalOptions): CaseJournal {
  const kept = new Map<string, RaiseInput>();
  const keyOf = (i: RaiseInput) => `${i.conversation.platform}:${i.messageId}`;
  let replaying: Promise<number> | undefined;

  // Signals a previous run could not write: replayed with the first replay().
  if (o.path) {
    try {
      for (const line of readFileSync(o.path, 'utf8').split('\n')) {
        if (!line.trim()) continue;
        try {
          const input = revive(JSON.parse(line) as RaiseInput);
          kept.set(keyOf(input), input);
        } catch {
          o.logger.error('case journal line unreadable: skipped', { code: 'STORE_UNAVAILABLE' });
        }
      }
    } catch (error) {
      if ((error as { code?: string }).code !== 'ENOENT') o.logger.error('case journal unreadable', { code: (error as { code?: string }).code });
    }
  }

  const rewrite = () => {
    if (!o.path) return;
    try {
      if (kept.size === 0) {
        rmSync(o.path, { force: true });
        return;
      }
      const tmp = `${o.path}.tmp`;
      writeFileSync(tmp, [...kept.values()].map((i) => JSON.stringify(i)).join('\n') + '\n');
      renameSync(tmp, o.path);
    } catch (error) {
      o.logger.error('case journal could not be rewritten', { code: (error as { code?: string }).code });
    }
  };

  const timer = setInterval(() => {
    if (kept.size > 0) void journal.replay();
  }, o.retryMs ?? RETRY_MS);
  timer.unref();

  const journal: CaseJournal = {
    add(input) {
      kept.set(keyOf(input), input);
      let durable = false;
      if (o.path) {
        try {
          const fd = openSync(o.path, 'a');
          try {
            appendFileSync(fd, JSON.stringify(input) + '\n');
            fsyncSync(fd);
            durable = true;
          } finally {
            closeSync(fd);
          }
        } catch (error) {
          o.logger.error('case journal not writable: the case is kept in memory only', { code: (error as { code?: string }).code });
        }
      }
      o.logger.warn('case journaled until the database is back', { level: input.level, durable, pending: kept.size });
    },

    replay() {
      replaying ??= (async () => {
        let done = 0;
        for (const [key, input] of [...kept]) {
          try {
            await o.raise(input);
            kept.delete(key);
            done++;
          } catch (error) {
            // Still unavailable: keep it (and everything after it) for the next round.
            if (asBotError(error).code === 'STORE_UNAVAILABLE') break;
            o.logger.error('journaled case could not be written: dropped', { code: asBotError(error).code });
            kept.delete(key);
          }
        }
        if (done > 0) {
          rewrite();
          o.logger.info('journaled cases written', { count: done, pending: kept.size });
        }
        return done;
      })().finally(() => { replaying = undefined; });
      return replaying;
    },

    forget(userKey) {
      let removed = 0;
      for (const [key, input] of kept) {
        if (input.userKey === userKey) {
          kept.delete(key);
          removed++;
        }
      }
      if (removed > 0) rewrite();
      return removed;
    },

    get size() {
      return kept.size;
    },

    stop() {
      clearInterval(timer);
    },
  };
  return journal;
}

/** JSON turns the signal's Date into a string. */
function revive(input: RaiseInput): RaiseInput {
  return { ...input, at: new Date(input.at) };
}
