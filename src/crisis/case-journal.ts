/**
 * Cases that could not be written because the database was unavailable (issue 17 item 3).
 * The person already got their resources (they need no store); what is missing is the case
 * and its alert. Each such signal is appended here, to a small file beside the database
 * (fsync'd, one JSON line each: a locked or read-only database file does not stop it), and
 * kept in memory. Every few seconds, and at start, the journal is replayed through the normal
 * escalation path; a signal is keyed by its message id, so replaying one twice still opens one
 * case and writes one alert. Replayed lines are removed by rewriting the file.
 *
 * A full disk would stop the journal too, so the journal keeps a small reserve file beside it
 * (RESERVE_BYTES of zeros, made at start): when an append fails for lack of space, the reserve
 * is deleted and the append tried again in the space it freed, so the case survives a crash
 * during the fault. The reserve is made again once the journal is empty. Only when even that
 * fails is the signal kept in memory alone: the log says so and `memoryOnly` counts it (lost if
 * the process dies before the store is back).
 * The lines hold the alert's excerpt and the person's name, as the case would: /forget removes
 * the person's lines too.
 */
import * as nodeFs from 'node:fs';
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
  /** Kept signals that are in memory only (the journal file could not take them). */
  readonly memoryOnly: number;
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
  /** The file calls; tests pass ones that fail as a full disk does. */
  fs?: JournalFs;
}

export type JournalFs = Pick<typeof nodeFs, 'appendFileSync' | 'closeSync' | 'fsyncSync' | 'openSync' | 'readFileSync' | 'renameSync' | 'rmSync' | 'writeFileSync'>;

const RETRY_MS = 2_000;
/** Room for a few hundred journal lines on a full disk. */
export const RESERVE_BYTES = 256 * 1024;

export function createCaseJournal(o: CaseJournalOptions): CaseJournal {
  const { appendFileSync, closeSync, fsyncSync, openSync, readFileSync, renameSync, rmSync, writeFileSync } = o.fs ?? nodeFs;
  const kept = new Map<string, RaiseInput>();
  const inMemory = new Set<string>();
  const reserve = o.path ? `${o.path}.reserve` : undefined;
  let reserved = false;
  const makeReserve = () => {
    if (!reserve || reserved) return;
    try {
      writeFileSync(reserve, Buffer.alloc(RESERVE_BYTES));
      reserved = true;
    } catch {
      // No room for it now (a full disk at start): made again once the journal is empty.
      rmSync(reserve, { force: true });
    }
  };
  const append = (line: string) => {
    const fd = openSync(o.path!, 'a');
    try {
      appendFileSync(fd, line);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  };
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
        inMemory.clear();
        makeReserve();
        return;
      }
      const tmp = `${o.path}.tmp`;
      writeFileSync(tmp, [...kept.values()].map((i) => JSON.stringify(i)).join('\n') + '\n');
      renameSync(tmp, o.path);
    } catch (error) {
      o.logger.error('case journal could not be rewritten', { code: (error as { code?: string }).code });
    }
  };

  if (kept.size === 0) makeReserve();

  const timer = setInterval(() => {
    if (kept.size > 0) void journal.replay();
  }, o.retryMs ?? RETRY_MS);
  timer.unref();

  const journal: CaseJournal = {
    add(input) {
      kept.set(keyOf(input), input);
      let durable = false;
      if (o.path) {
        const line = JSON.stringify(input) + '\n';
        try {
          append(line);
          durable = true;
        } catch (error) {
          const code = (error as { code?: string }).code;
          if (code === 'ENOSPC' && reserved && reserve) {
            // The disk is full: give back the reserve and write into the space it held.
            rmSync(reserve, { force: true });
            reserved = false;
            try {
              append(line);
              durable = true;
              o.logger.warn('disk full: the case journal used its reserve space', { code });
            } catch (again) {
              o.logger.error('case journal not writable: the case is kept in memory only', { code: (again as { code?: string }).code });
            }
          } else {
            o.logger.error('case journal not writable: the case is kept in memory only', { code });
          }
        }
      }
      if (durable) inMemory.delete(keyOf(input));
      else inMemory.add(keyOf(input));
      o.logger.warn('case journaled until the database is back', { level: input.level, durable, pending: kept.size });
    },

    replay() {
      replaying ??= (async () => {
        let done = 0;
        for (const [key, input] of [...kept]) {
          try {
            await o.raise(input);
            kept.delete(key);
            inMemory.delete(key);
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
          inMemory.delete(key);
          removed++;
        }
      }
      if (removed > 0) rewrite();
      return removed;
    },

    get size() {
      return kept.size;
    },

    get memoryOnly() {
      return inMemory.size;
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
