"""The tone rules' word lists are data files (assets/classification/lexicon/*.tsv) read by a small
loader; they ship in the wheel, and a malformed file is a one-line error naming file and line."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from assets.classification import lexicon, tone
from assets.classification.lexicon import LISTS, LexiconError, parse_rows, sizes

REPO = Path(__file__).resolve().parents[1]
LEXICON_DIR = REPO / "assets" / "classification" / "lexicon"


def test_every_file_is_a_known_list_and_loads() -> None:
    assert {p.stem for p in LEXICON_DIR.glob("*.tsv")} == set(LISTS)
    counts = sizes()
    assert all(n > 0 for n in counts.values()), counts
    # what tone.py scores with is what the files hold (a few lists, by name)
    assert counts["pos_stems"] == len(tone.POS_STEMS) and counts["neg_stems"] == len(tone.NEG_STEMS)
    assert counts["emoji"] == len(tone.EMOJI) and counts["action_stems"] == len(tone.ACTION_STEMS)
    assert tone.POS_STEMS["молодец"] == 1.5 and tone.NEG_STEMS["коррупц"] == 1.3 and tone.EMOJI["👎"] == -1.2
    assert "принял участие" in tone.ACTION_STEMS  # an entry with an inner space is kept whole


def test_every_file_says_what_it_is_and_where_it_came_from() -> None:
    for name in LISTS:
        head = (LEXICON_DIR / f"{name}.tsv").read_text(encoding="utf-8").splitlines()[:8]
        assert head[0].startswith("# "), name
        assert any("Hand-written for this project" in line for line in head), name


@pytest.mark.parametrize(
    ("text", "columns", "message"),
    [
        ("# c\nгood\t1.0\nbad 1.0\n", 2, "lexicon/x.tsv:3: expected entry<TAB>weight"),
        ("a\t1.0\t2\n", 2, "lexicon/x.tsv:1: expected entry<TAB>weight"),
        ("ok\n ok2\n", 1, "lexicon/x.tsv:2: expected one entry"),
        ("слово\n\nслово\n", 1, "lexicon/x.tsv:3: 'слово' is listed twice"),
    ],
)
def test_a_malformed_list_is_a_one_line_error(text: str, columns: int, message: str) -> None:
    with pytest.raises(LexiconError) as err:
        parse_rows(text, "lexicon/x.tsv", columns)
    assert str(err.value).startswith(message) and "\n" not in str(err.value)


def test_a_missing_list_is_a_one_line_error() -> None:
    with pytest.raises(LexiconError, match=r"^lexicon/no_such_list\.tsv: cannot read the word list"):
        lexicon.words("no_such_list")


def test_the_wheel_ships_the_lists(tmp_path: Path) -> None:
    """`pip install` of a clean copy of the sources (no git, no editable install): the installed
    loader finds every list with the same entries."""
    src = tmp_path / "src"
    src.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(REPO / name, src / name)
    for package in ("assets", "orchestration", "akims_demo"):
        shutil.copytree(REPO / package, src / package, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "--no-input", "-q"]
    dist = tmp_path / "dist"
    subprocess.run([*pip, "wheel", "--no-deps", "--no-build-isolation", "-w", str(dist), str(src)], check=True)
    (wheel,) = dist.glob("*.whl")
    target = tmp_path / "installed"
    subprocess.run([*pip, "install", "--no-deps", "--no-index", "--target", str(target), str(wheel)], check=True)
    probe = (
        "import json, sys; sys.path.insert(0, sys.argv[1]); "
        "from assets.classification import lexicon; "
        "print(json.dumps([lexicon.__file__, lexicon.sizes()]))"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe, str(target)], cwd=tmp_path, capture_output=True, text=True, check=False
    )
    assert out.returncode == 0, out.stderr.strip().splitlines()[-1:]
    where, counts = json.loads(out.stdout)
    assert Path(where).is_relative_to(target)
    assert counts == sizes()
