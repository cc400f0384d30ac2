/**
 * Text normalization before the risk screen matches anything. People (and evasion attempts)
 * write the same words many ways: full-width letters (ｋｉｌｌ), invisible zero-width or bidi
 * characters inside a word, leetspeak (k1ll mys3lf), Cyrillic look-alike letters, spaced-out
 * letters (k i l l), stretched letters (diiiie), accents typed or not (suicídio / suicidio) and
 * traditional or simplified Chinese. Rules are written once against the normalized form.
 */

/**
 * Every code point that renders as nothing, derived from Unicode properties rather than listed
 * by hand (issue 17 item 6): Default_Ignorable_Code_Point (zero-width characters and joiners,
 * soft hyphen, bidi controls, variation selectors including VS17-VS256, tag characters, Hangul
 * fillers, Mongolian and Khmer invisibles), every other format character (General_Category Cf:
 * interlinear annotation marks U+FFF9-FFFB, Arabic and Syriac format marks), and the blank
 * Braille pattern U+2800, which is not a format character but shows as a space. Never
 * meaningful for matching, and a favourite way to split a word so it slips past the rules.
 */
export const INVISIBLE = /[\p{Default_Ignorable_Code_Point}\p{Cf}\u2800]/gu;

const APOSTROPHES = /['\u2018\u2019\u201B\u02BC\u02BB\u0060\u00B4\u2032\uFF07]/g;

/** Cyrillic and Greek letters that render like Latin ones (Unicode confusables, lower case after NFKC+lowercase). */
const HOMOGLYPHS: Record<string, string> = {
  а: 'a', в: 'b', е: 'e', ё: 'e', к: 'k', м: 'm', н: 'h', о: 'o', р: 'p', с: 'c', т: 't', у: 'y', х: 'x',
  і: 'i', ї: 'i', ј: 'j', ѕ: 's', һ: 'h', ԁ: 'd', ԛ: 'q', ԝ: 'w', ɡ: 'g', ı: 'i',
  α: 'a', β: 'b', ε: 'e', ι: 'i', κ: 'k', ν: 'v', ο: 'o', ρ: 'p', τ: 't', υ: 'u', χ: 'x', ѵ: 'v',
};
const HOMOGLYPH_CLASS = new RegExp(`[${Object.keys(HOMOGLYPHS).join('')}]`, 'u');

/** Leetspeak substitutions, applied only next to letters so "10 pills" keeps its number. */
const LEET: Record<string, string> = { '0': 'o', '1': 'i', '3': 'e', '4': 'a', '5': 's', '7': 't', '@': 'a', $: 's', '!': 'i', '|': 'l' };

/**
 * Traditional → simplified for the characters the Chinese rules use, so 自殺 / 跳樓 / 安眠藥
 * match the same rules as 自杀 / 跳楼 / 安眠药. Not a full converter: only vocabulary we match on.
 */
const TRAD_PAIRS =
  '殺杀樓楼藥药絕绝結结過过為为們们說说這这個个麼么會会來来還还讓让見见別别遺遗書书燒烧開开輕轻殘残傷伤頭头點点氣气對对腦脑' +
  '覺觉夠够沒没無无憂忧鬱郁難难邊边離离從从給给將将準准備备許许樣样時时間间裡里裏里爾尔僅仅寫写錢钱歲岁學学習习醫医療疗種种' +
  '亂乱斷断憐怜愛爱讀读戀恋聽听歡欢滅灭壓压導导掛挂車车鐵铁軌轨槍枪彈弹氫氢劑剂樂乐價价麵面飯饭鬧闹煩烦睏困嚇吓凍冻餓饿熱热' +
  '醜丑羨羡與与後后處处癒愈機机勁劲嗎吗罷罢謝谢記记實实請请問问題题應应該该鐘钟幾几塊块顆颗針针劃划燙烫攝摄級级層层橋桥淵渊' +
  '體体虛虚鍋锅紀纪錄录態态廢废農农頂顶臺台撐撑誰谁壞坏厭厌緒绪繩绳數数憶忆願愿歸归盡尽夢梦屍尸墳坟靈灵脫脱義义話话當当語语' +
  '輩辈聯联係系絡络圖图紙纸筆笔電电號号碼码嚴严嘗尝試试計计畫画員员驗验張张錯错懼惧負负擔担極极啟启續续練练' +
  '現现著着幫帮衝冲動动認认識识總总經经歷历國国萬万門门買买賣卖貓猫媽妈親亲關关發发訊讯刪删帳账戶户囑嘱禮礼' +
  '隻只寵宠養养託托顧顾喪丧條条線线陽阳欄栏蹤踪贅赘餘余遠远聲声鬆松穩稳週周傳传貼贴則则漸渐嗚呜媽妈讓让';
const TRAD = new Map<string, string>();
for (let i = 0; i + 1 < TRAD_PAIRS.length; i += 2) {
  const from = TRAD_PAIRS[i]!;
  const to = TRAD_PAIRS[i + 1]!;
  if (from !== to) TRAD.set(from, to);
}
const TRAD_CLASS = new RegExp(`[${[...TRAD.keys()].join('')}]`, 'gu');

const HAN = /[\u3400-\u4DBF\u4E00-\u9FFF\uF900-\uFAFF]/u;
const KANA = /[\u3040-\u30FF\u31F0-\u31FF]/u;
const LATIN = /[a-z]/;
const CYRILLIC = /[\u0400-\u04FF]/u;
const ARABIC = /[\u0600-\u06FF\u0750-\u077F]/u;
const HANGUL = /[\uAC00-\uD7AF\u1100-\u11FF\u3130-\u318F]/u;
const DEVANAGARI = /[\u0900-\u097F]/u;
/** Arabic short vowels, shadda, sukun, superscript alef and the tatweel stretch: optional in writing. */
const ARABIC_MARKS = /[\u064B-\u065F\u0670\u0640]/g;

export interface NormalizedText {
  /** The main normalized form. */
  text: string;
  /**
   * Extra forms worth matching too: with stretched letters squeezed to one ("diiie" → "die")
   * when the main form squeezed them to two ("sooo" → "soo"). Usually empty.
   */
  variants: string[];
  hasLatin: boolean;
  hasHan: boolean;
  hasKana: boolean;
  hasCyrillic: boolean;
  hasArabic: boolean;
  hasHangul: boolean;
  hasDevanagari: boolean;
}

/** Normalizes one message for matching; pure and allocation-light (runs on every message). */
export function normalizeText(raw: string): NormalizedText {
  // NFKC folds full-width letters and the ideographic space onto ASCII, ligatures onto letters.
  // Apostrophes are dropped so "don't", "dont" and "don’t" read alike (rules say "dont", "im").
  let text = raw.normalize('NFKC').replace(INVISIBLE, '').replace(APOSTROPHES, '').toLowerCase();
  // Forms seen before the leet fold, for the disguise variants below.
  const raw1 = text;
  const hasLatin = LATIN.test(text) || HOMOGLYPH_CLASS.test(text);
  const hasKana = KANA.test(text);
  const hasHan = HAN.test(text);
  const hasCyrillic = CYRILLIC.test(text);
  const hasArabic = ARABIC.test(text);
  if (hasLatin || hasCyrillic) {
    // Strip accents from Latin and Cyrillic letters only (й → и, é → e); Japanese dakuten
    // (U+3099/309A) lie outside this block.
    text = text.normalize('NFD').replace(/[\u0300-\u036F]/g, '').normalize('NFC').replace(/ß/g, 'ss');
  }
  if (hasArabic) text = foldArabic(text);
  if (hasLatin) {
    if (HOMOGLYPH_CLASS.test(text)) text = foldHomoglyphs(text);
    if (/[a-z][0-9@$!|]|[0-9@$!|][a-z]/.test(text)) text = foldLeet(text);
    text = joinSpacedLetters(text);
  }
  if (hasHan && !hasKana) text = text.replace(TRAD_CLASS, (c) => TRAD.get(c) ?? c);
  text = text.replace(/\s+/g, ' ').trim();
  const variants = disguiseVariants(raw, raw1, text, hasLatin);
  if (hasLatin && /([a-z])\1\1/.test(text)) {
    variants.push(text.replace(/([a-z])\1{2,}/g, '$1'));
    text = text.replace(/([a-z])\1{2,}/g, '$1$1');
  }
  return {
    text,
    variants,
    hasLatin: hasLatin || LATIN.test(text),
    hasHan,
    hasKana,
    hasCyrillic,
    hasArabic,
    hasHangul: HANGUL.test(text),
    hasDevanagari: DEVANAGARI.test(text),
  };
}

/**
 * Extra readings of a disguised message, matched besides the main form (they can only add
 * matches): text reversed with a right-to-left override ("\u202Eflesym llik" shows as
 * "kill myself"), words glued with - _ or . ("kill-myself"), and the other leet reading of
 * "1" as "l" plus short letter-digit tokens folded too ("ki11 myse1f", "d13").
 */
function disguiseVariants(raw: string, beforeLeet: string, text: string, hasLatin: boolean): string[] {
  const out: string[] = [];
  if (raw.includes('\u202E')) out.push([...text].reverse().join(''));
  if (!hasLatin) return out;
  if (/[a-z][-_.][a-z]/.test(text)) out.push(text.replace(/(?<=[a-z])[-_.]+(?=[a-z])/g, ' '));
  if (/[a-z][0-9]|[0-9][a-z]/.test(beforeLeet)) {
    // Every letter-digit token folded (the main form spares "d13"-like tokens as names), with
    // "1" read once as "l" and once as "i".
    for (const one of ['l', 'i']) {
      const eager = beforeLeet.replace(/[a-z0-9]+/g, (token) =>
        /[a-z]/.test(token) && /[0-9]/.test(token) && !/^[0-9]+[a-z]{1,3}$/.test(token)
          ? token.replace(/[013457]/g, (d) => (d === '1' ? one : LEET[d] ?? d))
          : token,
      ).replace(/\s+/g, ' ').trim();
      if (eager !== text && !out.includes(eager)) out.push(eager);
    }
  }
  return out;
}

/** Vowel marks and tatweel dropped; hamza-carrying alefs read as plain alef, alef maqsura as ya. */
function foldArabic(text: string): string {
  return text.replace(ARABIC_MARKS, '').replace(/[\u0622\u0623\u0625\u0671]/g, '\u0627').replace(/\u0649/g, '\u064A');
}

/** Maps look-alike letters inside words that also contain Latin letters (a mixed-script word is a disguise). */
function foldHomoglyphs(text: string): string {
  const mostlyLatin = isMostlyLatin(text);
  return text.replace(/[\p{L}\p{M}]+/gu, (word) => {
    if (!/[a-z]/.test(word) && !mostlyLatin) return word;
    let out = '';
    for (const ch of word) out += HOMOGLYPHS[ch] ?? ch;
    return out;
  });
}

function isMostlyLatin(text: string): boolean {
  const latin = text.match(/[a-z]/g)?.length ?? 0;
  const other = text.match(/[^\sa-z0-9\p{P}\p{S}]/gu)?.length ?? 0;
  return latin > other;
}

/** "k1ll mys3lf" → "kill myself", but "10mg", "3am", "2nd" and "covid19" stay as they are. */
function foldLeet(text: string): string {
  return text.replace(/[a-z0-9@$!|]+/g, (token) => {
    // Leave plain words, numbers with units ("10mg", "3am") and names with a number ("covid19").
    if (!/[a-z]/.test(token) || /^[0-9]+[a-z]{1,3}$/.test(token) || /^[a-z]+[0-9]{2,}$/.test(token) || (/^[0-9]/.test(token) && !/[a-z][0-9]/.test(token))) {
      return token;
    }
    const chars = [...token];
    for (let i = 0; i < chars.length; i++) {
      const sub = LEET[chars[i]!];
      if (sub === undefined) continue;
      const prev = chars[i - 1];
      const next = chars[i + 1];
      // Trailing "!" is punctuation ("help!"), not a letter.
      if (chars[i] === '!' && (next === undefined || !/[a-z]/.test(next))) continue;
      if ((prev !== undefined && /[a-z]/.test(prev)) || (next !== undefined && /[a-z]/.test(next))) chars[i] = sub;
    }
    return chars.join('');
  });
}

/** "k i l l  m y s e l f" or "k.i.l.l" → "kill myself" / "kill": runs of 3+ single letters are one word. */
function joinSpacedLetters(text: string): string {
  if (!/(?:^|[^a-z])[a-z][ .\-_*][a-z][ .\-_*][a-z](?:[^a-z]|$)/.test(text)) return text;
  return text.replace(/(?<![a-z])[a-z](?:[ .\-_*]{1,2}[a-z](?![a-z])){2,}/g, (run) => {
    // The run's own separator joins letters; any other gap marks a word break: a double gap
    // ("k i l l  m e") or a change of separator ("s.u.i.c.i.d.e a lot" → "suicide a lot").
    const sep = /^[a-z]([ .\-_*]{1,2})/.exec(run)![1]!;
    return run.replace(/[ .\-_*]+/g, (gap) => (gap === sep ? '' : ' '));
  });
}

/**
 * Brings a policy regex source into the same form as normalized text without touching regex
 * syntax: full-width and accented letters folded and, for Chinese patterns, traditional
 * characters simplified (Japanese patterns keep their kanji: Japanese text is never folded).
 * Lower-casing is left to the author (upper-case escapes such as \S or \P{L} must survive).
 */
export function normalizePatternSource(source: string, options: { foldChinese: boolean } = { foldChinese: true }): string {
  let folded = source.replace(APOSTROPHES, '').normalize('NFKC').normalize('NFD').replace(/[\u0300-\u036F]/g, '').normalize('NFC').replace(/ß/g, 'ss');
  if (ARABIC.test(folded)) folded = foldArabic(folded);
  return !options.foldChinese || KANA.test(folded) ? folded : folded.replace(TRAD_CLASS, (c) => TRAD.get(c) ?? c);
}
