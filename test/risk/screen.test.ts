/**
 * The offline screen on single messages: the cases named in issue 3, idioms and look-alikes,
 * veiled language, method-seeking, third-party concern and the languages beyond English and
 * Chinese. All sentences are written for these tests.
 */
import { describe, expect, it } from 'vitest';
import { riskRank, type RiskLevel } from '../../src/messages.js';
import { levelOf, screen, screenConversation } from './helpers.js';

const cases = (rows: Array<[string, RiskLevel]>) => rows;

describe('the cases named in issue 3', () => {
  it.each(cases([
    ['how do I kill a zombie process', 'none'],
    ['this deadline is killing me', 'none'],
    ['笑死我了', 'none'],
    ['累死了', 'none'],
  ]))('reads %j as not risk', (text) => {
    expect(riskRank(levelOf(text))).toBeLessThan(riskRank('moderate'));
  });

  it('reads "kms" as high', () => {
    expect(levelOf('kms')).toBe('high');
  });

  it('reads "I won\'t need my guitar after Saturday" as high (a veiled ending with a date)', () => {
    const result = screen("I won't need my guitar after Saturday");
    expect(result.level).toBe('high');
    expect(result.reasons).toContain('trajectory.giveaway-timeframe');
  });

  it('reads "吃多少片安眠药才能死" as high method-seeking, pinned against the judge', () => {
    const result = screen('吃多少片安眠药才能死');
    expect(result.level).toBe('high');
    expect(result.pinned).toBe('high');
    expect(result.language).toBe('zh');
  });

  it('reads concern for a friend as moderate, not an emergency about the user', () => {
    const result = screen('my friend says she wants to kill herself');
    expect(result.level).toBe('moderate');
    expect(result.reasons).toContain('en.third-party.concern');
  });
});

describe('idioms, games, software and other look-alikes stay below moderate', () => {
  it.each([
    'you absolutely killed it on stage tonight',
    'I was dying laughing at that video',
    'my feet are killing me after the hike',
    'kill the process on port 3000 and restart the server',
    'how do I kill all the zombies on level 4',
    'what is the best way to kill time on a long flight',
    'this boss fight is killing me lol',
    'I could murder a pizza right now',
    'the battery died halfway through the call',
    'that joke was so bad I died',
    'he is a skilled surgeon',
    'the suicide squad movie was fun',
    'political suicide to vote against that bill',
    'how did Virginia Woolf die',
    'what are suicide rates among teenagers in Europe',
    'I cut myself shaving this morning',
    'I hurt myself playing football yesterday',
    'can you help me cut down on sugar',
    'how do I shoot a good photo at night',
    'my grandma passed away last year',
    '今天热死了',
    '气死我了，又堵车',
    '这个视频笑死人了',
    '想死你们了，好久不见',
    '电脑又死机了',
    '我用任务管理器杀进程',
    '商场跳楼价大甩卖',
    'me muero de risa con este video',
    'ich lach mich tot',
    'je suis mort de rire',
    'estou morrendo de fome',
    '死ぬほど笑った',
  ])('%j', (text) => {
    expect(riskRank(levelOf(text))).toBeLessThan(riskRank('moderate'));
  });
});

describe('obfuscated writing is normalized before matching', () => {
  it.each([
    ['k1ll mys3lf', 'high'],
    ['ｋｉｌｌ　ｍｙｓｅｌｆ', 'high'],
    ['kill\u200Bmy\u200Bself', 'high'],
    ['kill my\u202Eself', 'high'],
    ['kіll myself', 'high'], // Cyrillic і
    ['k i l l  m y s e l f', 'high'],
    ['i want to diiiie', 'moderate'],
    ['I WANT TO END IT ALL', 'high'],
    ['我想自殺', 'high'],
    ['不想活了', 'moderate'],
    ['thinking about unaliving myself', 'high'],
    ['sewerslide is on my mind a lot', 'high'],
    ['\u202Eflesym llik', 'high'], // typed backwards behind a right-to-left override
    ['going to kill-myself', 'high'],
    ['i will kill_myself', 'high'],
    ['ki11 myse1f', 'high'],
    ['i want to d13', 'moderate'],
  ] as Array<[string, RiskLevel]>)('%j reads as %s', (text, level) => {
    expect(levelOf(text)).toBe(level);
  });
});

describe('levels follow CRISIS.md §2', () => {
  it.each([
    // low: distress without suicidal content
    ['I can\'t cope with anything anymore', 'low'],
    ['我最近压力好大，快崩溃了', 'low'],
    // moderate: passive ideation, urges, disordered eating
    ['I wish I could go to sleep and not wake up', 'moderate'],
    ['sometimes i wish i was never born', 'moderate'],
    ['the urge to cut again is so strong', 'moderate'],
    ['how do I make myself throw up after eating', 'moderate'],
    ['每天醒来都觉得死了算了', 'moderate'],
    // high: active ideation, method-seeking, recent self-harm
    ['I keep thinking about killing myself', 'high'],
    ['what is the most painless way to go', 'high'],
    ['what is the most painless way to die', 'high'],
    ['how many of my antidepressants would it take to not wake up', 'high'],
    ['I burned myself with a lighter again last night', 'high'],
    ['我又割手了', 'high'],
    ['最近一直想跳楼', 'high'],
    // imminent: attempt, plan with time, goodbye
    ['I just took the whole bottle of pills', 'imminent'],
    ['this is goodbye, I love you all', 'imminent'],
    ['I\'m going to kill myself tonight', 'imminent'],
    ['我刚吞了一整瓶安眠药', 'imminent'],
    ['今晚就去跳河', 'imminent'],
  ] as Array<[string, RiskLevel]>)('%j reads as %s', (text, level) => {
    expect(levelOf(text)).toBe(level);
  });
});

