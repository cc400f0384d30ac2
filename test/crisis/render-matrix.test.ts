import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadDirectory, type RenderedResources, type RenderRequest, type ResourceDirectory } from '../../src/crisis/directory.js';
import { RISK_LEVELS } from '../../src/messages.js';
import { ALL_COUNTRIES, digits, numberRuns, POLICY_DIR, TRAP_NUMBERS, TRAP_PHRASES } from './directory-helpers.js';

/** Every display and dial string in the YAML files, read independently of the loader. */
function directoryStrings(): Set<string> {
  const out = new Set<string>();
  for (const name of readdirSync(join(POLICY_DIR, 'resources'))) {
    const data = parse(readFileSync(join(POLICY_DIR, 'resources', name), 'utf8')) as {
      contacts: Array<{ display: string; dial?: string; use: string }>;
      emergency?: { numbers: Array<{ display: string; dial: string }> };
    };
    for (const c of data.contacts) {
      if (c.use === 'record-only' || c.dial === undefined) continue;
      out.add(c.display).add(c.dial);
    }
    for (const n of data.emergency?.numbers ?? []) out.add(n.display).add(n.dial);
  }
  return out;
}

/** Every combination a caller can ask for, aliases and unknown countries included. */
function* everyRequest(): Generator<RenderRequest> {
  for (const country of [...ALL_COUNTRIES, 'uk', 'gb', 'ZZ', undefined]) {
    for (const level of RISK_LEVELS) {
      for (const place of ['private', 'public', 'private-unreachable'] as const) {
        for (const locale of ['en', 'zh', 'zh-TW', 'es']) {
          for (const about of ['self', 'other', undefined] as const) yield { country, level, place, locale, about };
        }
      }
    }
  }
}

describe('every rendering of the directory', () => {
  let dir: ResourceDirectory;
  let renders: Array<{ request: RenderRequest; result: RenderedResources }>;
  beforeAll(() => {
    dir = loadDirectory(POLICY_DIR);
    renders = [...everyRequest()].map((request) => ({ request, result: dir.render(request) }));
  });

  it('covers every country, level, place, locale and subject', () => {
    expect(renders.length).toBe((ALL_COUNTRIES.length + 4) * 5 * 3 * 4 * 3);
  });

  // Problems are collected and asserted once: thousands of expect() calls would take seconds.
  it('shows only numbers that equal a directory display or dial string byte for byte', () => {
    const known = directoryStrings();
    const verified = dir.verifiedNumbers();
    const problems: string[] = [];
    let numbersSeen = 0;
    for (const { request, result } of renders) {
      const what = JSON.stringify(request);
      for (const n of result.numbers) {
        numbersSeen++;
        if (!known.has(n) || !verified.has(n)) problems.push(`${what}: "${n}" is not a directory entry`);
        if (!result.text.includes(`**${n}**`)) problems.push(`${what}: "${n}" is listed but not shown`);
      }
      // Independently scan the text: every digit run of three or more digits is a listed number.
      for (const run of numberRuns(result.text)) {
        // A star code (*4141) is scanned as its digits.
        const listed = result.numbers.includes(run) || result.numbers.includes(`*${run}`);
        if (digits(run).length >= 3 && !listed) problems.push(`${what}: "${run}" in the text is not a listed number`);
      }
    }
    expect(problems).toEqual([]);
    expect(numbersSeen).toBeGreaterThan(5000);
  });

  it('never shows a CRISIS.md §9 trap number or phrase', () => {
    const trapDigits = new Set(TRAP_NUMBERS.map(digits));
    const problems: string[] = [];
    for (const { request, result } of renders) {
      const what = JSON.stringify(request);
      const lower = result.text.toLowerCase();
      for (const run of numberRuns(result.text)) if (trapDigits.has(digits(run))) problems.push(`${what}: ${run}`);
      for (const trap of TRAP_NUMBERS) if (trap.length >= 7 && result.text.includes(trap)) problems.push(`${what}: ${trap}`);
      for (const phrase of TRAP_PHRASES) if (lower.includes(phrase)) problems.push(`${what}: ${phrase}`);
    }
    expect(problems).toEqual([]);
  });

  it('fills every placeholder', () => {
    const unfilled = renders.filter(({ result }) => /\{[a-z_]+\}/.test(result.text) || result.text.trim().length < 20);
    expect(unfilled.map(({ request }) => JSON.stringify(request))).toEqual([]);
  });

  it('records which resources it sent whenever it shows a number, and in public only the emergency number at imminent', () => {
    const publicWrong = (request: RenderRequest, result: RenderedResources) =>
      request.place === 'public' && (request.level === 'imminent'
        ? result.resourceIds.some((id) => !id.endsWith('-emergency'))
        : result.resourceIds.length > 0 || result.numbers.length > 0);
    const wrong = renders.filter(({ request, result }) =>
      (result.numbers.length > 0 && result.resourceIds.length === 0) || publicWrong(request, result));
    expect(wrong.map(({ request }) => JSON.stringify(request))).toEqual([]);
  });
});
