/**
 * Every command the bot understands, in one place: its arguments, who may use it, and the help
 * text the platform menus show. The core's command handler (src/commands.ts) accepts only these
 * names; Discord's slash commands, Telegram's command menus, Slack's `/oyster <command>` words
 * and the console's moderator help are all built from this list, so a new command cannot be
 * handled on one platform and missing from another's menu (/language was, before this list).
 *
 * Each command's `help` is English: the platform menus are registered once for everyone. Every
 * command a person types also carries its help in every language the bot writes (`local`): /help
 * on every platform lists the user commands from here in the person's language, after the
 * introduction of policies/texts/<locale>.yaml `help`, and, to a moderator, the moderator forms
 * (src/moderator-help-texts.ts) in the moderator's language. Every language but English is
 * pending a native speaker's review, as its policies/texts file says; the moderator help says so.
 */
import { MODERATOR_HELP_TEXTS, type ModeratorForm } from './moderator-help-texts.js';
import { CASE_OUTCOMES } from './store/case-store.js';

/** The languages of policies/texts/: every user command has its help in each (a test holds the two lists together). */
export const HELP_LOCALES = ['ar', 'de', 'en', 'es', 'fr', 'hi', 'id', 'it', 'ja', 'ko', 'nl', 'pl', 'pt', 'ru', 'tr', 'vi', 'zh-Hant', 'zh'] as const;
export type HelpLocale = (typeof HELP_LOCALES)[number];

/** Languages whose command help a native speaker has reviewed; all others are pending native-speaker review. */
export const HELP_REVIEWED: ReadonlySet<HelpLocale> = new Set(['en']);

export type CommandAudience = 'everyone' | 'moderators';

export interface CommandArg {
  name: string;
  /** What the argument is, for menus (≤ 100 characters: Discord's limit). */
  help: string;
  /** flag: present or not (`confirm`); integer: a case number; text: a word or the rest of the line. */
  kind: 'flag' | 'integer' | 'text';
  required?: boolean;
  /** Permitted values, for menus that offer a choice. */
  choices?: readonly string[];
  minLength?: number;
  maxLength?: number;
}

export interface CommandSpec {
  name: string;
  audience: CommandAudience;
  /** One line for menus and help (≤ 100 characters: Discord's limit). */
  help: string;
  args: readonly CommandArg[];
  /**
   * Subcommands (`case ack 12`): the first argument names one. A command with arguments of its
   * own keeps them; its subcommands are then forms for moderators (`country community DE`).
   */
  subcommands?: readonly CommandSpec[];
  /** Said by Telegram's /start, not offered in menus that have no use for it. */
  menu: boolean;
  /** A user command's line in /help: how it is typed, and what it does in each language. */
  local?: { usage: string; help: Readonly<Record<HelpLocale, string>> };
}

/** Each language's word for the command list, and how it ends a sentence. */
const HELP_LIST: Record<HelpLocale, { heading: string; end: string }> = {
  ar: { heading: 'الأوامر:', end: '.' },
  de: { heading: 'Befehle:', end: '.' },
  en: { heading: 'Commands:', end: '.' },
  es: { heading: 'Comandos:', end: '.' },
  fr: { heading: 'Commandes :', end: '.' },
  hi: { heading: 'कमांड:', end: '।' },
  id: { heading: 'Perintah:', end: '.' },
  it: { heading: 'Comandi:', end: '.' },
  ja: { heading: 'コマンド：', end: '。' },
  ko: { heading: '명령어:', end: '.' },
  nl: { heading: "Commando's:", end: '.' },
  pl: { heading: 'Polecenia:', end: '.' },
  pt: { heading: 'Comandos:', end: '.' },
  ru: { heading: 'Команды:', end: '.' },
  tr: { heading: 'Komutlar:', end: '.' },
  vi: { heading: 'Lệnh:', end: '.' },
  'zh-Hant': { heading: '指令：', end: '。' },
  zh: { heading: '命令：', end: '。' },
};

