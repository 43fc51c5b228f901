"""Tone toward the akim: positive / negative / neutral with a signed score in [-1, 1].

A hand-written Russian + Kazakh lexicon (word stems, whole words, emoji) with governance
vocabulary, its word lists in `lexicon/*.tsv` (this module keeps the rules), scored per sentence:
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

from assets.classification import lexicon
from assets.classification.text import fold, tokens

# ---- lexicon: the word lists live in lexicon/*.tsv (one file per list, read once here) --------
# Stems match a word's beginning; EXACT entries match whole words only.
POS_STEMS, NEG_STEMS, EXACT, EMOJI = (lexicon.weights(n) for n in ("pos_stems", "neg_stems", "exact", "emoji"))
# whole words
NEGATORS, POST_NEGATORS, INTENSIFIERS, CONTRAST = lexicon.word_sets(
    "negators", "post_negators", "intensifiers", "contrast"
)
SARCASM_WORDS, SARCASM_EMOJI, QUESTION_WORDS = lexicon.word_sets("sarcasm_words", "sarcasm_emoji", "question_words")
AGAIN_WORDS, WAS_WORDS, WHY_WORDS = lexicon.word_sets("again_words", "was_words", "why_words")
(NEUTRAL_Q_WORDS,) = lexicon.word_sets("neutral_question_words")
# stems and endings (matched with startswith / endswith)
ACTION_STEMS, PRAISE_STEMS, THANKS_STEMS = (lexicon.words(n) for n in ("action_stems", "praise_stems", "thanks_stems"))
NOT_NEG_VERBS, POS_VERB_STEMS, PROMISE_STEMS = (
    lexicon.words(n) for n in ("not_neg_verbs", "pos_verb_stems", "promise_stems")
)
ACTION_PREFIXES = tuple(a.split()[0] for a in ACTION_STEMS)
# a Kazakh negative verb form (the morphology, not a word list)
NEG_VERB_RE = re.compile(
    r"\w{2,}(?:ма|ме|ба|бе|па|пе)(?:йды|йді|ды|ді|ған|ген|йтын|йтін|ймын|ймін|ймыз|йміз|йсың|йсіз|"
    r"йсыз|сын|сін|пты|пті|ңыз|ңіз)$|\w{2,}(?:ма|ме|па|пе)й$|\w{2,}(?:ma|me|ba|be|pa|pe)(?:idy|idi|ydy|dy|di|gan|gen)$"
    # colloquial spellings of the same forms: -майд, -маид, -мейт, -маи (й written и), -мит
    r"|\w{2,}(?:ма|ме|ба|бе|па|пе)(?:йд|ид|йт|и)$|\w{2,}мит$"
)
# punctuation that ends a sentence
SENT_SPLIT_TOKENS = frozenset({".", "!", "?", "…", "!!", "!!!", "?!", "!?", "??", "???"})

# token flags
T_NEG, T_POSTNEG, T_INT, T_CONTRAST, T_SARC, T_QWORD, T_ACTION, T_PRAISE = 1, 2, 4, 8, 16, 32, 64, 128
T_THANKS, T_END, T_QEND, T_QOPEN, T_QCLOSE, T_NEUTRALQ, T_ZA, T_DQUOTE = (1 << bit for bit in range(8, 16))
# a promise word; "again"; Kazakh past "еді" (after praise: "was good", i.e. no longer); Kazakh "why"
T_PROMISE, T_AGAIN, T_WAS, T_WHY = 65536, 131072, 262144, 524288


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
    if tok.startswith(THANKS_STEMS):
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
