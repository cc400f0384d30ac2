import { beforeAll, describe, expect, it } from 'vitest';
import { loadDirectory } from '../../src/crisis/directory.js';
import { createOutputCheck, type OutputCheck, type OutputVerdict } from '../../src/crisis/output-check.js';
import type { RiskLevel } from '../../src/messages.js';
import { POLICY_DIR, TRAP_NUMBERS } from './directory-helpers.js';

const reasons = (v: OutputVerdict): string[] => (v.ok ? [] : v.reasons);

// Invented replies, written for these tests.
const GOOD_EN =
  "I'm really sorry you're carrying this, and I'm glad you told me. I'm a bot, so I'd like you to have a person too: " +
  'you can call or text 988 any time, or text HOME to 741741. Are you safe right now? A moderator may check in with you, ' +
  "and I'm here while you reach out. Feelings this heavy can ease.";
const GOOD_ZH =
  '谢谢你愿意告诉我，听起来你现在真的很辛苦。我是一个机器人，也希望你能和真人聊一聊：可以拨打 010-82951332（24小时），' +
  '或者拨打12356。你现在安全吗？版主可能会来关心你。这种感受是会过去的。';

describe('output check on model replies', () => {
  let check: OutputCheck;
  beforeAll(() => {
    check = createOutputCheck(POLICY_DIR, loadDirectory(POLICY_DIR));
  });

  it('passes a warm supportive English reply that gives verified numbers, at every level', () => {
    for (const level of ['none', 'low', 'moderate', 'high', 'imminent'] as RiskLevel[]) expect(check(GOOD_EN, level)).toEqual({ ok: true });
  });

  it('passes a warm supportive Chinese reply that gives verified numbers, at every level', () => {
    for (const level of ['none', 'low', 'moderate', 'high', 'imminent'] as RiskLevel[]) expect(check(GOOD_ZH, level)).toEqual({ ok: true });
  });

  it('rejects every outdated or misprinted number from CRISIS.md §9', () => {
    for (const trap of TRAP_NUMBERS) {
      expect(reasons(check(`Please call ${trap} tonight.`, 'high')), trap).toEqual(['OUTPUT_NUMBER_UNVERIFIED']);
      expect(reasons(check(`请拨打${trap}。`, 'moderate')), trap).toEqual(['OUTPUT_NUMBER_UNVERIFIED']);
    }
  });

  it('rejects a number the model made up, even a plausible one', () => {
    expect(reasons(check('You can reach the helpline on 0800 123 4567.', 'moderate'))).toEqual(['OUTPUT_NUMBER_UNVERIFIED']);
    expect(reasons(check('Call +44 20 7946 0000 for help.', 'none'))).toEqual(['OUTPUT_NUMBER_UNVERIFIED']);
    expect(reasons(check('心理援助热线：400-123-4567', 'low'))).toEqual(['OUTPUT_NUMBER_UNVERIFIED']);
    expect(reasons(check('Phone:1393', 'low'))).toEqual(['OUTPUT_NUMBER_UNVERIFIED']);
    expect(check('热线：12356', 'high')).toEqual({ ok: true });
  });

  it('accepts directory numbers in their display and dial forms but not reformatted', () => {
    expect(check('Call 116 123 or 116123.', 'high')).toEqual({ ok: true });
    expect(check('Call 0800 111 0 111.', 'high')).toEqual({ ok: true });
    expect(reasons(check('Call 0800 1110111.', 'high'))).toEqual(['OUTPUT_NUMBER_UNVERIFIED']);
  });

  it('catches full-width digits and number look-alikes hidden in Chinese text', () => {
    expect(reasons(check('请拨打１３９３', 'high'))).toEqual(['OUTPUT_NUMBER_UNVERIFIED']);
    expect(check('请拨打１２３５６', 'high')).toEqual({ ok: true });
  });

  it('leaves ordinary numbers alone in everyday chat', () => {
    for (const text of ['The patch shipped in 2024 with 1500 fixes.', 'Our server has 12345 members.', 'Python 3.12 came out on 2023-10-02.', 'Meet at 10:30, room 204.']) {
      expect(check(text, 'none'), text).toEqual({ ok: true });
      expect(check(text, 'low'), text).toEqual({ ok: true });
    }
    expect(reasons(check('Our server has 12345 members.', 'moderate'))).toEqual(['OUTPUT_NUMBER_UNVERIFIED']);
  });

  it('catches method, dose, lethality and location details in English', () => {
    for (const text of [
      'Around 30 pills would be dangerous.',
      'A lethal dose of that is quite low.',
      'The most painless method would be',
      'People often think of carbon monoxide.',
      'The bridge there is 60 metres high.',
      'It is enough to kill someone.',
    ]) {
      expect(reasons(check(text, 'moderate')), text).toEqual(['OUTPUT_METHOD_DETAIL']);
    }
  });

  it('catches method, dose, lethality and location details in Chinese', () => {
    for (const text of ['吃40片就够了', '致死量大概是', '割腕', '烧炭的话', '那座桥有30米高', '最快的死法是']) {
      expect(reasons(check(text, 'high')), text).toEqual(['OUTPUT_METHOD_DETAIL']);
    }
  });

  it('checks dose patterns only in risk conversations, so ordinary chat keeps its answers', () => {
    expect(check('Take 2 tablets with water for the headache.', 'low')).toEqual({ ok: true });
    expect(reasons(check('Take 2 tablets with water for the headache.', 'moderate'))).toEqual(['OUTPUT_METHOD_DETAIL']);
  });

  it('rejects mass mentions in every platform syntax, even in ordinary chat', () => {
    for (const text of ['@everyone look at this', 'hey @here', '<!channel> alert', '<!here>', '<!everyone>', 'ping <@&112233445566778899>', '<!subteam^S0123|mods>', '@\u200beveryone']) {
      expect(reasons(check(text, 'none')), text).toEqual(['OUTPUT_MASS_MENTION']);
    }
    expect(check('Everyone here cares about you.', 'none')).toEqual({ ok: true });
  });

  it('rejects promises of secrecy in English and Chinese', () => {
    for (const text of ["I won't tell anyone, I promise.", 'This stays between us.', 'Nobody will ever know.', '我不会告诉任何人。', '这是我们之间的秘密。', '我会替你保密。']) {
      expect(reasons(check(text, 'moderate')), text).toEqual(['OUTPUT_SECRECY_PROMISE']);
    }
  });

  it('rejects "committed suicide" and deterrence lines from moderate up', () => {
    expect(reasons(check('Her uncle committed suicide last year.', 'moderate'))).toEqual(['OUTPUT_UNSAFE_LANGUAGE']);
    expect(reasons(check('Your behaviour has been recorded.', 'high'))).toEqual(['OUTPUT_DETERRENCE']);
    expect(reasons(check('你的行为已被记录。', 'high'))).toEqual(['OUTPUT_DETERRENCE']);
    expect(reasons(check('We will notify the authorities.', 'imminent'))).toEqual(['OUTPUT_DETERRENCE']);
    expect(check('Her uncle committed suicide last year.', 'low')).toEqual({ ok: true });
  });

  it('rejects the retired 988 "press 3" option', () => {
    expect(reasons(check('Call 988 and press 3 for LGBTQ+ support.', 'moderate'))).toEqual(['OUTPUT_OUTDATED_RESOURCE']);
  });

  it('rejects a leaked or unclosed think block at every level', () => {
    expect(reasons(check('<think>the user may be at risk', 'none'))).toEqual(['OUTPUT_REASONING_LEAK']);
    expect(reasons(check('analysis</think>Here you go', 'low'))).toEqual(['OUTPUT_REASONING_LEAK']);
    expect(check('I think that sounds hard.', 'imminent')).toEqual({ ok: true });
  });

  it('reports each failing class once, in order, with the rules that fired', () => {
    const verdict = check('@everyone I won\'t tell anyone: call 555 123 4567, a lethal dose is <think>', 'high');
    expect(verdict).toEqual({
      ok: false,
      reasons: ['OUTPUT_NUMBER_UNVERIFIED', 'OUTPUT_REASONING_LEAK', 'OUTPUT_MASS_MENTION', 'OUTPUT_METHOD_DETAIL', 'OUTPUT_SECRECY_PROMISE'],
      // The pattern rules first, then the rules by meaning (output-meaning.yaml).
      ruleIds: ['numbers', 'think-tag', 'mass-mention', 'en-lethality', 'en-secrecy', 'lethality', 'secrecy', 'deadly-means'],
    });
  });
});