const HELP_HELP: Record<HelpLocale, string> = {
  ar: 'هذا النص',
  de: 'dieser Text',
  en: 'this text',
  es: 'este texto',
  fr: 'ce texte',
  hi: 'यह पाठ',
  id: 'teks ini',
  it: 'questo testo',
  ja: 'この説明',
  ko: '이 설명',
  nl: 'deze tekst',
  pl: 'ten tekst',
  pt: 'este texto',
  ru: 'этот текст',
  tr: 'bu metin',
  vi: 'nội dung này',
  'zh-Hant': '查看說明',
  zh: '查看说明',
};

const FORGET_HELP: Record<HelpLocale, string> = {
  ar: 'حذف ما أحفظه عنك',
  de: 'löscht, was ich über dich speichere',
  en: 'delete what I store about you',
  es: 'borra lo que guardo sobre ti',
  fr: 'efface ce que je garde sur toi',
  hi: 'मेरे पास आपके बारे में जो है उसे मिटाएँ',
  id: 'hapus data yang kusimpan tentangmu',
  it: 'cancella ciò che conservo su di te',
  ja: '保存しているあなたのデータを削除',
  ko: '저장된 내 정보 삭제',
  nl: 'wis wat ik over je bewaar',
  pl: 'usuń to, co o tobie przechowuję',
  pt: 'apague o que guardo sobre você',
  ru: 'удалить то, что я храню о тебе',
  tr: 'senin hakkında sakladıklarımı sil',
  vi: 'xóa dữ liệu mình lưu về bạn',
  'zh-Hant': '刪除我保存的關於你的資料',
  zh: '删除我保存的关于你的数据',
};

const COUNTRY_HELP: Record<HelpLocale, string> = {
  ar: 'بلدك لعرض خطوط الأزمات المحلية (مثلًا /country EG)',
  de: 'dein Land für örtliche Krisenangebote (zum Beispiel /country DE)',
  en: 'set your country for local crisis lines (for example /country DE)',
  es: 'indica tu país para ver líneas de crisis locales (por ejemplo /country MX)',
  fr: 'indique ton pays pour voir les lignes locales (par exemple /country FR)',
  hi: 'स्थानीय संकट सेवाओं के लिए आपका देश (जैसे /country IN)',
  id: 'negaramu untuk layanan krisis setempat (misalnya /country ID)',
  it: 'indica il tuo paese per i servizi di crisi locali (per esempio /country IT)',
  ja: '地域の相談窓口のための国を設定（例：/country JP）',
  ko: '지역 상담 창구를 위한 나라 설정(예: /country KR)',
  nl: 'je land voor lokale crisislijnen (bijvoorbeeld /country NL)',
  pl: 'twój kraj dla lokalnych linii kryzysowych (na przykład /country PL)',
  pt: 'informe seu país para ver linhas de crise locais (por exemplo /country BR)',
  ru: 'твоя страна для местных кризисных линий (например, /country RU)',
  tr: 'yerel kriz hatları için ülken (örneğin /country TR)',
  vi: 'nước của bạn để xem đường dây tại chỗ (ví dụ /country VN)',
  'zh-Hant': '設定所在國家或地區以顯示當地專線（例如 /country TW）',
  zh: '设置所在国家或地区以显示当地热线（例如 /country CN）',
};

const LANGUAGE_HELP: Record<HelpLocale, string> = {
  ar: 'اللغة التي أكتب بها (مثلًا /language ar)',
  de: 'die Sprache, in der ich schreibe (zum Beispiel /language de)',
  en: 'choose the language I write in (for example /language es)',
  es: 'elige el idioma en que te escribo (por ejemplo /language es)',
  fr: "choisis la langue dans laquelle j'écris (par exemple /language fr)",
  hi: 'मैं किस भाषा में लिखूँ (जैसे /language hi)',
  id: 'bahasa yang kupakai (misalnya /language id)',
  it: 'scegli la lingua in cui scrivo (per esempio /language it)',
  ja: '私が使う言語を選ぶ（例：/language ja）',
  ko: '제가 쓸 언어 선택(예: /language ko)',
  nl: 'de taal waarin ik schrijf (bijvoorbeeld /language nl)',
  pl: 'język, w którym piszę (na przykład /language pl)',
  pt: 'escolha o idioma em que escrevo (por exemplo /language pt)',
  ru: 'язык, на котором я пишу (например, /language ru)',
  tr: 'yazdığım dil (örneğin /language tr)',
  vi: 'ngôn ngữ mình dùng (ví dụ /language vi)',
  'zh-Hant': '選擇我使用的語言（例如 /language zh-Hant）',
  zh: '选择我使用的语言（例如 /language zh）',
};

