/**
 * The build's record of parsed policy YAML (src/policy/parsed-cache.ts): a start reads a
 * recorded file's content from JSON instead of parsing YAML, keyed by the exact text, so an
 * edited file is parsed (and its errors reported) as before.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { parsedRecord, recordParsedPolicies } from '../../src/policy/parsed-cache.js';

function policyFolder(): string {
  const dir = mkdtempSync(join(tmpdir(), 'oyster-parsed-record-'));
  mkdirSync(join(dir, 'templates'));
  mkdirSync(join(dir, 'detection'));
  writeFileSync(join(dir, 'model.yaml'), 'answer_max_tokens: 4096\nhistory:\n  max_turns: 20\nnote: &a "shared"\nagain: *a\n');
  writeFileSync(join(dir, 'templates', 'en.yaml'), 'greeting: |\n  Hello,\n  friend.\nlist: [1, 2.5, true, null]\n');
  writeFileSync(join(dir, 'limits.yaml'), 'ceiling: .inf\n');
  writeFileSync(join(dir, 'broken.yaml'), 'key: [unclosed\n');
  writeFileSync(join(dir, 'detection', 'en.yaml'), 'language: en\n');
  return dir;
}

describe('the parsed policy record', () => {
  it('gives back exactly what the YAML parser gives, for the recorded text only', () => {
    const dir = policyFolder();
    const path = join(dir, 'record.json');
    const result = recordParsedPolicies(dir, path);
    const lookup = parsedRecord(path);
    const model = 'answer_max_tokens: 4096\nhistory:\n  max_turns: 20\nnote: &a "shared"\nagain: *a\n';
    expect(lookup(model)).toEqual({ value: parse(model) });
    const template = 'greeting: |\n  Hello,\n  friend.\nlist: [1, 2.5, true, null]\n';
    expect(lookup(template)).toEqual({ value: parse(template) });
    // One changed character is another text: parsed as YAML again.
    expect(lookup(model.replace('4096', '4097'))).toBeUndefined();
    expect(result.files).toBe(2);
  });

  it('leaves out what JSON cannot carry, what does not parse, and the detection folder', () => {
    const dir = policyFolder();
    const path = join(dir, 'record.json');
    const result = recordParsedPolicies(dir, path);
    expect(result.skipped.sort()).toEqual(['broken.yaml', 'limits.yaml']);
    expect(parsedRecord(path)('ceiling: .inf\n')).toBeUndefined();
    expect(parsedRecord(path)('language: en\n')).toBeUndefined();
  });

  it('hands out a fresh copy each time, so a caller cannot change what the next one reads', () => {
    const dir = policyFolder();
    const path = join(dir, 'record.json');
    recordParsedPolicies(dir, path);
    const lookup = parsedRecord(path);
    const text = 'greeting: |\n  Hello,\n  friend.\nlist: [1, 2.5, true, null]\n';
    (lookup(text)!.value as { list: unknown[] }).list.push('changed');
    expect((lookup(text)!.value as { list: unknown[] }).list).toEqual([1, 2.5, true, null]);
  });

  it('without a record file, finds nothing (run from source, every file is parsed)', () => {
    expect(parsedRecord(join(tmpdir(), 'no-such-record.json'))('a: 1\n')).toBeUndefined();
  });
});
