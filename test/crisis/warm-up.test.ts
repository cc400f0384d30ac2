/**
 * Warm from the first message (issue 12 item 10): the start-up warm-up runs the real screen,
 * renderer and output check over every script the packs read and every template locale and
 * level, so the first person in crisis does not pay for compiling them. The 50 ms figure is
 * measured by `npm run bench:first-crisis`, not here.
 */
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadDirectory, type RenderRequest } from '../../src/crisis/directory.js';
import { warmCrisisPath } from '../../src/crisis/warm-up.js';
import { silentLogger } from '../../src/logger.js';
import type { RiskInput } from '../../src/ports.js';
import { createRiskAssessor } from '../../src/risk/assessor.js';

const POLICIES = resolve(import.meta.dirname, '../../policies');

describe('the crisis-path warm-up', () => {
  it('screens crisis texts through the real screen and renders every locale and level at or above the threshold', () => {
    const risk = createRiskAssessor({ policyDir: POLICIES, policyVersion: 'warm', logger: silentLogger, judgeTimeoutMs: 1000 });
    const directory = loadDirectory(POLICIES);
    const levels = new Map<string, string>();
    const renders: RenderRequest[] = [];
    const checked: string[] = [];
    const ms = warmCrisisPath({
      risk: { screen: (input: RiskInput) => { const a = risk.screen(input); levels.set(input.text, a.level); return a; } },
      render: (request) => { renders.push(request); return directory.render(request); },
      checkOutput: (_text, level) => checked.push(level),
      threshold: 'moderate', defaultCountry: 'US', locales: directory.locales(),
    });

    expect(ms).toBeGreaterThan(0);
    // The real screen found risk in the crisis samples (so the detection paths ran), and none in the everyday one.
    expect([...levels.values()].filter((l) => l === 'high' || l === 'imminent').length).toBeGreaterThanOrEqual(3);
    expect(levels.get('Can you help me plan a birthday party for my sister?')).toBe('none');
    for (const locale of directory.locales()) {
      for (const level of ['moderate', 'high', 'imminent']) {
        expect(renders.some((r) => r.locale === locale && r.level === level && r.place === 'private' && r.country === 'US')).toBe(true);
      }
    }
    expect(renders.some((r) => r.level === 'low')).toBe(false);
    expect(new Set(checked)).toEqual(new Set(['moderate', 'high', 'imminent']));
  });
});
