/**
 * Rules by meaning in tr, id, vi, ja, zh, ko, ar and hi (issue 11, session 4, risk-intl lane).
 * Each at-risk reading is checked beside a harmless look-alike that must stay below moderate.
 * The sentences here are written for this file; the tuning material is test/risk/tune5-intl.
 */
import { describe, expect, it } from 'vitest';
import { riskRank, type RiskLevel } from '../../src/messages.js';
import { compileConcepts, scanConcepts } from '../../src/risk/concepts.js';
import { normalizeText } from '../../src/risk/normalize.js';
import { screen } from './helpers.js';

const atLeast = (text: string, level: RiskLevel) => expect(riskRank(screen(text).level), `${text} → ${screen(text).level}`).toBeGreaterThanOrEqual(riskRank(level));
const below = (text: string, level: RiskLevel) => expect(riskRank(screen(text).level), `${text} → ${screen(text).level}`).toBeLessThan(riskRank(level));

describe('Japanese entries keep their kanji', () => {
  it('finds a kanji-only entry in a Japanese message (it is not folded to simplified Chinese)', () => {
    const index = compileConcepts([{ language: 'ja', name: 'ja', route: 'kana', concepts: { height: ['橋'], farewell: ['遺書'] }, examples: { match: [], no_match: [] } }]);
    const text = normalizeText('橋の上で遺書を書いている').text;
    const found = scanConcepts(index, text).hits.map((h) => h.concept);
    expect(found).toContain('height');
    expect(found).toContain('farewell');
  });
  it('still folds a Chinese entry, so traditional and simplified messages both match', () => {
    const index = compileConcepts([{ language: 'zh', name: 'zh', route: 'no_kana', concepts: { height: ['橋'] }, examples: { match: [], no_match: [] } }]);
    expect(scanConcepts(index, normalizeText('他在桥上').text).hits.map((h) => h.concept)).toContain('height');
  });
  it('reads someone on a bridge saying goodbye as danger to them', () => atLeast('兄が橋の上から、みんなにさよならって書き込んだ', 'high'));
  it('reads a bridge in a travel note as nothing', () => below('橋の上から見た夕日がきれいだった', 'moderate'));
});

describe('Turkish and Indonesian plans with no suicide word', () => {
  it.each([
    ['tr', 'ilaçlarımın hepsini komodine dizdim, bu gece', 'imminent'],
    ['tr', 'kalın ipi tavana bağladım', 'imminent'],
    ['tr', 'şu an korkuluktayım, aşağısı çok derin', 'high'],
    ['tr', 'kendimi tekrar yaralayacağım bu gece', 'high'],
    ['tr', 'keşke doğmasaydım', 'moderate'],
    ['id', 'tali sudah kuikat ke balok kamar', 'imminent'],
    ['id', 'aku di atap kos, udah gak peduli lagi', 'imminent'],
    ['id', 'cuma penasaran, obat apa yang paling cepat bikin mati', 'high'],
    ['id', 'rasanya pengen ngakhirin semuanya', 'high'],
  ] as const)('%s: "%s" reads at least %s', (_lang, text, level) => atLeast(text, level));

  it.each([
    ['tr', 'annem yemekten sonra tansiyon ilacını aldı'],
    ['tr', 'saçımı dün akşam kestim, çok kısa oldu'],
    ['tr', 'herkese iyi geceler, yarın görüşürüz'],
    ['tr', 'salıncağın ipini kirişe bağladım'],
    ['id', 'artikelnya membahas angka bunuh diri di asia'],
    ['id', 'ngakak banget sampai mau mati'],
    ['id', 'surat buat ibu sudah kukirim kemarin'],
    ['id', 'lantai berapa apartemenmu?'],
  ] as const)('%s: "%s" reads below moderate', (_lang, text) => below(text, 'moderate'));
});

describe('Latin words with no ASCII letter are folded like the message', () => {
  it('matches a Vietnamese phrase starting with "đã" in a message', () => {
    const index = compileConcepts([{ language: 'vi', name: 'vi', concepts: { frame_past: ['đã từng'] }, examples: { match: [], no_match: [] } }]);
    expect(scanConcepts(index, normalizeText('mình đã từng như vậy').text).hits.map((h) => h.concept)).toContain('frame_past');
  });
  it('reads a wish to die told as the past as nothing', () => below('hồi đó tôi đã từng muốn chết, giờ đã ổn', 'moderate'));
  it('still reads the same wish in the present', () => atLeast('tôi vẫn muốn chết', 'moderate'));
});

