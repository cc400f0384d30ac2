import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { boltLogger } from '../../adapters/slack/bolt-logger.js';
import { createLogger } from '../../src/logger.js';

/** Every JSON line the logger wrote, as raw text (a duplicated key survives JSON.parse unseen). */
function capture() {
  const stream = new PassThrough();
  let out = '';
  stream.on('data', (d: Buffer) => (out += d.toString()));
  return { stream, lines: () => out.trim().split('\n') };
}

const keyCount = (line: string, key: string) => line.split(`"${key}":`).length - 1;

describe('structured logs', () => {
  it('writes a key bound twice (composition root and adapter) once', async () => {
    const { stream, lines } = capture();
    const log = createLogger({ destination: stream }).child({ platform: 'telegram' }).child({ platform: 'telegram', part: 'poll' });
    log.info('polling', { platform: 'telegram', attempt: 2 });
    await new Promise((r) => setImmediate(r));
    const [line] = lines();
    expect(keyCount(line!, 'platform')).toBe(1);
    expect(JSON.parse(line!)).toMatchObject({ platform: 'telegram', part: 'poll', attempt: 2, msg: 'polling' });
  });

  it('keeps a conflicting value under its own name instead of a second key', async () => {
    const { stream, lines } = capture();
    createLogger({ destination: stream }).child({ platform: 'slack' }).warn('forwarded', { platform: 'telegram' });
    await new Promise((r) => setImmediate(r));
    const [line] = lines();
    expect(keyCount(line!, 'platform')).toBe(1);
    expect(JSON.parse(line!)).toMatchObject({ platform: 'slack', 'call.platform': 'telegram' });
  });

  it('does no work for a line below the level: its fields are never read, bolt debug lines never serialized', async () => {
    const { stream, lines } = capture();
    const log = createLogger({ level: 'warn', destination: stream });
    let reads = 0;
    const fields = { get costly() { reads++; return 'x'; } };
    log.info('message handled', fields);
    log.debug('detail', fields);
    const request = { toJSON() { reads++; return {}; } };
    boltLogger(log).debug('http request body', request);
    expect(reads).toBe(0);
    expect(log.enabled?.('info')).toBe(false);
    log.warn('written', fields);
    await new Promise((r) => setImmediate(r));
    expect(reads).toBe(1);
    expect(lines().map((l) => JSON.parse(l).msg)).toEqual(['written']);
  });
});