const EXPORT_HELP: Record<HelpLocale, string> = {
  ar: 'نسخة مما أحفظه عنك',
  de: 'eine Kopie dessen, was ich über dich speichere',
  en: 'get a copy of what I store about you',
  es: 'recibe una copia de lo que guardo sobre ti',
  fr: 'reçois une copie de ce que je garde sur toi',
  hi: 'मेरे पास आपके बारे में जो है उसकी प्रति',
  id: 'salinan data yang kusimpan tentangmu',
  it: 'ricevi una copia di ciò che conservo su di te',
  ja: '保存しているあなたのデータのコピー',
  ko: '저장된 내 정보 사본 받기',
  nl: 'een kopie van wat ik over je bewaar',
  pl: 'kopia tego, co o tobie przechowuję',
  pt: 'receba uma cópia do que guardo sobre você',
  ru: 'копия того, что я храню о тебе',
  tr: 'senin hakkında sakladıklarımın bir kopyası',
  vi: 'bản sao dữ liệu mình lưu về bạn',
  'zh-Hant': '匯出我保存的關於你的資料',
  zh: '导出我保存的关于你的数据',
};


const caseId: CommandArg = { name: 'id', help: 'Case number from the alert', kind: 'integer', required: true };

/** A moderator form's line in every language, as typed (`/case ack <id>`) and what it does. */
function moderatorLocal(form: ModeratorForm, args: readonly CommandArg[]): NonNullable<CommandSpec['local']> {
  const usage = [`/${form}`, ...args.map((a) => (a.required ? `<${a.name}>` : `[${a.name}]`))].join(' ');
  const help = Object.fromEntries(HELP_LOCALES.map((l) => [l, MODERATOR_HELP_TEXTS[l].forms[form]])) as Record<HelpLocale, string>;
  return { usage, help };
}

/** A moderator subcommand of `parent`, with its help in every language. */
function moderatorForm(parent: string, spec: Omit<CommandSpec, 'audience' | 'local'>): CommandSpec {
  return { ...spec, audience: 'moderators', local: moderatorLocal(`${parent} ${spec.name}` as ModeratorForm, spec.args) };
}