describe('Vietnamese plans, questions and relapse', () => {
  it.each([
    ['sợi dây đã buộc lên xà nhà rồi', 'imminent'],
    ['mình đang ngồi trên lan can ban công tầng chín', 'imminent'],
    ['nói thật đi, mấy viên thuốc an thần thì ngủ luôn không dậy', 'high'],
    ['tôi chỉ muốn chấm dứt mọi thứ', 'high'],
    ['đêm qua mình lại rạch', 'high'],
  ] as const)('"%s" reads at least %s', (text, level) => atLeast(text, level));
  it.each([
    'chào mọi người, hẹn gặp lại tuần sau',
    'sáng nay mình lại cắt tóc',
    'mua thuốc ho cho bé, tối nay uống',
    'tờ báo viết về tỉ lệ tự tử ở người già',
  ])('"%s" reads below moderate', (text) => below(text, 'moderate'));
});

describe('Japanese and Chinese plans, the owner of the means, relapse and support', () => {
  it.each([
    ['ja', '父の睡眠薬を全部集めた、今夜', 'imminent'],
    ['ja', '屋上のフェンスを越えた', 'imminent'],
    ['ja', 'ガレージでエンジンをかけたまま、ドアを閉めた', 'imminent'],
    ['ja', '先週また切っちゃった', 'moderate'],
    ['zh', '车库里发动了车，关上门了', 'imminent'],
    ['zh', '真希望自己不该出生', 'moderate'],
    ['zh', '昨天又割了', 'high'],
  ] as const)('%s: "%s" reads at least %s', (_lang, text, level) => atLeast(text, level));
  it.each([
    ['ja', '妹が薬局で母の睡眠薬を受け取った'],
    ['ja', '髪をまた切っちゃった'],
    ['ja', '今日はブログに最後の投稿をした'],
    ['zh', '以后有什么想不开的事，随时联系我'],
    ['zh', '我在车库里发动了车，准备出门'],
    ['zh', '这个错误终于彻底消失了'],
  ] as const)('%s: "%s" reads below moderate', (_lang, text) => below(text, 'moderate'));
  it('reads someone else taking all the pills as danger to them', () => atLeast('母が薬を全部飲んだって連絡が来た', 'high'));
});

describe('Korean, Arabic and Hindi plans, relapse and look-alikes', () => {
  it.each([
    ['ko', '밧줄을 천장에 묶어 놨어', 'imminent'],
    ['ko', '차고에서 시동을 켜고 문을 닫았어', 'imminent'],
    ['ko', '그냥 다 끝내 버리고 싶어', 'high'],
    ['ko', '어제 또 그었어', 'high'],
    ['ar', 'شغلت محرك السيارة في المرآب وأغلقت النوافذ', 'imminent'],
    ['ar', 'أنا واقفة عند حافة الرصيف', 'imminent'],
    ['ar', 'أحيانا أقول ليتني لم أولد', 'moderate'],
    ['hi', 'मैंने रस्सी पंखे से बांध दी', 'imminent'],
    ['hi', 'मैं रेलिंग के बाहर खड़ा हूँ', 'imminent'],
    ['hi', 'कल रात दोबारा काट लिया', 'high'],
  ] as const)('%s: "%s" reads at least %s', (_lang, text, level) => atLeast(text, level));
  it.each([
    ['ko', '다들 수고했어, 다음 주에 봐'],
    ['ko', '공책에 밑줄을 또 그었어'],
    ['ko', '옥상에서 야경 보면서 맥주 마셨어'],
    ['ar', 'أيام المدرسة كنت أجرح نفسي، الآن أنا بخير'],
    ['ar', 'سامحوني على التأخير، نراكم غدا'],
    ['hi', 'मैं कल घर पर नहीं रहूँगा'],
  ] as const)('%s: "%s" reads below moderate', (_lang, text) => below(text, 'moderate'));
});

