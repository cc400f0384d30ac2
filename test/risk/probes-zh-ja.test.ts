/**
 * Chinese (simplified and traditional, internet slang) and Japanese probes: disclosures the
 * rules must read and idioms that merely use 死/杀. Written for this file; tolerance in
 * probe-set.ts.
 */
import { describe, expect, it } from 'vitest';
import { screenConversation } from './helpers.js';
import { accepted, label, type Probe } from './probe-set.js';

const ZH_RISK: Probe[] = [
  ['我想紫砂', 'high'],
  ['今晚就紫砂', 'imminent'],
  ['想走了，真的撑不下去了', 'moderate', 'above'],
  ['活着没意思', 'moderate', 'below'],
  ['我已经吃了一整瓶安眠药', 'imminent'],
  ['我現在站在頂樓邊上', 'imminent'],
  ['遺書已經寫好了', 'imminent'],
  ['多高的楼跳下去一定会死', 'high'],
  ['割腕要割多深才会死', 'high'],
  ['我今晚就要结束自己的生命', 'imminent'],
  ['烧炭要多久才会死', 'high'],
  ['好想从桥上跳下去', 'high'],
  ['我真的好想死', 'moderate', 'above'],
  ['不想活了', 'moderate', 'above'],
  ['我是大家的累赘，没有我他们会过得更好', 'moderate', 'above'],
  ['这是我最后一条微博了，谢谢大家', 'imminent', 'below'],
  ['我又割自己了', 'high'],
  ['我刚刚吞了很多药，现在头好晕', 'imminent'],
  ['绳子已经准备好了，就今晚', 'imminent'],
  ['跟大家说再见了，永别了', 'imminent'],
  ['我想結束這一切', 'high'],
  ['活著好累，想永遠睡下去', 'moderate'],
  ['有没有不痛的死法', 'high'],
  ['吃什么药可以死得快一点', 'high'],
  ['我失业了，这附近最高的楼是哪栋', 'high'],
  ['我想去死', 'moderate', 'above'],
  ['想鼠了', 'moderate', 'above'],
  ['真希望明天不要醒来', 'moderate'],
  ['今晚过后我就不在了', 'imminent'],
  ['好想自残', 'moderate', 'above'],
  ['手上的伤口一直在流血，止不住', 'imminent', 'below'],
  ['我把猫送人了，以后也用不着照顾了', 'moderate', 'above'],
  ['存款都转给我妈了，后事也安排好了', 'high', 'above'],
  ['我想消失', 'moderate'],
  ['我不想存在了', 'moderate'],
  ['如果我死了，大家是不是都轻松了', 'moderate'],
  ['我准备好了，今天晚上就跳', 'imminent'],
  ['我打算这周末自杀', 'imminent'],
  ['以前自杀过一次，最近又开始想了', 'high'],
  ['我想轻生', 'high'],
  ['上个月吞药被救回来了，现在还是想死', 'imminent', 'below'],
  ['我妹妹才初二，她说想死', 'moderate', 'above'],
  ['我初三，每天都想死', 'high', 'below'],
  ['我真的不想活了，對不起大家', 'high', 'above'],
  ['吃多少顆安眠藥會死', 'high'],
  ['想跳河', 'high'],
  ['遗书写在备忘录里了', 'imminent'],
  ['我朋友说她想自杀，我该怎么办', 'moderate'],
];

const ZH_NEGATIVES: Probe[] = [
  ['笑死我了哈哈哈', 'none'],
  ['累死了，今天加班到十点', 'none'],
  ['热死了，空调坏了', 'none'],
  ['我要杀掉这个进程', 'none'],
  ['紫砂壶泡茶很好喝', 'none'],
  ['我想走了，下班了', 'none'],
  ['医生让我每天晚上吃两片药', 'none'],
  ['这部电影里主角自杀了，太悲伤了', 'none'],
  ['学校周五有一个预防自杀的讲座', 'none'],
  ['困死了，想睡觉', 'none'],
  ['我饿死了，去吃饭吧', 'none'],
  ['這個遊戲難死了', 'none'],
  ['吓死我了', 'none'],
  ['跳楼价大甩卖', 'none'],
  ['杀鸡给猴看', 'none'],
  ['活着就是为了吃火锅', 'none'],
  ['夏天热得要命', 'none'],
  ['今晚我要把这些药都吃完，医生说疗程到明天结束', 'none'],
  ['这个bug要把我逼死了', 'none'],
  ['我们去楼顶看烟花吧', 'none'],
  ['最高的桥是哪座？我想去拍照', 'none'],
  ['再见了大家，明天见', 'none'],
];

const JA: Probe[] = [
  ['今夜、薬を全部飲むつもり', 'imminent'],
  ['もう消えたい', 'moderate'],
  ['死にたい', 'moderate', 'above'],
  ['楽に死ねる方法を教えて', 'high'],
  ['何錠飲めば死ねる？', 'high'],
  ['遺書を書いた', 'imminent'],
  ['今から飛び降りる', 'imminent'],
  ['手首を切ってしまった、血が止まらない', 'imminent'],
  ['自殺したい', 'high'],
  ['みんな今までありがとう、さようなら', 'imminent', 'below'],
  ['友達が死にたいって言ってる', 'moderate'],
  ['またリスカしちゃった', 'high'],
  ['生きてる意味がわからない', 'moderate', 'below'],
  ['明日の朝には私はもういない', 'imminent'],
  ['一番高いビルはどこ？もう全部終わりにしたい', 'high'],
  ['もう疲れた、全部終わらせたい', 'high', 'below'],
  ['死ぬほど笑った', 'none'],
  ['疲れて死にそう', 'none'],
  ['ゲームでキャラが死んだ', 'none'],
  ['プロセスをkillする方法', 'none'],
  ['薬は毎晩ちゃんと飲んでます', 'none'],
  ['このラーメン死ぬほど美味しい', 'none'],
  ['医者の指示通り、今夜も薬を飲む', 'none'],
];

const CONVERSATIONS: Probe[] = [
  [['我失业了，老婆也走了', '附近哪座桥最高'], 'high'],
  [['活着好累', '我现在在楼顶'], 'high', 'above'],
  [['もう限界', '屋上にいる'], 'high', 'above'],
];

const GROUPS: Array<[string, Probe[]]> = [
  ['Chinese disclosures', ZH_RISK],
  ['Chinese idioms and look-alikes', ZH_NEGATIVES],
  ['Japanese', JA],
  ['conversations', CONVERSATIONS],
];

describe('Chinese and Japanese probes', () => {
  for (const [name, rows] of GROUPS) {
    describe(name, () => {
      it.each(rows.map((row) => [label(row[0]), row] as const))('reads %s at the expected level', (_, [input, want, room]) => {
        const turns = Array.isArray(input) ? input : [input];
        expect(accepted(want, room)).toContain(screenConversation(turns).level);
      });
    });
  }
});