export const COMMANDS: readonly CommandSpec[] = [
  { name: 'start', audience: 'everyone', help: 'Start talking with me', args: [], menu: false },
  { name: 'help', audience: 'everyone', help: 'What I can do, how I handle your data, and where to find help now', args: [], menu: true,
    local: { usage: '/help', help: HELP_HELP },
  },
  {
    name: 'forget', audience: 'everyone', help: 'Delete what I have stored about you', menu: true,
    local: { usage: '/forget', help: FORGET_HELP },
    args: [{ name: 'confirm', help: 'Delete now; leave it out to see what would be deleted', kind: 'flag' }],
  },
  {
    name: 'country', audience: 'everyone', help: 'Show or set your country, so crisis lines fit where you are', menu: true,
    local: { usage: '/country XX', help: COUNTRY_HELP },
    args: [{ name: 'code', help: 'Two-letter country code such as US, GB or DE, or "clear"', kind: 'text', minLength: 2, maxLength: 5 }],
    subcommands: [moderatorForm('country', {
      name: 'community', help: "Set or clear this community's default country", menu: false,
      args: [{ name: 'code', help: 'Two-letter country code, or "clear"', kind: 'text', required: true }],
    })],
  },
  {
    name: 'language', audience: 'everyone', help: 'Choose the language I write to you in', menu: true,
    local: { usage: '/language xx', help: LANGUAGE_HELP },
    args: [{ name: 'code', help: 'A language code such as en, es or de, or "clear"', kind: 'text', minLength: 2, maxLength: 16 }],
    // The community's language: what a short message gets when nothing is known of the person yet.
    subcommands: [moderatorForm('language', {
      name: 'community', help: "Set or clear this community's language", menu: false,
      args: [{ name: 'code', help: 'A language code such as en, es or de, or "clear"', kind: 'text', required: true }],
    })],
  },
  {
    name: 'export', audience: 'everyone', help: 'Get a private copy of the data I store about you', args: [], menu: true,
    local: { usage: '/export', help: EXPORT_HELP },
  },
  {
    name: 'case', audience: 'moderators', help: 'Moderators: list, acknowledge, resolve, note, pause or resume a case', args: [], menu: true,
    subcommands: [
      moderatorForm('case', { name: 'list', help: 'Open cases', args: [], menu: true }),
      moderatorForm('case', { name: 'ack', help: 'Acknowledge a case: you are looking after it', args: [caseId], menu: true }),
      moderatorForm('case', {
        name: 'resolve', help: 'Close a case with an outcome', menu: true,
        args: [caseId, { name: 'outcome', help: 'How it ended', kind: 'text', choices: CASE_OUTCOMES }],
      }),
      moderatorForm('case', {
        name: 'note', help: 'Add a note to a case (only moderators see it)', menu: true,
        args: [caseId, { name: 'text', help: 'The note', kind: 'text', required: true, maxLength: 1000 }],
      }),
      moderatorForm('case', { name: 'pause', help: "Pause the bot's replies to this person while you talk", args: [caseId], menu: true }),
      moderatorForm('case', { name: 'resume', help: 'Let the bot reply to this person again', args: [caseId], menu: true }),
      moderatorForm('case', { name: 'web', help: 'A one-time sign-in link to the moderator dashboard', args: [], menu: true }),
    ],
  },
];

/** The catalogued command of this name (case-insensitive, a leading slash ignored). */
export function findCommand(name: string): CommandSpec | undefined {
  const wanted = name.toLowerCase().replace(/^\//, '');
  return COMMANDS.find((c) => c.name === wanted);
}

/** Menu entries for an audience: everyone's commands, plus the moderators' for moderators. */
export function menuCommands(audience: CommandAudience): CommandSpec[] {
  return COMMANDS.filter((c) => (c.menu || c.name === 'start') && (audience === 'moderators' || c.audience === 'everyone'));
}

/** The catalogue's language for a locale tag: the tag, then its first part (pt-BR: pt), then English. */
function helpLocale(locale: string): HelpLocale {
  const known = (tag: string): tag is HelpLocale => (HELP_LOCALES as readonly string[]).includes(tag);
  const primary = locale.split('-')[0]!;
  return known(locale) ? locale : known(primary) ? primary : 'en';
}

/**
 * One line of moderator help in `locale`, in the core markdown subset: every moderator form of the
 * catalogue with its arguments. A language no native speaker has reviewed says so at the end.
 */
export function moderatorHelp(locale = 'en'): string {
  const base = helpLocale(locale);
  const texts = MODERATOR_HELP_TEXTS[base];
  const forms = COMMANDS.flatMap((c) => (c.subcommands ?? []).filter((s) => s.audience === 'moderators'));
  const items = forms.flatMap((s) => (s.local ? [`**${s.local.usage}** ${s.local.help[base]}`] : []));
  const pending = HELP_REVIEWED.has(base) ? '' : ` ${texts.pending}`;
  return `${texts.heading} ${items.join(' · ')}${HELP_LIST[base].end}${pending}`;
}

/**
 * The /help reply: the locale's introduction (policies/texts/<locale>.yaml `help`), then every
 * user command of the catalogue with its help in that language, in the core markdown subset.
 * The language is found as the texts find theirs: the tag, then its first part (pt-BR: pt), then English.
 */
export function helpText(locale: string, intro: string): string {
  const base = helpLocale(locale);
  const list = HELP_LIST[base];
  const items = COMMANDS.flatMap((c) => (c.local ? [`**${c.local.usage}** ${c.local.help[base]}`] : []));
  return `${intro.trimEnd()}\n${list.heading} ${items.join(' · ')}${list.end}`;
}