// The learned model (src/risk/model, another lane's) still reads these two as risk; the rules must not.
describe('Hindi look-alikes the rules leave alone', () => {
  it.each(['सबको अलविदा, कल मिलते हैं', 'मैंने आज का काम सब कुछ खत्म कर दिया'])('"%s" fires no rule', (text) =>
    expect(screen(text).reasons.filter((r) => !r.startsWith('model.'))).toEqual([]));
});

describe('other means, places and wishes in all eight languages', () => {
  it.each([
    ['tr', 'kömürü yaktım, pencereler kapalı', 'imminent'],
    ['id', 'aku mau lompat ke rel besok', 'high'],
    ['vi', 'than đã đốt, cửa sổ đóng kín rồi', 'imminent'],
    ['ja', '明日の朝、電車に飛び込む', 'high'],
    ['zh', '今晚去卧轨', 'high'],
    ['ko', '숯을 피웠고 창문 막았어', 'imminent'],
    ['ar', 'أشعلت الفحم وسددت النوافذ', 'imminent'],
    ['hi', 'कल सुबह ट्रेन के सामने कूद जाऊँगी', 'high'],
    ['tr', 'yakında kimseye yük olmayacağım', 'moderate'],
    ['zh', '以后不会再麻烦大家了', 'moderate'],
  ] as const)('%s: "%s" reads at least %s', (_lang, text, level) => atLeast(text, level));
  it.each([
    ['tr', 'ünlü oyuncunun intiharı konuşuluyor'],
    ['id', 'aku bakar arang buat sate'],
    ['ja', 'キャンプで炭に火をつけた'],
    ['zh', '他说要写在遗嘱里，现在还没写'],
    ['ko', '캠핑 가서 숯을 피웠어'],
    ['hi', 'गेम में मेरा किरदार नदी में डूब गया'],
  ] as const)('%s: "%s" reads below moderate', (_lang, text) => below(text, 'moderate'));
});

describe('cross-language markers for languages without a pack', () => {
  it.each([
    'ne mogu više, razmišljam o samoubojstvu',
    'mõtlen enesetapule',
    'நான் தற்கொலை பற்றி யோசிக்கிறேன்',
    'ik dink aan selfmoord',
  ])('"%s" is not silently none', (text) => atLeast(text, 'moderate'));
  it('leaves an ordinary message in such a language alone', () => below('dobar dan, kako ste danas', 'moderate'));
});

describe('counted pills in hand, goodbyes with a pet handed over, and offers to listen', () => {
  it.each([
    ['tr', 'elli tane hap saydım, hepsi avucumda', 'imminent'],
    ['id', 'sudah kuhitung lima puluh butir, semuanya di genggamanku', 'imminent'],
    ['ja', '錠剤を五十粒数えた、全部ここ', 'imminent'],
    ['zh', '数了五十片药，全都攥在手心里', 'imminent'],
    ['ar', 'وداعا لكم جميعا، اعتنوا بقطتي', 'high'],
    ['hi', 'सबको अलविदा, मेरी बिल्ली का ख्याल रखना', 'high'],
    ['vi', 'mình chỉ muốn đâm xe vào tường', 'high'],
    ['ko', '차로 벽을 들이받고 싶어', 'high'],
  ] as const)('%s: "%s" reads at least %s', (_lang, text, level) => atLeast(text, level));
  it.each([
    ['id', 'kalau temanmu ngomongin bunuh diri, dengarkan dia'],
    ['vi', 'nếu ai đó nói về tự tử, hãy lắng nghe họ'],
    ['zh', '如果身边有人提到自杀，请认真倾听'],
    ['ar', 'إذا تحدث أحد معارفك عن الانتحار فاستمع إليه'],
    ['ja', '窓枠に座って本を読んでいた'],
    ['tr', 'yatağın kenarına oturdum, biraz dinlendim'],
  ] as const)('%s: "%s" reads below moderate', (_lang, text) => below(text, 'moderate'));
});

