/**
 * Warms the crisis path at start (issue 12 item 10). The first screen after start compiles the
 * detection packs' patterns and lets the JIT see the screen, which took about 120 ms; the first
 * render and output check are slower too. Doing that work once at start, before any platform
 * connects, gives the first person in crisis their resources as fast as every later one.
 * Nothing is stored or sent: the texts are screened, rendered and checked, and dropped.
 */
import { RISK_LEVELS, riskRank, type RiskLevel } from '../messages.js';
import type { RiskAssessor } from '../ports.js';
import type { RenderRequest } from './directory.js';

/** The bot's own sentences: one message at risk per script the packs read, and one that is not. */
const SAMPLES = [
  'I keep thinking about killing myself and I have the pills here tonight.',
  'Ich will nicht mehr leben und denke daran, mich umzubringen.',
  'No quiero seguir viviendo, pienso en quitarme la vida.',
  'Я больше не хочу жить.',
  '我不想活了，我一直在想自杀。',
  '死にたい、もう生きていたくない。',
  '더 이상 살고 싶지 않아요.',
  'मैं अब और जीना नहीं चाहता।',
  'لا أريد أن أعيش بعد الآن.',
  'Can you help me plan a birthday party for my sister?',
];

/** Passes: one pass compiles, the rest give the JIT the screen's hot paths. */
const PASSES = 3;

export interface WarmUpDeps {
  risk: Pick<RiskAssessor, 'screen'>;
  render(request: RenderRequest): unknown;
  checkOutput(text: string, level: RiskLevel): unknown;
  threshold: RiskLevel;
  defaultCountry: string | undefined;
  locales: readonly string[];
}

/** Runs the crisis path's pure parts on the bot's own texts; resolves with how long it took (ms). */
export function warmCrisisPath(deps: WarmUpDeps): number {
  const started = performance.now();
  const now = new Date();
  const levels = RISK_LEVELS.filter((l) => riskRank(l) >= riskRank(deps.threshold));
  for (let pass = 0; pass < PASSES; pass++) {
    for (const text of SAMPLES) {
      deps.risk.screen({ text, recent: [{ role: 'user', text: SAMPLES[0]!, at: now }], now });
      deps.risk.screen({ text, recent: [], now });
    }
  }
  for (const locale of deps.locales) {
    for (const level of levels) {
      for (const place of ['private', 'private-unreachable', 'public'] as const) {
        for (const country of [deps.defaultCountry, undefined]) {
          deps.render({ country, level, locale, place, about: 'self' });
        }
      }
      deps.render({ country: deps.defaultCountry, level, locale, place: 'private', about: 'other' });
      deps.checkOutput('I am really glad you told me. You matter, and you do not have to face this alone.', level);
    }
  }
  return performance.now() - started;
}
