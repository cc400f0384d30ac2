/**
 * The build's record of required literals (src/risk/literal-memo.ts): while recording, every
 * answer is worked out afresh by the current code (an old record is never trusted) and saved.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { memoLiterals, recordLiterals, saveLiteralRecord } from '../../src/risk/literal-memo.js';
import { requiredLiterals } from '../../src/risk/prefilter.js';

describe('the required-literals record', () => {
  it('computes every answer while recording and saves exactly those answers', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'oyster-literals-')), 'record.json');
    let computed = 0;
    recordLiterals();
    expect(memoLiterals('k1', () => { computed++; return ['kill']; })).toEqual(['kill']);
    expect(memoLiterals('k2', () => { computed++; return undefined; })).toBeUndefined();
    const real = requiredLiterals('want(?:ed)? to die', 3);
    expect(saveLiteralRecord(path)).toBe(3);
    expect(computed).toBe(2);
    const saved = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
    expect(saved['k1']).toEqual(['kill']);
    expect(saved['k2']).toBeNull();
    expect(saved['3\u0000want(?:ed)? to die']).toEqual(real ?? null);
  });

  it('without a record (run from source) works every answer out', () => {
    let computed = 0;
    expect(memoLiterals('unrecorded', () => { computed++; return ['x']; })).toEqual(['x']);
    expect(computed).toBe(1);
  });
});