describe('the past with a year, documentaries, helplines and classes frame suicide words', () => {
  it.each([
    ['tr', 'dayım 2013 yılında intihar etti'],
    ['id', 'aku nonton dokumenter tentang bunuh diri remaja'],
    ['vi', 'mình làm tình nguyện ở đường dây nóng phòng chống tự tử'],
    ['ja', '授業で自殺のサインについて学んだ'],
    ['zh', '我在热线做志愿者，学习怎么和想自杀的人聊天'],
    ['ko', '수업에서 자해 위험 신호를 배웠어'],
    ['ar', 'شاهدت فيلما وثائقيا عن الانتحار'],
    ['hi', 'पॉडकास्ट में आत्महत्या की रोकथाम पर बात हुई'],
  ] as const)('%s: "%s" reads below moderate', (_lang, text) => below(text, 'moderate'));
  it.each([
    ['tr', 'ipi çantama koydum, şimdi gidiyorum', 'imminent'],
    ['ja', 'ロープをリュックに入れた、今から行く', 'imminent'],
    ['zh', '我正在写告别的消息，今晚', 'imminent'],
    ['ko', '어젯밤 라이터로 팔을 지졌어', 'high'],
  ] as const)('%s: "%s" reads at least %s', (_lang, text, level) => atLeast(text, level));
});

describe('Vietnamese words that read alike without tone marks', () => {
  // Messages lose their tone marks, so a lexicon word must not be a common word in that form:
  // "than" (charcoal) is also "thân" (self), "dây" (rope) "dậy" (wake), "cầu" (bridge) "cậu" (you),
  // "móng" (nail) "mong" (hope), "cười" (laugh) "cuối" (last), "hồi" (back then) "hỏi" (ask).
  it.each([
    'tối nay mình mua quà cho bản thân',
    'cậu có biết bao nhiêu người chết vì tai nạn giao thông không',
    'mình hỏi thật, dạo này cậu ổn không',
  ])('"%s" reads below moderate', (text) => below(text, 'moderate'));
  it.each([
    ['mong là mai mình không tỉnh dậy', 'moderate'],
    ['đây là tin nhắn cuối cùng của mình', 'high'],
    ['mình hỏi thật, mình muốn chết', 'moderate'],
  ] as const)('"%s" reads at least %s', (text, level) => atLeast(text, level));
});

describe('method questions by time, pain and which is surer', () => {
  it.each([
    ['tr', 'aşırı dozdan ölmek kaç saat sürer', 'high'],
    ['id', 'mana yang lebih pasti, pil atau tali', 'high'],
    ['ja', '薬とロープ、どっちが確実なの', 'high'],
    ['zh', '过量服药几个小时会死', 'high'],
    ['ar', 'كم ساعة حتى يموت الإنسان من الجرعة الزائدة', 'high'],
    ['hi', 'ओवरडोज़ से मरने में कितने घंटे लगते हैं', 'high'],
  ] as const)('%s: "%s" reads at least %s', (_lang, text, level) => atLeast(text, level));
  it.each([
    ['tr', 'hangisi daha ucuz, hap mı şurup mu'],
    ['zh', '药和糖哪个更便宜'],
    ['id', 'aku bikin wasiat sama notaris, biasa aja'],
  ] as const)('%s: "%s" reads below moderate', (_lang, text) => below(text, 'moderate'));
});

describe('a game frames only its own clause', () => {
  it.each([
    ['ja', 'ゲームのチャットで死ねって言われた、もう自分を殺したい', 'high'],
    ['zh', '有人在游戏里骂我，我决定了，我想结束自己', 'high'],
    ['ar', 'شخص في اللعبة أهانني، سأنتحر الليلة', 'high'],
  ] as const)('%s: "%s" reads at least %s', (_lang, text, level) => atLeast(text, level));
  it.each([
    ['vi', 'con trùm cuối này giết mình mất'],
    ['ko', '게임에서 내 캐릭터가 다리에서 떨어졌어'],
  ] as const)('%s: "%s" reads below moderate', (_lang, text) => below(text, 'moderate'));
});

describe('standing high with "high enough" or about to jump', () => {
  it.each([
    ['tr', 'otoparkın en üst katında duruyorum, yeterince yüksek', 'imminent'],
    ['id', 'aku berdiri di lantai paling atas parkiran, mau loncat', 'imminent'],
    ['hi', 'कितनी गोलियां खाने से कोई नहीं जागता', 'high'],
    ['ja', '友達のためなんだけど、薬は何錠で危ないの', 'high'],
  ] as const)('%s: "%s" reads at least %s', (_lang, text, level) => atLeast(text, level));
});