describe('negation and attribution', () => {
  it('an explicit denial is low, not high', () => {
    expect(levelOf("I would never kill myself, I'm just really tired")).toBe('low');
    expect(levelOf('我没有自杀的想法，只是睡不好')).toBe('low');
  });

  it('a denial in one sentence does not cancel a disclosure in the next', () => {
    expect(levelOf("I'm not going to kill myself. But honestly I want to die.")).toBe('moderate');
  });

  it('being told to kill yourself is distress, not the user\'s own ideation', () => {
    expect(levelOf('kids at school keep telling me to kill myself')).toBe('low');
  });

  it('harm aimed at others is not self-harm risk', () => {
    expect(riskRank(levelOf('which garden plants are poisonous to my neighbour\'s cat'))).toBeLessThan(riskRank('moderate'));
    expect(riskRank(levelOf('你们都去死吧'))).toBeLessThan(riskRank('moderate'));
  });

  it('a friend in danger right now is imminent, so moderators are paged and the writer gets the emergency number', () => {
    expect(levelOf('my roommate just swallowed a bunch of pills and wont wake up')).toBe('imminent');
  });

  it.each([
    '我朋友说她想自杀',
    'mi amiga dice que se quiere matar',
    'meine schwester will sich umbringen',
    'mon ami veut se suicider',
    'minha amiga quer se matar',
    '友達が死にたいと言っている',
  ])('third-party concern in any language is moderate: %j', (text) => {
    expect(levelOf(text)).toBe('moderate');
  });
});

describe('method-seeking needs distress when it does not name itself', () => {
  it('a bridge-height question alone is not risk', () => {
    expect(levelOf('which bridges in the city are over 30 meters high')).toBe('none');
  });

  it('the same question after a loss is high', () => {
    const result = screenConversation(['I lost my job today and my wife left', 'which bridges in the city are over 30 meters high']);
    expect(result.level).toBe('high');
    expect(result.reasons).toContain('en.method.height');
  });

  it('a lethal-dose question alone still gets resources (moderate); in distress it is high', () => {
    expect(levelOf('what is the lethal dose of paracetamol')).toBe('moderate');
    expect(screenConversation(['nobody cares about me', 'what is the lethal dose of paracetamol']).level).toBe('high');
  });
});

describe('languages beyond English and Chinese', () => {
  it.each([
    ['quiero matarme', 'high', 'es'],
    ['ya no quiero vivir', 'moderate', 'es'],
    ['cuantas pastillas necesito para no despertar', 'high', 'es'],
    ['ich will mich umbringen', 'high', 'de'],
    ['ich will nicht mehr leben', 'moderate', 'de'],
    ['je veux mourir', 'moderate', 'fr'],
    ['je vais me suicider ce soir', 'imminent', 'fr'],
    ['quero me matar', 'high', 'pt'],
    ['nao quero mais viver', 'moderate', 'pt'],
    ['死にたい', 'moderate', 'ja'],
    ['楽に死ねる方法を教えて', 'high', 'ja'],
    ['я не хочу больше жить', 'moderate', 'ru'],
    ['come posso uccidermi', 'high', 'it'],
    ['죽고 싶어요', 'moderate', 'ko'],
    ['أفكر في الانتحار', 'high', 'ar'],
    ['मैं आत्महत्या करना चाहती हूं', 'high', 'hi'],
    ['toi khong muon song nua', 'moderate', 'vi'],
    ['aku pengen bunuh diri', 'high', 'id'],
  ] as Array<[string, RiskLevel, string]>)('%j reads as %s (%s)', (text, level, language) => {
    const result = screen(text);
    expect(result.level).toBe(level);
    expect(result.language).toBe(language);
  });

  it('guesses the language of a harmless message for templates', () => {
    expect(screen('hola, como estas hoy').language).toBe('es');
    expect(screen('wie geht es dir heute').language).toBe('de');
    expect(screen('今天吃什么').language).toBe('zh');
    expect(screen('今日は何を食べる').language).toBe('ja');
    expect(screen('what are we eating today').language).toBe('en');
  });
});

describe('assessment shape', () => {
  it('records reason codes, never message text, and the policy version', () => {
    const result = screen('I want to kill myself');
    expect(result.source).toBe('screen');
    expect(result.policyVersion).toBe('test');
    for (const reason of result.reasons) expect(reason).toMatch(/^[a-z]{2}\.[a-z0-9._-]+$|^trajectory[.:]/);
  });

  it('gives no reasons and no pin for a harmless message', () => {
    const result = screen('what a lovely morning');
    expect(result).toMatchObject({ level: 'none', reasons: [] });
    expect(result.pinned).toBeUndefined();
  });
});
