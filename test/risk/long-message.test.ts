/**
 * The grammar stays linear in a message's length: a long message repeating risk words thousands
 * of times (each a concept occurrence the rules look around) is screened in well under the
 * bound. Before the grammar searched only each occurrence's neighbourhood, 400 kB of this took
 * about 3 s of CPU in the grammar alone, and 1 MB about 30 s. CPU time, not wall clock: the
 * machine is shared.
 */
import { describe, expect, it } from 'vitest';
import { assessor, NOW } from './helpers.js';

describe('a very long message full of risk words', () => {
  it('is screened in bounded CPU time and still read as imminent', () => {
    const text = 'I have the pills tonight. '.repeat(16_000);
    const started = process.cpuUsage();
    const result = assessor.screen({ text, recent: [], now: NOW });
    const used = process.cpuUsage(started);
    expect(result.level).toBe('imminent');
    expect((used.user + used.system) / 1000).toBeLessThan(5_000);
  });
});
