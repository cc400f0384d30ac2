/**
 * The moderators' command help in every language the bot writes (issue 13 item 5): the words of
 * the command catalogue's moderator forms (src/command-catalogue.ts), which /help shows a moderator
 * in their language. English is the catalogue's own wording; every other language was drafted by
 * engineering and is pending a native speaker's review, and the help says so in that language
 * (`pending`) until HELP_REVIEWED lists it. The command words and argument names stay as typed.
 * The catalogue checks that every one of its languages is here (it indexes this table by its
 * HelpLocale), so this file does not import the catalogue back.
 */
/** The moderator forms, as typed: the command and its subcommand. */
export const MODERATOR_FORMS = [
  'country community', 'language community', 'case list', 'case ack', 'case resolve', 'case note', 'case pause', 'case resume', 'case web',
] as const;
export type ModeratorForm = (typeof MODERATOR_FORMS)[number];

export interface ModeratorHelpTexts {
  heading: string;
  /** Said after the list while the language is not reviewed. */
  pending: string;
  forms: Readonly<Record<ModeratorForm, string>>;
}

export const MODERATOR_HELP_TEXTS = {
  en: {
    heading: 'Moderator commands:', pending: '(This translation is pending review by a native speaker.)',
    forms: {
      'country community': "set or clear this community's default country", 'language community': "set or clear this community's language",
      'case list': 'open cases', 'case ack': 'acknowledge a case: you are looking after it', 'case resolve': 'close a case with an outcome',
      'case note': 'add a note to a case (only moderators see it)', 'case pause': "pause the bot's replies to this person while you talk",
      'case resume': 'let the bot reply to this person again', 'case web': 'a one-time sign-in link to the moderator dashboard',
    },
  },
  de: {
    heading: 'Befehle für Moderatoren:', pending: '(Diese Übersetzung wurde noch nicht von Muttersprachlern geprüft.)',
    forms: {
      'country community': 'das Standardland dieser Community festlegen oder löschen', 'language community': 'die Sprache dieser Community festlegen oder löschen',
      'case list': 'offene Fälle', 'case ack': 'einen Fall übernehmen: du kümmerst dich darum', 'case resolve': 'einen Fall mit einem Ergebnis schließen',
      'case note': 'eine Notiz zu einem Fall hinzufügen (nur Moderatoren sehen sie)', 'case pause': 'die Antworten des Bots an diese Person pausieren, während du mit ihr sprichst',
      'case resume': 'den Bot dieser Person wieder antworten lassen', 'case web': 'ein einmaliger Anmeldelink zum Moderatoren-Dashboard',
    },
  },
  es: {
    heading: 'Comandos para moderadores:', pending: '(Esta traducción está pendiente de revisión por hablantes nativos).',
    forms: {
      'country community': 'fija o quita el país predeterminado de esta comunidad', 'language community': 'fija o quita el idioma de esta comunidad',
      'case list': 'casos abiertos', 'case ack': 'asume un caso: tú te encargas', 'case resolve': 'cierra un caso con un resultado',
      'case note': 'añade una nota a un caso (solo la ven los moderadores)', 'case pause': 'pausa las respuestas del bot a esta persona mientras hablas con ella',
      'case resume': 'deja que el bot vuelva a responder a esta persona', 'case web': 'un enlace de acceso de un solo uso al panel de moderación',
    },
  },
  fr: {
    heading: 'Commandes des modérateurs :', pending: '(Cette traduction attend la relecture de locuteurs natifs.)',
    forms: {
      'country community': 'définit ou retire le pays par défaut de cette communauté', 'language community': 'définit ou retire la langue de cette communauté',
      'case list': 'cas ouverts', 'case ack': "prends en charge un cas : tu t'en occupes", 'case resolve': 'clos un cas avec son issue',
      'case note': 'ajoute une note à un cas (seuls les modérateurs la voient)', 'case pause': 'suspend les réponses du bot à cette personne pendant que tu lui parles',
      'case resume': 'laisse le bot répondre de nouveau à cette personne', 'case web': 'un lien de connexion à usage unique vers le tableau de bord des modérateurs',
    },
  },
  it: {
    heading: 'Comandi per i moderatori:', pending: '(Questa traduzione attende la revisione di madrelingua.)',
    forms: {
      'country community': 'imposta o togli il paese predefinito di questa comunità', 'language community': 'imposta o togli la lingua di questa comunità',
      'case list': 'casi aperti', 'case ack': 'prendi in carico un caso: te ne occupi tu', 'case resolve': 'chiudi un caso con un esito',
      'case note': 'aggiungi una nota a un caso (la vedono solo i moderatori)', 'case pause': 'sospendi le risposte del bot a questa persona mentre le parli',
      'case resume': 'lascia che il bot torni a rispondere a questa persona', 'case web': 'un link di accesso monouso alla dashboard dei moderatori',
    },
  },
  pt: {
    heading: 'Comandos para moderadores:', pending: '(Esta tradução aguarda revisão por falantes nativos.)',
    forms: {
      'country community': 'define ou remove o país padrão desta comunidade', 'language community': 'define ou remove o idioma desta comunidade',
      'case list': 'casos abertos', 'case ack': 'assuma um caso: você cuida dele', 'case resolve': 'encerre um caso com um resultado',
      'case note': 'adicione uma nota a um caso (só moderadores a veem)', 'case pause': 'pause as respostas do bot a esta pessoa enquanto você fala com ela',
      'case resume': 'deixe o bot voltar a responder a esta pessoa', 'case web': 'um link de acesso de uso único ao painel de moderação',
    },
  },
  nl: {
    heading: "Commando's voor moderators:", pending: '(Deze vertaling is nog niet nagekeken door moedertaalsprekers.)',
    forms: {
      'country community': 'stel het standaardland van deze community in of wis het', 'language community': 'stel de taal van deze community in of wis die',
      'case list': 'open zaken', 'case ack': 'neem een zaak op je: jij zorgt ervoor', 'case resolve': 'sluit een zaak af met een uitkomst',
      'case note': 'zet een notitie bij een zaak (alleen moderators zien die)', 'case pause': 'pauzeer de antwoorden van de bot aan deze persoon terwijl jij met diegene praat',
      'case resume': 'laat de bot weer antwoorden aan deze persoon', 'case web': 'een eenmalige inloglink naar het moderatordashboard',
    },
  },
  pl: {
    heading: 'Polecenia dla moderatorów:', pending: '(To tłumaczenie czeka na sprawdzenie przez rodzimych użytkowników języka).',
    forms: {
      'country community': 'ustaw lub usuń domyślny kraj tej społeczności', 'language community': 'ustaw lub usuń język tej społeczności',
      'case list': 'otwarte zgłoszenia', 'case ack': 'przejmij zgłoszenie: zajmujesz się nim', 'case resolve': 'zamknij zgłoszenie z wynikiem',
      'case note': 'dodaj notatkę do zgłoszenia (widzą ją tylko moderatorzy)', 'case pause': 'wstrzymaj odpowiedzi bota dla tej osoby, gdy z nią rozmawiasz',
      'case resume': 'pozwól botowi znów odpowiadać tej osobie', 'case web': 'jednorazowy link logowania do panelu moderatorów',
    },
  },
  ru: {
    heading: 'Команды для модераторов:', pending: '(Этот перевод ещё не проверен носителями языка.)',
    forms: {
      'country community': 'задать или убрать страну по умолчанию для этого сообщества', 'language community': 'задать или убрать язык этого сообщества',
      'case list': 'открытые случаи', 'case ack': 'взять случай: ты им занимаешься', 'case resolve': 'закрыть случай с итогом',
      'case note': 'добавить заметку к случаю (её видят только модераторы)', 'case pause': 'приостановить ответы бота этому человеку, пока ты с ним говоришь',
      'case resume': 'снова разрешить боту отвечать этому человеку', 'case web': 'одноразовая ссылка для входа в панель модераторов',
    },
  },
  tr: {
    heading: 'Moderatör komutları:', pending: '(Bu çeviri henüz anadili konuşanlarca gözden geçirilmedi.)',
    forms: {
      'country community': 'bu topluluğun varsayılan ülkesini ayarla veya kaldır', 'language community': 'bu topluluğun dilini ayarla veya kaldır',
      'case list': 'açık vakalar', 'case ack': 'bir vakayı üstlen: onunla sen ilgileniyorsun', 'case resolve': 'bir vakayı sonucuyla kapat',
      'case note': 'bir vakaya not ekle (yalnızca moderatörler görür)', 'case pause': 'sen bu kişiyle konuşurken botun ona yanıtlarını duraklat',
      'case resume': 'botun bu kişiye yeniden yanıt vermesine izin ver', 'case web': 'moderatör paneline tek kullanımlık giriş bağlantısı',
    },
  },
  id: {
    heading: 'Perintah moderator:', pending: '(Terjemahan ini menunggu tinjauan penutur asli.)',
    forms: {
      'country community': 'atur atau hapus negara bawaan komunitas ini', 'language community': 'atur atau hapus bahasa komunitas ini',
      'case list': 'kasus yang terbuka', 'case ack': 'ambil alih kasus: kamu yang menanganinya', 'case resolve': 'tutup kasus dengan hasilnya',
      'case note': 'tambahkan catatan pada kasus (hanya moderator yang melihatnya)', 'case pause': 'jeda balasan bot untuk orang ini selama kamu berbicara dengannya',
      'case resume': 'biarkan bot membalas orang ini lagi', 'case web': 'tautan masuk sekali pakai ke dasbor moderator',
    },
  },
  vi: {
    heading: 'Lệnh cho người điều hành:', pending: '(Bản dịch này đang chờ người bản ngữ xem lại.)',
    forms: {
      'country community': 'đặt hoặc xóa nước mặc định của cộng đồng này', 'language community': 'đặt hoặc xóa ngôn ngữ của cộng đồng này',
      'case list': 'các trường hợp đang mở', 'case ack': 'nhận một trường hợp: bạn sẽ theo dõi trường hợp này', 'case resolve': 'đóng một trường hợp kèm kết quả',
      'case note': 'thêm ghi chú vào một trường hợp (chỉ người điều hành thấy)', 'case pause': 'tạm dừng bot trả lời người này trong lúc bạn nói chuyện với họ',
      'case resume': 'cho bot trả lời người này trở lại', 'case web': 'liên kết đăng nhập dùng một lần vào bảng điều khiển cho người điều hành',
    },
  },
  ja: {
    heading: 'モデレーター用コマンド：', pending: '（この翻訳はネイティブ話者による確認待ちです。）',
    forms: {
      'country community': 'このコミュニティの既定の国を設定または解除', 'language community': 'このコミュニティの言語を設定または解除',
      'case list': '対応中のケース', 'case ack': 'ケースを引き受ける（あなたが対応します）', 'case resolve': '結果を記録してケースを閉じる',
      'case note': 'ケースにメモを追加（モデレーターのみ閲覧可）', 'case pause': 'あなたが話している間、この人へのボットの返信を止める',
      'case resume': 'この人へのボットの返信を再開する', 'case web': 'モデレーター用ダッシュボードへの1回限りのログインリンク',
    },
  },
  ko: {
    heading: '모더레이터 명령어:', pending: '(이 번역은 원어민 검토를 기다리고 있습니다.)',
    forms: {
      'country community': '이 커뮤니티의 기본 국가 설정 또는 해제', 'language community': '이 커뮤니티의 언어 설정 또는 해제',
      'case list': '열린 사례', 'case ack': '사례 맡기: 내가 담당합니다', 'case resolve': '결과와 함께 사례 종료',
      'case note': '사례에 메모 추가(모더레이터만 볼 수 있음)', 'case pause': '내가 대화하는 동안 이 사람에 대한 봇 답장 일시 중지',
      'case resume': '봇이 이 사람에게 다시 답장하도록 허용', 'case web': '모더레이터 대시보드 일회용 로그인 링크',
    },
  },
  zh: {
    heading: '管理员命令：', pending: '（此译文待母语者审核。）',
    forms: {
      'country community': '设置或清除本社区的默认国家或地区', 'language community': '设置或清除本社区的语言',
      'case list': '未结案例', 'case ack': '认领案例：由你负责跟进', 'case resolve': '记录结果并结案',
      'case note': '为案例添加备注（仅管理员可见）', 'case pause': '你与此人交谈时，暂停机器人对其的回复',
      'case resume': '让机器人恢复回复此人', 'case web': '管理员后台的一次性登录链接',
    },
  },
  'zh-Hant': {
    heading: '管理員指令：', pending: '（此譯文待母語者審核。）',
    forms: {
      'country community': '設定或清除本社群的預設國家或地區', 'language community': '設定或清除本社群的語言',
      'case list': '未結案例', 'case ack': '認領案例：由你負責跟進', 'case resolve': '記錄結果並結案',
      'case note': '為案例新增備註（僅管理員可見）', 'case pause': '你與此人交談時，暫停機器人對其的回覆',
      'case resume': '讓機器人恢復回覆此人', 'case web': '管理員後台的一次性登入連結',
    },
  },
  ar: {
    heading: 'أوامر المشرفين:', pending: '(هذه الترجمة بانتظار مراجعة متحدثين أصليين.)',
    forms: {
      'country community': 'تعيين البلد الافتراضي لهذا المجتمع أو إزالته', 'language community': 'تعيين لغة هذا المجتمع أو إزالتها',
      'case list': 'الحالات المفتوحة', 'case ack': 'تولّي حالة: أنت من يتابعها', 'case resolve': 'إغلاق حالة مع نتيجتها',
      'case note': 'إضافة ملاحظة إلى حالة (يراها المشرفون فقط)', 'case pause': 'إيقاف ردود البوت على هذا الشخص مؤقتًا أثناء حديثك معه',
      'case resume': 'السماح للبوت بالرد على هذا الشخص مجددًا', 'case web': 'رابط دخول لمرة واحدة إلى لوحة المشرفين',
    },
  },
  hi: {
    heading: 'मॉडरेटर कमांड:', pending: '(इस अनुवाद की मूल भाषी समीक्षा अभी बाकी है।)',
    forms: {
      'country community': 'इस समुदाय का डिफ़ॉल्ट देश तय करें या हटाएँ', 'language community': 'इस समुदाय की भाषा तय करें या हटाएँ',
      'case list': 'खुले मामले', 'case ack': 'मामला अपने ज़िम्मे लें: आप इसे देखेंगे', 'case resolve': 'नतीजे के साथ मामला बंद करें',
      'case note': 'मामले में नोट जोड़ें (सिर्फ़ मॉडरेटर देखते हैं)', 'case pause': 'जब आप इस व्यक्ति से बात कर रहे हों, तब बॉट के जवाब रोकें',
      'case resume': 'बॉट को इस व्यक्ति को फिर से जवाब देने दें', 'case web': 'मॉडरेटर डैशबोर्ड के लिए एक बार का साइन-इन लिंक',
    },
  },
} as const satisfies Readonly<Record<string, ModeratorHelpTexts>>;
