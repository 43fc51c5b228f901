"""Tone toward the akim: positive / negative / neutral with a signed score in [-1, 1].

A hand-written Russian + Kazakh lexicon (word stems, whole words, emoji) with governance
vocabulary, scored per sentence:
* negation flips the next polar word ("не", "нет", "ни", "без"; Kazakh "емес" after the word,
  the negative verb suffix -ма/-ме/-ба/-бе/-па/-пе), "нет/жоқ" after a negative noun is positive;
* intensifiers scale, "но/бірақ" weights the part after the contrast;
* sarcasm: thanks for something bad ("спасибо за ямы"), irony cues (🙄, "ну-ну", "ага", "зато",
  quoted praise, "))))" next to complaints) turn the praise negative;
* rhetorical complaint questions ("когда…?", "қашан…?") count as negative;
* sentences that mention the akim weigh more; in official posts only open praise counts, and
  sentences reporting an official's routine actions ("провёл", "поручил", "тапсырды") are damped.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from assets.classification.text import fold, tokens

# ---- lexicon ----------------------------------------------------------------------------------
# Stems match a word's beginning; EXACT entries match whole words only.
POS_STEMS: dict[str, float] = {
    # Russian news about officials: awards and praise
    "наградил": 1.0,
    "награжден": 1.0,
    "похвал": 1.1,
    "поблагодар": 1.2,
    # Russian: thanks, praise, approval
    "спасиб": 1.2,
    "благодар": 1.2,
    "признател": 1.0,
    "молодец": 1.5,
    "молодц": 1.5,
    "умниц": 1.3,
    "отличн": 1.2,
    "прекрасн": 1.3,
    "замечательн": 1.3,
    "великолеп": 1.3,
    "восхит": 1.3,
    "чудес": 1.0,
    "хорош": 1.0,
    "лучш": 0.8,
    "класс": 1.0,
    "клёв": 1.0,
    "клев": 1.0,
    "круто": 1.0,
    "крутой": 0.8,
    "крутая": 0.8,
    "крутые": 0.8,
    "супер": 1.0,
    "шикарн": 1.2,
    "потрясающ": 1.3,
    "обожа": 1.3,
    "любл": 1.0,
    "люблю": 1.2,
    "любим": 0.8,
    "любов": 0.8,
    "нрав": 1.0,
    "понрав": 1.1,
    "рад": 0.9,
    "радост": 1.0,
    "радуе": 1.0,
    "счаст": 1.2,
    "ура": 1.0,
    "улыб": 0.6,
    "приятн": 1.0,
    "удобн": 0.8,
    "красив": 0.9,
    "красот": 0.9,
    "мил": 0.6,
    "добр": 0.6,
    "уважен": 1.0,
    "уважа": 1.0,
    "респект": 1.2,
    "достойн": 0.9,
    "поддерж": 0.5,
    "помог": 0.6,
    "помощ": 0.4,
    "оперативн": 0.7,
    "сдвиг": 0.7,
    "прогресс": 0.8,
    "успе": 0.7,
    "надёжн": 0.7,
    "надежн": 0.7,
    "честн": 0.6,
    "открыт": 0.4,
    "наконец": 0.7,
    "идеальн": 0.8,
    "идеал": 0.6,
    "поздрав": 0.8,
    "интересн": 0.3,
    "вкусн": 1.0,
    "уютн": 0.9,
    "комфорт": 0.7,
    "качествен": 0.7,
    "профессионал": 0.7,
    "грамотн": 0.7,
    "толков": 0.7,
    "порядок": 0.4,
    "справил": 0.8,
    "справля": 0.6,
    "улучш": 0.8,
    "обновил": 0.5,
    "благоустро": 0.5,
    "восстанов": 0.4,
    "отремонтир": 0.7,
    "построил": 0.5,
    "сделали": 0.4,
    "хозяйственник": 0.8,
    "приятно": 1.0,
    "обалд": 1.0,
    "кайф": 1.1,
    "ахах": 0.8,
    "хаха": 0.8,
    "хех": 0.4,
    "лол": 0.3,
    "спс": 1.0,
    "пасиб": 1.0,
    "благослов": 1.0,
    "поддержива": 0.5,
    "вдохнов": 1.0,
    "гордост": 1.0,
    "горжусь": 1.2,
    "горд": 0.6,
    "талант": 0.9,
    "гениал": 1.0,
    "весел": 0.8,
    "смешн": 0.5,
    "мечт": 0.5,
    "обнимаю": 1.0,
    "целую": 1.0,
    "милаш": 1.1,
    "милот": 1.1,
    "мимими": 1.1,
    "няш": 1.0,
    "прелест": 1.2,
    "рекоменд": 0.6,
    "доволен": 1.0,
    "довольн": 1.0,
    "удач": 0.7,
    "везет": 0.8,
    "везёт": 0.8,
    "выздоравл": 0.6,
    "здоров": 0.3,
    "силач": 0.5,
    "наслажда": 1.0,
    "наслажд": 1.0,
    "праздн": 0.6,
    "повезло": 0.8,
    "ждем": 0.3,
    "ждём": 0.3,
    "спокойн": 0.3,
    "тепл": 0.2,
    "солн": 0.3,
    # Kazakh
    "рахмет": 1.3,
    "рақмет": 1.3,
    "алғыс": 1.2,
    "жарайсы": 1.5,
    "жарайсың": 1.5,
    "керемет": 1.3,
    "тамаша": 1.3,
    "жақсы": 1.0,
    "жаксы": 1.0,
    "жаqсы": 1.0,
    "әдемі": 1.0,
    "адеми": 1.0,
    "ұнай": 1.2,
    "ұнад": 1.2,
    "ұнап": 1.2,
    "унай": 1.1,
    "унад": 1.1,
    "ұната": 1.0,
    "күшті": 1.0,
    "кушти": 1.0,
    "кушты": 1.0,
    "мықты": 1.0,
    "мыкты": 1.0,
    "ыңғайлы": 0.9,
    "ынгайлы": 0.9,
    "қолайлы": 0.8,
    "пайдалы": 0.9,
    "тиімді": 0.8,
    "сапалы": 0.9,
    "дұрыс": 0.6,
    "дурыс": 0.6,
    "ризамын": 1.2,
    "риза": 1.1,
    "ырза": 1.1,
    "разы": 0.8,
    "қуан": 1.0,
    "куан": 1.0,
    "бақыт": 1.0,
    "көркей": 1.0,
    "сүйікті": 1.0,
    "суйикти": 1.0,
    "сағына": 0.7,
    "құрмет": 1.0,
    "құттықта": 0.8,
    "табыс": 0.6,
    "жетістік": 0.8,
    "жеңіл": 0.5,
    "оңай": 0.6,
    "қызық": 0.7,
    "кызык": 0.7,
    "сәттілік": 0.8,
    "зор": 0.4,
    "қамқор": 0.8,
    "тыңдайды": 0.6,
    "класно": 1.0,
    "jaqsy": 1.0,
    "jaksy": 1.0,
    "zhaksy": 1.0,
    "rakhmet": 1.3,
    "rahmet": 1.3,
    "molodec": 1.5,
    "molodets": 1.5,
    "keremet": 1.3,
    "tamasha": 1.3,
    "razy": 0.9,
    "spasibo": 1.2,
    "krasota": 0.9,
    "progress": 0.8,
    "ashyq": 0.5,
    "jaqsi": 1.0,
    # Kazakh, colloquial and review vocabulary (general knowledge)
    "ұнаған": 1.1,
    "унаган": 1.0,
    "ұнайт": 1.1,
    "унайт": 1.0,
    "ұнады": 1.2,
    "унады": 1.1,
    "пайдалан": 0.2,
    "көмек": 0.5,
    "комек": 0.5,
    "жеңілде": 0.6,
    "онша": 0.6,
    "анша": 0.6,
    "мүмкін": 0.3,
    "мумкин": 0.3,
    "сүйемін": 1.2,
    "суйемин": 1.2,
    "жарайды": 0.7,
    "шүкір": 0.6,
    "шукир": 0.6,
}
NEG_STEMS: dict[str, float] = {
    # Russian news about officials: prosecution, lies, theft (a person's tone is negative)
    "лжец": 1.3,
    "лжив": 1.1,
    "лгун": 1.2,
    "врун": 1.2,
    "некомпетент": 1.1,
    "взяточ": 1.3,
    "казнокрад": 1.3,
    "коррупционер": 1.3,
    "задержан": 0.9,
    "арестован": 1.1,
    "арестова": 1.0,
    "осужден": 1.1,
    "обвиняем": 1.0,
    "хищени": 1.1,
    "растрат": 1.1,
    # Russian: complaints, problems, abuse
    "плох": 1.2,
    "ужас": 1.3,
    "кошмар": 1.3,
    "отврат": 1.4,
    "мерзк": 1.3,
    "противн": 1.1,
    "гадк": 1.1,
    "ненави": 1.4,
    "бесит": 1.3,
    "бесят": 1.3,
    "раздраж": 1.1,
    "злит": 1.1,
    "злой": 0.9,
    "злюсь": 1.1,
    "груст": 1.1,
    "печал": 1.1,
    "тоск": 1.0,
    "жаль": 0.8,
    "жалко": 0.8,
    "обид": 1.0,
    "разочаров": 1.2,
    "устал": 0.9,
    "надоел": 1.1,
    "надоело": 1.1,
    "достал": 0.9,
    "задолбал": 1.2,
    "заебал": 1.3,
    "больно": 0.9,
    "болит": 0.9,
    "болею": 0.8,
    "плак": 1.0,
    "слез": 0.8,
    "страшн": 0.9,
    "страх": 0.8,
    "боюсь": 0.8,
    "тревог": 0.8,
    "стыд": 1.0,
    "позор": 1.3,
    "бред": 1.0,
    "фигн": 0.9,
    "херн": 1.0,
    "хрен": 0.7,
    "отстой": 1.2,
    "говн": 1.2,
    "дерьм": 1.3,
    "сук": 0.9,
    "бля": 0.9,
    "пизд": 1.0,
    "хуй": 0.9,
    "хуе": 0.9,
    "хуё": 0.9,
    "нахер": 1.0,
    "нахуй": 1.0,
    "ебан": 1.2,
    "ёбан": 1.2,
    "идиот": 1.2,
    "дебил": 1.2,
    "дура": 1.0,
    "дурак": 1.0,
    "туп": 0.8,
    "урод": 1.2,
    "твар": 1.2,
    "мраз": 1.3,
    "сволоч": 1.3,
    "гнид": 1.3,
    "ублюд": 1.3,
    "лох": 0.8,
    "жесть": 0.7,
    "жуть": 1.0,
    "треш": 0.8,
    "хуже": 1.0,
    "худш": 1.1,
    "ужасн": 1.3,
    "провал": 1.0,
    "поганц": 1.0,
    "бесполезн": 1.1,
    "бездар": 1.2,
    "бездейств": 1.2,
    "безобраз": 1.3,
    "беспредел": 1.3,
    "бардак": 1.2,
    "развал": 1.1,
    "разруш": 0.8,
    "проблем": 0.6,
    "жалоб": 0.4,
    "жалуют": 0.7,
    "возмущ": 1.1,
    "недовол": 1.1,
    "холодн": 0.7,
    "холодно": 0.8,
    "мерзн": 1.0,
    "мёрзн": 1.0,
    "замерз": 0.8,
    "смог": 0.8,
    "задыха": 1.1,
    "вонь": 1.1,
    "воня": 1.1,
    "грязн": 0.9,
    "грязь": 0.9,
    "пыль": 0.7,
    "ям": 0.0,
    "пробк": 0.6,
    "авари": 0.7,
    "отключ": 0.8,
    "затоп": 0.9,
    "выброс": 0.8,
    "мусор": 0.5,
    "свалк": 0.7,
    "вырубк": 0.8,
    "пилят": 0.8,
    "снос": 0.5,
    "коррупц": 1.3,
    "взятк": 1.3,
    "ворую": 1.3,
    "воров": 1.2,
    "украл": 1.1,
    "распил": 1.2,
    "откат": 0.8,
    "отставк": 1.0,
    "показух": 1.3,
    "пиар": 0.7,
    "отписк": 1.2,
    "обещани": 0.6,
    "обманул": 1.2,
    "обман": 1.1,
    "врут": 1.2,
    "вранье": 1.2,
    "враньё": 1.2,
    "лож": 0.6,
    "игнор": 1.0,
    "молчит": 0.7,
    "терпеть": 0.9,
    "невозможно": 0.9,
    "ужасающ": 1.3,
    "трещин": 0.8,
    "ржавe": 0.8,
    "ржавеют": 0.9,
    "потрачен": 0.6,
    "миллиард": 0.2,
    "безработ": 0.8,
    "уезжа": 0.6,
    "нищ": 1.0,
    "бедн": 0.6,
    "дорожа": 0.6,
    "подорожа": 0.8,
    "кризис": 0.8,
    "штраф": 0.4,
    "дефицит": 0.8,
    "очеред": 0.5,
    "сгорел": 1.0,
    "погиб": 1.0,
    "умер": 0.9,
    "смерт": 0.9,
    "убил": 1.0,
    "убий": 1.0,
    "войн": 0.8,
    "бомб": 0.6,
    "катастроф": 1.0,
    "трагед": 1.0,
    "ненормальн": 1.0,
    "никак": 0.4,
    "бомбежк": 0.9,
    "бомбёжк": 0.9,
    "толку": 0.8,
    "неудобн": 0.9,
    "медленн": 0.6,
    "тормоз": 0.7,
    "лаг": 0.6,
    "глюч": 0.9,
    "вылета": 0.8,
    "сломал": 0.9,
    "слома": 0.8,
    "поломк": 0.8,
    "криво": 0.9,
    "фу": 0.8,
    "фуу": 1.0,
    "блин": 0.7,
    "капец": 0.9,
    "облом": 0.9,
    "увы": 0.7,
    "скучн": 0.8,
    "скука": 0.8,
    "одинок": 0.9,
    "депресс": 1.1,
    "бесполезно": 1.1,
    "ненавижу": 1.5,
    "отвратительн": 1.4,
    "сдох": 1.1,
    "тупые": 1.0,
    "наглост": 1.1,
    "нагл": 0.9,
    "вор": 0.5,
    "жулик": 1.2,
    "мошен": 1.1,
    "преступ": 0.8,
    "насили": 1.0,
    "угроз": 0.7,
    "хамств": 1.2,
    "хам": 0.9,
    "тошн": 1.0,
    "мучит": 1.0,
    "мучен": 1.0,
    "страда": 1.0,
    "пипец": 0.9,
    "офиге": 0.3,
    "охрен": 0.6,
    "ебат": 0.9,
    "ебал": 0.9,
    "заеб": 1.2,
    "завал": 0.5,
    # Kazakh
    "нашар": 1.2,
    "жаман": 1.2,
    "жаманд": 1.2,
    "сұмдық": 1.3,
    "сумдык": 1.3,
    "масқара": 1.3,
    "ұят": 1.2,
    "уят": 1.2,
    "жемқор": 1.3,
    "парақор": 1.3,
    "отставка": 1.0,
    "суық": 0.8,
    "суык": 0.8,
    "шағым": 0.6,
    "шагым": 0.6,
    "мәселе": 0.5,
    "проблема": 0.6,
    "қиын": 0.8,
    "киын": 0.8,
    "қиналы": 1.0,
    "азап": 1.2,
    "бүлін": 1.0,
    "бүлінді": 1.0,
    "ескір": 0.6,
    "сапасыз": 1.2,
    "пайдасыз": 1.2,
    "мағынасыз": 1.1,
    "жарамсыз": 1.2,
    "әділетсіз": 1.2,
    "орынсыз": 1.0,
    "жауапсыз": 1.1,
    "жауапкершілік": 0.3,
    "ашу": 0.9,
    "ренжі": 1.0,
    "өкінішт": 1.0,
    "өкініш": 1.0,
    "қате": 0.8,
    "кате": 0.6,
    "қатесі": 0.9,
    "бұзыл": 0.9,
    "сынық": 0.8,
    "істемей": 1.2,
    "істемейді": 1.2,
    "істемеді": 1.2,
    "болмайды": 0.9,
    "тоқтап": 0.6,
    "кешік": 0.7,
    "уақытша": 0.0,
    "қымбат": 0.8,
    "кымбат": 0.8,
    "шу": 0.0,
    "лас": 0.9,
    "жоқ": 0.0,
    "ақымақ": 1.2,
    "акымак": 1.2,
    "оңбаған": 1.3,
    "бітпейді": 0.8,
    "зардап": 0.5,
    # Kazakh, colloquial and review vocabulary (general knowledge, both spellings)
    "нашарла": 1.2,
    "сіккен": 1.3,
    "сиккен": 1.3,
    "боқ": 1.2,
    "бок": 0.8,
    "қотақ": 1.4,
    "котак": 1.4,
    "сука": 1.3,
    "пидар": 1.4,
    "пидор": 1.4,
    "түсініксіз": 0.9,
    "тусиниксиз": 0.9,
    "ыңғайсыз": 1.0,
    "ынгайсыз": 1.0,
    "керексіз": 1.1,
    "қолайсыз": 1.0,
    "жалған": 1.0,
    "жалган": 1.0,
    "алдау": 1.2,
    "алдады": 1.2,
    "алдап": 1.2,
    "алаяқ": 1.3,
    "алаяк": 1.3,
    "ашулан": 1.0,
    "ыза": 1.0,
    "шаршадық": 1.0,
    "шаршадым": 1.0,
    "жалықтыр": 1.0,
    "зерік": 0.8,
    "бекер": 0.8,
    "бекерге": 0.9,
    "жарамайды": 1.1,
    "жүктелмей": 1.1,
    "жуктелмей": 1.1,
    "ашылмай": 1.1,
    "ашылмайд": 1.1,
    "қатып": 0.8,
    "катып": 0.8,
    "қосылмай": 1.0,
    "косылмай": 1.0,
    "өшіп": 0.7,
    "өшіріп": 0.3,
    "ақау": 1.0,
    "акау": 1.0,
    "қиындық": 0.8,
    "мүлдем": 0.3,
    "мулдем": 0.3,
    "nashar": 1.2,
    "нащар": 1.2,
    "zhaman": 1.2,
    "jaman": 1.2,
    "uyat": 1.2,
    "pokazukha": 1.3,
    "pokazuha": 1.3,
    "uzhas": 1.3,
    "koshmar": 1.3,
    "plokho": 1.2,
    "bardak": 1.2,
}
EXACT: dict[str, float] = {
    "норм": 0.6,
    "нормально": 0.4,
    "ок": 0.3,
    "окей": 0.4,
    "ok": 0.3,
    "топ": 0.9,
    "огонь": 0.8,
    "вау": 1.0,
    "wow": 1.0,
    "love": 1.2,
    "good": 1.0,
    "nice": 1.0,
    "cool": 1.0,
    "best": 1.0,
    "thanks": 1.0,
    "ямы": -0.8,
    "яма": -0.8,
    "ям": -0.8,
    "яму": -0.8,
    "ямах": -0.8,
    "ямой": -0.8,
    "ямами": -0.8,
    "дыра": -0.8,
    "опять": -0.4,
    "снова": -0.2,
    "нет": -0.5,
    "нету": -0.6,
    "жоқ": -0.6,
    "жок": -0.5,
    "joq": -0.5,
    "zhok": -0.5,
    "jok": -0.5,
    "net": -0.4,
    "хватит": -0.8,
    "доколе": -1.0,
    "газовой": -0.2,
    "бедные": -0.6,
    "ах": 0.0,
    "увы": -0.7,
    "эх": -0.5,
    "ох": -0.3,
    "sad": -1.0,
    "bad": -1.0,
    "hate": -1.2,
    "fuck": -0.8,
    "shit": -0.9,
    "лучше": 0.4,
    "бы": 0.0,
    "пока": 0.0,
    "ничего": 0.0,
    "безопасно": 0.6,
    "безопасн": 0.5,
    "уәде": -0.5,
    "уәдесі": -0.6,
    "обещал": -0.4,
    "обещали": -0.4,
    "обещает": -0.4,
    "обещания": -0.6,
    "пообещал": -0.1,
    "правда": 0.0,
    "так": 0.0,
    "ездить": 0.0,
    "бесплатно": 0.5,
    "бесплатн": 0.4,
    "ура": 1.0,
    "нечем": -0.8,
}
EMOJI: dict[str, float] = {
    "👍": 1.0,
    "👏": 0.9,
    "🙏": 0.9,
    "❤": 1.2,
    "♥": 1.1,
    "💕": 1.2,
    "💖": 1.2,
    "💗": 1.2,
    "💓": 1.2,
    "💘": 1.1,
    "💞": 1.2,
    "💜": 1.0,
    "💙": 1.0,
    "💚": 1.0,
    "💛": 1.0,
    "🧡": 1.0,
    "🖤": 0.4,
    "😍": 1.3,
    "🥰": 1.3,
    "😘": 1.2,
    "😊": 1.0,
    "☺": 1.0,
    "🙂": 0.6,
    "😀": 0.9,
    "😃": 0.9,
    "😄": 0.9,
    "😁": 0.9,
    "😆": 0.8,
    "😂": 0.5,
    "🤣": 0.6,
    "😅": 0.3,
    "😉": 0.6,
    "😎": 0.6,
    "🤗": 1.0,
    "✨": 0.6,
    "🔥": 0.7,
    "💪": 0.8,
    "🎉": 1.0,
    "🥳": 1.0,
    "🌸": 0.6,
    "🌹": 0.7,
    "💐": 0.8,
    "👌": 0.6,
    "😻": 1.0,
    "💯": 0.8,
    "🤩": 1.2,
    "😋": 0.8,
    "😇": 0.8,
    "🌷": 0.6,
    "⭐": 0.6,
    "🌟": 0.7,
    "🥺": -0.2,
    "😌": 0.5,
    "😢": -1.1,
    "😭": -0.9,
    "😡": -1.3,
    "🤬": -1.4,
    "😠": -1.2,
    "😤": -0.9,
    "😔": -1.0,
    "😞": -1.0,
    "😒": -1.0,
    "🙄": -0.9,
    "😩": -1.0,
    "😫": -1.0,
    "💔": -1.1,
    "😱": -0.8,
    "😨": -0.8,
    "😰": -0.8,
    "🤮": -1.3,
    "🤢": -1.1,
    "👎": -1.2,
    "😑": -0.6,
    "😐": -0.3,
    "😕": -0.7,
    "🙁": -0.8,
    "☹": -0.9,
    "😖": -1.0,
    "😣": -0.9,
    "😓": -0.7,
    "🥶": -0.7,
    "🤡": -1.0,
    "💩": -1.1,
    "🙃": -0.3,
    "😪": -0.6,
    "😥": -0.8,
    "🤦": -1.0,
    "🥲": -0.2,
    "😬": -0.4,
    "🤯": -0.5,
    "😏": -0.2,
}
NEGATORS = frozenset(
    {"не", "ни", "нет", "без", "not", "no", "ne", "нихрена", "нифига", "никакой", "никакого", "никаких", "ноль", "bez"}
)
POST_NEGATORS = frozenset({"емес", "emes", "жоқ", "жок", "joq", "zhok", "нет"})
INTENSIFIERS = frozenset(
    {
        "очень",
        "оч",
        "самый",
        "самая",
        "самое",
        "сильно",
        "совсем",
        "абсолютно",
        "реально",
        "просто",
        "так",
        "такой",
        "такая",
        "настолько",
        "невероятно",
        "өте",
        "оте",
        "қатты",
        "катты",
        "тым",
        "нағыз",
        "ең",
        "ен",
        "ote",
        "qatty",
        "katty",
        "сонша",
        "мега",
        "супер",
        "ваще",
        "вообще",
        "крайне",
        "слишком",
        "чертовски",
        "безумно",
        "ужасно",
        "дико",
        "жутко",
        "весьма",
        "сондай",
    }
)
CONTRAST = frozenset({"но", "однако", "бірақ", "бирак", "алайда", "biraq", "birak", "no"})
SARCASM_WORDS = frozenset(
    {
        "ага",
        "ну-ну",
        "верим",
        "верим-верим",
        "зато",
        "видимо",
        "якобы",
        "типа",
        "конечно",
        "браво",
        "стабильно",
        "агаа",
        "угу",
    }
)
SARCASM_EMOJI = frozenset({"🙄", "🙃", "😏", "🤡", "👌", "👏", "😂", "🤣", "😄", "😆", "👍"})
QUESTION_WORDS = frozenset(
    {
        "когда",
        "где",
        "сколько",
        "почему",
        "зачем",
        "доколе",
        "куда",
        "қашан",
        "қайда",
        "неге",
        "nege",
        "qashan",
        "kashan",
        "kogda",
        "gde",
        "pochemu",
        "qaida",
        "kaida",
        "нормально",
        "серьезно",
        "серьёзно",
    }
)
NEUTRAL_QUESTION = (
    "кто знает",
    "подскажите",
    "интересно",
    "не знаете",
    "кто пойдет",
    "кто пойдёт",
    "білетін",
    "кім біледі",
    "білесіздер ме",
    "будет ли",
    "кто-нибудь",
)
ACTION_STEMS = (
    "провел",
    "провёл",
    "поручил",
    "проверил",
    "встретил",
    "посетил",
    "обсудил",
    "ознакомил",
    "принял участие",
    "приняли участие",
    "поздравил",
    "вручил",
    "отчитал",
    "тапсырды",
    "аралады",
    "танысты",
    "кездесі",
    "қатысты",
    "тексерді",
    "қабылдады",
    "атап өтті",
    "проголосовал",
    "назначен",
    "переназначен",
    "раскритиковал",
    "заявил",
    "сообщ",
    "рассказ",
    "таныстырды",
    "барды",
    "жүр",
    "тапсырма",
    "открыл",
    "осмотрел",
    "провели",
    "отметил",
    "подчеркнул",
)
PRAISE_STEMS = ("благодар", "алғыс", "рахмет", "спасиб", "лидер", "признател", "высоко оцен")
NEG_VERB_RE = re.compile(
    r"\w{2,}(?:ма|ме|ба|бе|па|пе)(?:йды|йді|ды|ді|ған|ген|йтын|йтін|ймын|ймін|ймыз|йміз|йсың|йсіз|"
    r"йсыз|сын|сін|пты|пті|ңыз|ңіз)$|\w{2,}(?:ма|ме|па|пе)й$|\w{2,}(?:ma|me|ba|be|pa|pe)(?:idy|idi|ydy|dy|di|gan|gen)$"
    # colloquial spellings of the same forms: -майд, -маид, -мейт, -маи (й written и), -мит
    r"|\w{2,}(?:ма|ме|ба|бе|па|пе)(?:йд|ид|йт|и)$|\w{2,}мит$"
)
NOT_NEG_VERBS = ("шама", "сама", "лимит", "саммит", "динамит", "самит")
POS_VERB_STEMS = ("ұна", "уна", "жаса", "істе", "жөнде", "сал", "ашыл", "көмектес")
SENT_SPLIT_TOKENS = frozenset({".", "!", "?", "…", "!!", "!!!", "?!", "!?", "??", "???"})


# token flags
T_NEG, T_POSTNEG, T_INT, T_CONTRAST, T_SARC, T_QWORD, T_ACTION, T_PRAISE = 1, 2, 4, 8, 16, 32, 64, 128
T_THANKS, T_END, T_QEND, T_QOPEN, T_QCLOSE, T_NEUTRALQ, T_ZA, T_DQUOTE = (1 << bit for bit in range(8, 16))
# a promise word; "again"; Kazakh past "еді" (after praise: "was good", i.e. no longer); Kazakh "why"
T_PROMISE, T_AGAIN, T_WAS, T_WHY = 65536, 131072, 262144, 524288
PROMISE_STEMS = ("обещ", "пообещ", "наобещ", "уәде", "уаде", "obesh", "uade")
AGAIN_WORDS = frozenset({"опять", "снова", "вновь", "очередной", "очередное", "тағы", "тагы", "taghy", "tagy"})
WAS_WORDS = frozenset({"еді", "еди", "edi"})
WHY_WORDS = frozenset({"неге", "nege", "негэ"})
NEUTRAL_Q_WORDS = frozenset(
    {
        "знает",
        "знаете",
        "подскажите",
        "интересно",
        "білетін",
        "білетіндер",
        "біледі",
        "білесіздер",
        "кто-нибудь",
        "пойдет",
        "пойдёт",
        "ли",
        "ма",
        "ме",
        "ба",
        "бе",
        "па",
        "пе",
        "ше",
        "ғой",
        "или",
    }
)
ACTION_PREFIXES = tuple(a.split()[0] for a in ACTION_STEMS)


@dataclass(frozen=True)
class Tone:
    label: str
    score: float
    evidence: str


_cache: dict[str, tuple[float, int]] = {}
# the longest stem of the lexicons: `_weight` never needs a longer prefix of a token
LONGEST_STEM = max(len(stem) for stem in (*NEG_STEMS, *POS_STEMS))


def token_tone(tok: str) -> tuple[float, int]:
    """(prior polarity, flags) of one folded token (cached)."""
    hit = _cache.get(tok)
    if hit is None:
        hit = (_weight(tok), _flags(tok))
        if len(_cache) < 300_000:
            _cache[tok] = hit
    return hit


def word_weight(tok: str) -> float:
    return token_tone(tok)[0]


def _weight(tok: str) -> float:
    if tok in EXACT:
        return EXACT[tok]
    if tok in EMOJI:
        return EMOJI[tok]
    if tok[0] in "#@":
        tok = tok[1:]
        if not tok:
            return 0.0
    if tok.startswith(")") and len(tok) >= 2:
        return 0.9
    if tok.startswith("(") and len(tok) >= 2:
        return -0.9
    if len(tok) < 3 or not tok[0].isalpha():
        return 0.0
    if NEG_VERB_RE.match(tok) and not tok.endswith(NOT_NEG_VERBS):
        return -1.4 if tok.startswith(POS_VERB_STEMS) else -0.6
    # no stem is longer than LONGEST_STEM: trying only prefixes up to it gives the same answer
    # and keeps one huge token (a 1 MB "word") linear instead of quadratic
    for k in range(min(len(tok), LONGEST_STEM), 2, -1):
        stem = tok[:k]
        if stem in NEG_STEMS:
            return -NEG_STEMS[stem]
        if stem in POS_STEMS:
            return POS_STEMS[stem]
    return 0.0


def _flags(tok: str) -> int:
    f = 0
    if tok in NEGATORS:
        f |= T_NEG
    if tok in POST_NEGATORS:
        f |= T_POSTNEG
    if tok in INTENSIFIERS:
        f |= T_INT
    if tok in CONTRAST:
        f |= T_CONTRAST
    if tok in SARCASM_WORDS or tok in SARCASM_EMOJI or tok.startswith("))"):
        f |= T_SARC
    if tok in QUESTION_WORDS:
        f |= T_QWORD
    if tok.startswith(ACTION_PREFIXES):
        f |= T_ACTION
    if tok.startswith(PRAISE_STEMS):
        f |= T_PRAISE
    if tok.startswith(("спасиб", "благодар", "рахмет", "спс", "rakhmet", "rahmet", "алғыс")):
        f |= T_THANKS
    if tok in SENT_SPLIT_TOKENS or (tok[0] in "!?" and len(tok) > 1):
        f |= T_END
        if "?" in tok:
            f |= T_QEND
    if tok in {"«", "„", "“"}:
        f |= T_QOPEN
    if tok in {"»", "”"}:
        f |= T_QCLOSE
    if tok == '"':
        f |= T_DQUOTE
    if tok in NEUTRAL_Q_WORDS:
        f |= T_NEUTRALQ
    if tok == "за":
        f |= T_ZA
    if tok.startswith(PROMISE_STEMS):
        f |= T_PROMISE
    if tok in AGAIN_WORDS:
        f |= T_AGAIN
    if tok in WAS_WORDS:
        f |= T_WAS
    if tok in WHY_WORDS:
        f |= T_WHY
    return f


def score_tone(text: str, target_words: frozenset[str] = frozenset(), official: bool = False) -> Tone:
    """Tone of `text`; `target_words` are folded words naming the akim (their sentences weigh more)."""
    toks = tokens(fold(text))
    feats = [token_tone(t) for t in toks]
    targets = frozenset(i for i, t in enumerate(toks) if t in target_words) if target_words else None
    return score_features(feats, targets, official)


def score_features(
    feats: Sequence[tuple[float, int]], targets: frozenset[int] | None = None, official: bool = False
) -> Tone:
    """The scoring over per-token (polarity, flags); `targets` holds indices of words naming the akim."""
    pos_sum = neg_sum = 0.0
    sarcasm = 0
    thanks_bad = quote_praise = False
    questions = 0
    # sentence state
    pos = neg = 0.0
    s_flags = 0
    target = False
    thanks_at = -1
    za_after_thanks = False
    in_quote = after_contrast = promise_broken = False
    broken_promises = 0
    prev_w = 0.0
    prev_f = 0
    prev_i = -9
    n = len(feats)
    for i in range(n + 1):
        if i < n:
            w, f = feats[i]
            if not f and w == 0.0:
                continue
            if targets is not None and i in targets:
                target = True
        else:
            w, f = 0.0, T_END
        if f & T_END:
            if f & T_QEND and s_flags & T_QWORD and not s_flags & T_NEUTRALQ:
                neg += 0.8
                questions += 1
            if f & T_QEND and s_flags & T_QWORD and not s_flags & T_NEUTRALQ:
                pass
            elif s_flags & T_WHY:
                neg += 0.6  # Kazakh "неге ..." without a question mark: a complaint
                questions += 1
            if s_flags & T_ACTION and not s_flags & T_PRAISE:
                pos *= 0.3
                neg *= 0.3
            if promise_broken or (s_flags & T_PROMISE and s_flags & T_AGAIN):
                # "обещал газ и не провёл", "опять обещал": a broken or empty promise
                neg += 1.2
                pos *= 0.5
                broken_promises += 1
            if official:
                neg *= 0.1
                if not s_flags & T_PRAISE:
                    pos *= 0.2
            weight = 1.5 if target else 1.0
            pos_sum += pos * weight
            neg_sum += neg * weight
            pos = neg = 0.0
            s_flags = 0
            target = False
            thanks_at = -1
            za_after_thanks = in_quote = after_contrast = promise_broken = False
            prev_w = 0.0
            prev_f = 0
            prev_i = -9
            continue
        s_flags |= f
        if f & (T_QOPEN | T_QCLOSE | T_DQUOTE):
            in_quote = bool(f & T_QOPEN) or (bool(f & T_DQUOTE) and not in_quote)
            continue
        if f & T_CONTRAST:
            after_contrast = True
            pos *= 0.6
            neg *= 0.6
        if f & T_SARC:
            sarcasm += 1
        if s_flags & T_PROMISE and not f & T_PROMISE and (f & T_NEG or (w < 0 and f == 0 and w > -1.0)):
            promise_broken = True  # a negation (or a negative verb form) after the promise
        if f & T_THANKS:
            thanks_at = i
        elif f & T_ZA and thanks_at >= 0:
            za_after_thanks = True
        if w != 0.0:
            if f & T_POSTNEG and prev_w < 0:
                w = 0.0  # "проблема жоқ": the noun is flipped below
            else:
                negated = bool(prev_f & T_NEG) and (prev_i == i - 1 or (prev_i == i - 2 and not prev_w))
                if negated and prev_w < 0 and prev_i == i - 1 and w < 0:
                    neg += prev_w  # "нет проблем": the negator's own weight is undone
                if i + 1 < n and feats[i + 1][1] & T_POSTNEG and not f & T_POSTNEG:
                    negated = True
                if negated:
                    w = -w * (0.6 if w < 0 else 0.9)
                elif w > 0 and i + 1 < n and feats[i + 1][1] & T_WAS:
                    w = -w * 0.8  # "жақсы еді": it was good (and is not any more)
                if prev_f & T_INT and prev_i == i - 1:
                    w *= 1.5
                if after_contrast:
                    w *= 1.3
                if in_quote and w > 0:
                    quote_praise = True
                if w > 0:
                    pos += w
                else:
                    neg -= w
                    if za_after_thanks:
                        thanks_bad = True
        prev_w, prev_f, prev_i = w, f, i
    why = []
    if questions:
        why.append(f"complaint questions {questions}")
    if broken_promises:
        why.append(f"broken or empty promises {broken_promises}")
    if thanks_bad:
        why.append("thanks for something bad (sarcasm)")
        neg_sum += pos_sum
        pos_sum = 0.0
    elif (sarcasm or quote_praise) and neg_sum >= 0.5 and not official:
        why.append("irony cue next to a complaint")
        neg_sum += pos_sum * 0.8
        pos_sum *= 0.2
    total = pos_sum - neg_sum
    score = total / (abs(total) + 1.2)
    if score >= 0.25:
        label = "positive"
    elif score <= -0.25:
        label = "negative"
    else:
        label = "neutral"
    why.insert(0, f"pos {pos_sum:.2f} neg {neg_sum:.2f}")
    return Tone(label, round(score, 4), "; ".join(why))
