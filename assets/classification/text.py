"""Text helpers shared by the classifiers: normalisation, tokens, a script-independent name key.

`skeleton()` maps a Cyrillic (Russian or Kazakh) or Latin word to one rough Latin key, so that
"Шөкеев", "Шукеев", "Шокеев", "Shókeev" and "Shukeyev" meet: Kazakh letters fold to their
Russian neighbours, digraphs (kh, zh, sh) are unified, y/ы/і/и become i and o/u become u.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

URL_RE = re.compile(r"https?://\S+|www\.\S+", re.IGNORECASE)
# Words (with an optional leading # or @, inner hyphens/apostrophes), emoticon runs, single symbols.
TOKEN_RE = re.compile(r"[#@]?\w+(?:[-'’]\w+)*|[)(]{2,}|[!?]+|[^\w\s]")

KAZAKH_LETTERS = frozenset("әғқңөұүһі")

_CYR2LAT = {
    "а": "a",
    "ә": "a",
    "б": "b",
    "в": "v",
    "г": "g",
    "ғ": "g",
    "д": "d",
    "е": "e",
    "ё": "e",
    "ж": "j",
    "з": "z",
    "и": "i",
    "й": "i",
    "і": "i",
    "к": "k",
    "қ": "k",
    "л": "l",
    "м": "m",
    "н": "n",
    "ң": "n",
    "о": "u",
    "ө": "u",
    "п": "p",
    "р": "r",
    "с": "s",
    "т": "t",
    "у": "u",
    "ұ": "u",
    "ү": "u",
    "ф": "f",
    "х": "h",
    "һ": "h",
    "ц": "c",
    "ч": "ch",
    "ш": "sh",
    "щ": "sh",
    "ъ": "",
    "ы": "i",
    "ь": "",
    "э": "e",
    "ю": "iu",
    "я": "ia",
}
_LATIN_SPECIAL = {"ı": "i", "ý": "u", "ú": "u", "ó": "o", "á": "a", "ǵ": "g", "ń": "n", "ş": "sh", "ç": "ch"}
_LATIN_DIGRAPHS = (("ye", "e"), ("kh", "h"), ("zh", "j"), ("dj", "j"), ("ts", "c"), ("yu", "iu"), ("ya", "ia"))
_LATIN_LETTERS = str.maketrans({"y": "i", "q": "k", "x": "h", "w": "u", "o": "u", "'": "", "’": "", "-": ""})


def normalise(text: str) -> str:
    """The methodology's normalised text: casefold, ё→е, URLs removed, white space collapsed."""
    folded = text.casefold()
    if "http" in folded or "www." in folded:  # else no URL: skip the regex
        folded = URL_RE.sub(" ", folded)
    # split() and strip() share the regex's \s (Unicode white space)
    return " ".join(folded.replace("ё", "е").split())


def fold(text: str) -> str:
    """Lower-case, ё→е (cheaper than `normalise`, keeps URLs)."""
    return text.lower().replace("ё", "е")


def tokens(folded: str) -> list[str]:
    return TOKEN_RE.findall(folded)


def is_word(token: str) -> bool:
    return token[:1].isalnum() or token[:1] in "#@_"


@lru_cache(maxsize=200_000)
def skeleton(word: str) -> str:
    """Script-independent key of one lower-case word (see module doc)."""
    word = word.lstrip("#@")
    if any("а" <= ch <= "я" or ch in "ёәғқңөұүһі" for ch in word):
        latin = "".join(_CYR2LAT.get(ch, ch) for ch in word)
        # Cyrillic "о" already became "u" above; what remains is Latin-like.
        out = latin
    else:
        out = "".join(_LATIN_SPECIAL.get(ch, ch) for ch in word)
        out = unicodedata.normalize("NFKD", out)
        out = "".join(ch for ch in out if not unicodedata.combining(ch))
        for a, b in _LATIN_DIGRAPHS:
            out = out.replace(a, b)
    out = out.translate(_LATIN_LETTERS)
    return out


def collapse_doubles(key: str) -> str:
    return re.sub(r"(.)\1+", r"\1", key)


def edit_distance_le1(a: str, b: str) -> bool:
    """True when a and b differ by at most one insertion, deletion or substitution."""
    if a == b:
        return True
    la, lb = len(a), len(b)
    if abs(la - lb) > 1:
        return False
    if la > lb:
        a, b, la, lb = b, a, lb, la
    i = 0
    while i < la and a[i] == b[i]:
        i += 1
    if la == lb:
        return a[i + 1 :] == b[i + 1 :]
    return a[i:] == b[i + 1 :]
