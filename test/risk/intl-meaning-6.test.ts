/**
 * Session 5's tuning of the tr, id, vi, ja, zh, ko, ar and hi lexicons (issue 11), by meaning:
 * each at-risk sentence beside a look-alike that shares its words. None of these sentences is a
 * row of test/risk/tune6-intl; they are the same ideas in other words. Rules alone (no learned
 * model), so a pass is the lexicons' doing.
 */
import { describe, expect, it } from 'vitest';
import { riskRank, type RiskLevel } from '../../src/messages.js';
import { createRiskAssessor } from '../../src/risk/assessor.js';

const rules = createRiskAssessor({ policyDir: 'policies', learnedModel: false });
const levelOf = (text: string) => rules.screen({ text, recent: [], now: new Date() }).level;

const AT_LEAST: Array<[string, RiskLevel, string]> = [
  // Giving things away with "won't need them any more" (a gift to a named relative, "kuzenime
  // verdim", "弟にあげた", is not read yet: only "to others/people").
  ['id', 'high', 'laptopku udah kukasih ke orang, gak bakal butuh lagi'],
  ['vi', 'high', 'mình đem cho hết quần áo rồi, không cần đến nữa'],
  ['ja', 'high', '服も本も人にあげた、もう必要ないから'],
  ['ko', 'high', '책이랑 옷 다 남한테 줬어, 이제 필요 없으니까'],
  // Waiting at the tracks for the last train.
  ['tr', 'imminent', 'demiryolundayım, son tren birazdan geçer'],
  ['vi', 'imminent', 'đang đứng trên đường ray, đợi chuyến tàu cuối'],
  ['ar', 'high', 'أنا عند سكة الحديد، ناطر آخر قطار'],
  // Method questions: lengthwise, a closed room, a floor that leaves no survival.
  ['id', 'high', 'kalau nyayat pergelangan memanjang, sakit gak'],
  ['hi', 'high', 'band kamre mein koyla jalaun to kitni der lagegi'],
  ['ko', 'high', '밀폐된 방에서 번개탄 피우면 얼마나 걸려?'],
  ['vi', 'high', 'nhảy từ tầng bao nhiêu thì chắc chắn không sống nổi'],
  // A blade hidden "just in case".
  ['zh', 'high', '我在床底下藏了刀片，以防万一'],
  ['ja', 'high', '机の中にカミソリを隠した、念のため'],
  ['ar', 'high', 'خبيت شفرة تحت المخدة، للاحتياط'],
  // Passive ideation in new words.
  ['id', 'moderate', 'jujur aja, aku udah gak pengen ada lagi di dunia ini'],
  ['vi', 'moderate', 'thật lòng mình chẳng muốn tồn tại trên đời nữa'],
  ['tr', 'moderate', 'bazen hiç uyanmamayı diliyorum'],
  ['ar', 'moderate', 'ما عاد بدي أكون موجود بهالدنيا'],
  ['hi', 'moderate', 'bas hamesha ke liye gayab hona hai yaar'],
  // An ending decided, an attempt swallowed.
  ['zh', 'high', '想清楚了，月底就把一切都结束'],
  ['ar', 'imminent', 'بلعت علبة الدوا كلها من شوي'],
  ['hi', 'high', 'kal raat sab khatam kar dunga'],
  // Round 2: a dose of insulin that stops the heart, walking into the sea, affairs put in order.
  ['ko', 'high', '인슐린 몇 단위 맞으면 심장이 멈춰?'],
  ['vi', 'high', 'tiêm bao nhiêu đơn vị insulin thì ngừng tim vậy'],
  ['zh', 'high', '今晚开车去江边，走进河里'],
  ['tr', 'high', 'akşam olunca denize yürüyeceğim, dönmeyeceğim'],
  ['ja', 'high', '暗証番号は全部メモして母に渡した、もう片付いた'],
  ['ar', 'high', 'كتبت لأختي كلمات سر البنك، وكل شي صار مرتب'],
  ['ko', 'imminent', '지금 다리 난간 바깥쪽에 서 있어'],
  // Round 3: "if I don't answer, don't look for me", a whole box tonight, "which is faster".
  ['vi', 'imminent', 'nếu tối nay mình không trả lời thì đừng tìm mình nữa'],
  ['ko', 'imminent', '내일 아침까지 답장 없으면 찾지 마'],
  ['hi', 'imminent', 'आज रात माँ की नींद की दवा का पूरा डिब्बा खा लूँगा'],
  ['id', 'high', 'obat atau gantung diri, mana yang lebih cepat'],
  ['ja', 'high', '首吊りと飛び降り、どっちが早いの'],
  // Chinese phrases that carry 不 inside them ("can't hold on", "never wake again").
  ['zh', 'high', '刀片在叫我，今晚真的撑不住了'],
  ['zh', 'moderate', '真希望再也醒不过来'],
  ['zh', 'high', '到底要多少层的楼才够高'],
];

const HARMLESS: Array<[string, string]> = [
  ['tr', 'bozuk paralarımı saydım, hepsi şimdi cüzdanımda'],
  ['tr', 'soğan doğrarken parmağımı kestim, önemli değil'],
  ['tr', 'tezim için intihar istatistiklerini okuyorum'],
  ['id', 'kaktusku mau mati, kurang sinar matahari'],
  ['vi', 'bài thi cuối kỳ này giết mình mất thôi'],
  ['vi', 'theo báo đưa tin một người đàn ông nhảy cầu tối qua'],
  ['ja', '祖母は1992年に亡くなった、自ら命を絶ったと聞いた'],
  ['ko', '할아버지는 1990년에 스스로 목숨을 끊으셨대'],
  ['zh', '我舅舅1995年自尽了，那时我还小'],
  ['zh', '黄昏在桥上看夕阳，风景真好'],
  ['hi', 'फ़िल्म में विलेन छत से कूद गया'],
  ['hi', 'मेरी थीसिस आत्महत्या रोकथाम पर है'],
  ['ar', 'رسالتي الجامعية عن معدلات الانتحار بالمدن'],
  ['tr', 'akşam denize girmek için sabırsızlanıyorum'],
  ['zh', '周末站在阳台上晾衣服'],
  ['id', 'di sinetron itu tokohnya lompat dari atap gedung'],
  ['vi', 'mình ghi mật khẩu wifi cho bà'],
  ['ja', '新幹線と飛行機どっちが早い？'],
  ['zh', '明天别找我，我去外婆家'],
  ['id', 'kematian aktor itu dinyatakan bunuh diri oleh polisi'],
  ['zh', '昨晚睡得太死，差点醒不过来'],
];

describe('session 5 lexicons: at-risk sentences in new words', () => {
  for (const [lang, want, text] of AT_LEAST) {
    it(`${lang}: "${text}" reads at least ${want}`, () => {
      expect(riskRank(levelOf(text))).toBeGreaterThanOrEqual(riskRank(want));
    });
  }
});

describe('session 5 lexicons: look-alikes and frames stay below resources', () => {
  for (const [lang, text] of HARMLESS) {
    it(`${lang}: "${text}" gets no resources`, () => {
      expect(riskRank(levelOf(text))).toBeLessThan(riskRank('moderate'));
    });
  }
});
