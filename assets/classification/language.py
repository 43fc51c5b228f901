"""Language of a post: `ru`, `kk` or `other`.

Cyrillic text: Kazakh when it has Kazakh-specific letters (ә ғ қ ң ө ұ ү һ і) or Kazakh
function words in proportion to its Russian function words. Latin text: `kk` when clearly
Kazakh words (ad-hoc or official Latin spelling) outnumber Russian-in-Latin words, else `other`.
"""

from __future__ import annotations

import re

from assets.classification.text import KAZAKH_LETTERS

WORD_RE = re.compile(r"[^\W\d_]+")


def _words(text: str) -> frozenset[str]:
    """A word list written as one space-separated string."""
    return frozenset(text.split())


KK_WORDS = _words(
    "және мен бен пен бұл осы сол ол біз сіз сен олар үшін деп емес жоқ бар ғой ма ме ба бе па пе да де "
    "та те ғана тек әлі енді қашан неге қайда қалай кім не нәрсе жақсы рахмет мырза ауыл облыс облысы "
    "облысының әкімі әкім қала қаласы жол су жылы биыл бүгін ертең кеше өте көп аз бірақ себебі сондықтан "
    "екен еді болды болады жатыр керек мүмкін барлық бәрі халық ел жер үй бала балалар"
)
RU_WORDS = _words(
    "и в во не на что это как с со по за а но у я мы вы он она они его её их из от до для при же ли бы "
    "уже ещё еще когда где почему кто так там тут все всё вот только очень был была были будет есть нет "
    "или если чтобы тоже даже надо можно нельзя нас вас нам вам мне меня себя наш ваш этот эта эти"
)
KK_LATIN = _words(
    "men jane jәne bul osy sol ol biz siz sen olar ushin ýshin dep emes jok zhok joq zhoq bar goi goy ma "
    "me ba be da de ta te gana tek ali endi qashan kashan nege qaida kaida qalai kalai kim jaksy jaqsy "
    "zhaksy rakhmet rahmet raqmet myrza auyl aýyl oblys oblysy qala kala zhol jol su bugin búgin ertegi "
    "kezdesti boldy bolady zhatyr jatyr jatyr kerek barlyq halyq el jer ui bala balalar qazir kazir jumys "
    "zhumys tez ashyq adam ozi ózi keldi ote óte razy akimi ákim jaqsy uyat kun kún istep zhur júr ozimiz "
    "sabyr keiin jazamyn bolyp nashar zhaman jaman qazaq kazak tili til"
)
RU_LATIN = _words(
    "i v ne na chto eto kak s po za a no u ya my vy on ona oni ego iz ot do dlya pri uzhe eshe kogda gde "
    "pochemu kto tak tam vse vot tolko ochen byl budet est net ili esli dazhe nado mozhno segodnya zavtra "
    "vstrecha priem grazhdan molodec realno stalo sdelaite nedelyu vody normalnyi transport zhdem minut "
    "priehal ves gorod den oblasti spasibo privet horosho plokho tozhe"
)


def detect_language(text: str) -> tuple[str, str]:
    """(`ru` | `kk` | `other`, a short reason)."""
    low = text.lower()
    words = WORD_RE.findall(low)
    if not words:
        return "other", "no words"
    cyr = sum(1 for w in words if "а" <= w[0] <= "я" or w[0] in "ёәғқңөұүһі")
    lat = sum(1 for w in words if "a" <= w[0] <= "z" or w[0] in "áóúýıǵń")
    if cyr >= lat:
        kk_letters = sum(1 for w in words if any(ch in KAZAKH_LETTERS for ch in w))
        kk_func = sum(1 for w in words if w in KK_WORDS)
        ru_func = sum(1 for w in words if w in RU_WORDS)
        kk = kk_letters + kk_func
        if kk > ru_func * 1.2 and kk >= 1:
            return "kk", f"kazakh letters/words {kk} vs russian function words {ru_func}"
        if cyr == 0:
            return "other", "no letters"
        return "ru", f"cyrillic; kazakh markers {kk} vs russian function words {ru_func}"
    kk_l = sum(1 for w in words if w in KK_LATIN) + sum(1 for w in words if any(c in "áóúýıǵń" for c in w))
    ru_l = sum(1 for w in words if w in RU_LATIN)
    if kk_l >= 2 and kk_l > ru_l:
        return "kk", f"latin-script kazakh words {kk_l} vs russian {ru_l}"
    return "other", f"latin script; kazakh words {kk_l}, russian {ru_l}"
