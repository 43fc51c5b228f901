"""The tone rules' word lists, one data file per list beside this module (`<name>.tsv`).

A file is UTF-8 text, one entry a line: `entry<TAB>weight` for a weighted list (`weights`),
the entry alone for a plain one (`words`); lines starting with `#` and blank lines are skipped.
An entry is taken verbatim (it may hold inner spaces and emoji). `tone.py` reads each list once,
when it is imported. A malformed file raises `LexiconError` naming the file and line.
"""

from __future__ import annotations

from importlib.resources import files

# every list shipped here: name -> weighted (entry and weight) or plain (entry alone)
LISTS: dict[str, bool] = {
    "pos_stems": True,
    "neg_stems": True,
    "exact": True,
    "emoji": True,
    "negators": False,
    "post_negators": False,
    "intensifiers": False,
    "contrast": False,
    "sarcasm_words": False,
    "sarcasm_emoji": False,
    "question_words": False,
    "action_stems": False,
    "praise_stems": False,
    "thanks_stems": False,
    "not_neg_verbs": False,
    "pos_verb_stems": False,
    "promise_stems": False,
    "again_words": False,
    "was_words": False,
    "why_words": False,
    "neutral_question_words": False,
}


class LexiconError(ValueError):
    """A word list is missing or malformed (the message names the file and line)."""


def _rows(name: str, columns: int) -> list[tuple[str, ...]]:
    """The entries of the shipped list `name` (see `parse_rows`)."""
    path = f"lexicon/{name}.tsv"
    try:
        text = files(__name__).joinpath(f"{name}.tsv").read_text(encoding="utf-8")
    except (FileNotFoundError, UnicodeDecodeError) as exc:
        raise LexiconError(f"{path}: cannot read the word list ({exc.__class__.__name__})") from None
    return parse_rows(text, path, columns)


def parse_rows(text: str, path: str, columns: int) -> list[tuple[str, ...]]:
    """The entries of a list file's text split at tabs, each with exactly `columns` non-empty fields
    without surrounding spaces, no entry repeated; LexiconError naming `path` and the line else."""
    rows: list[tuple[str, ...]] = []
    seen: set[str] = set()
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        fields = tuple(line.split("\t"))
        if len(fields) != columns or any(f != f.strip() or not f for f in fields):
            want = "entry<TAB>weight" if columns == 2 else "one entry"
            raise LexiconError(f"{path}:{number}: expected {want} without surrounding spaces, got {line!r}")
        if fields[0] in seen:
            raise LexiconError(f"{path}:{number}: {fields[0]!r} is listed twice")
        seen.add(fields[0])
        rows.append(fields)
    return rows


def weights(name: str) -> dict[str, float]:
    """A weighted list: entry -> weight, in file order."""
    out: dict[str, float] = {}
    for entry, weight in _rows(name, 2):
        try:
            out[entry] = float(weight)
        except ValueError:
            raise LexiconError(f"lexicon/{name}.tsv: the weight of {entry!r} is not a number: {weight!r}") from None
    return out


def words(name: str) -> tuple[str, ...]:
    """A plain list, in file order."""
    return tuple(entry for (entry,) in _rows(name, 1))


def word_sets(*names: str) -> tuple[frozenset[str], ...]:
    """Each named plain list as a set (for whole-word look-ups)."""
    return tuple(frozenset(words(name)) for name in names)


def sizes() -> dict[str, int]:
    """Number of entries of every shipped list (reads them all)."""
    return {name: len(weights(name) if weighted else words(name)) for name, weighted in LISTS.items()}
