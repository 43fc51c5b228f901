"""The trained tone model (issue 13): loaded from a Hub-layout folder through huggingface_hub,
targeted tone on hand-written examples, the lexicon kept as a backend, reproducible training."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from assets.classification import classify_records
from assets.classification.tone import score_tone
from assets.classification.tone_model import (
    MARKER,
    SHIPPED_MODEL,
    ToneModelSettings,
    load_model,
    model_tokens,
    resolve_model_folder,
    span_tokens,
    trained_tone_model,
)
from assets.classification.transformers_backend import ModelUnavailableError
from assets.records import Mention, validate
from assets.reference import load_reference
from tests.conftest import lay_out_in_hub_cache

ROOT = Path(__file__).resolve().parents[1]
TRAIN = ROOT.parent / "shared" / "train"
REPO = "newsroom/akims-tone"
REVISION = "0123456789abcdef0123456789abcdef01234567"
# `akims train-tone --subset 300` (seed 20261204): sha256 of model.safetensors + vocab.txt + config.json
SUBSET_CHECKSUM = "878680e16e2ec17eb8d15629a953f2b4727b2aaefaaf875bff3d8cd8b4cb5739"


def _mention(n: int, text: str, author: str = "") -> Mention:
    m = validate(
        {
            "id": f"t{n}",
            "platform": "vk",
            "published_at": "2019-03-05T10:00:00+06:00",
            "author_id": author or f"user{n}",
            "text": text,
        }
    )
    assert isinstance(m, Mention)
    return m


def _classify(texts: list[str], backend: str = "embedded"):
    return classify_records([_mention(n, t) for n, t in enumerate(texts)], load_reference(), backend=backend)


def test_shipped_model_is_a_hub_model_folder_small_enough_for_git() -> None:
    names = {p.name for p in SHIPPED_MODEL.iterdir()}
    assert {"config.json", "model.safetensors", "vocab.txt", "README.md"} <= names
    assert sum(p.stat().st_size for p in SHIPPED_MODEL.iterdir()) <= 30 * 1024 * 1024
    card = (SHIPPED_MODEL / "README.md").read_text(encoding="utf-8")
    assert card.startswith("---\nlicense: mit")  # Hub model-card metadata
    for credit in ("RuSentNE-2023", "KazSAnDRA", "CC BY 4.0", "MIT"):
        assert credit in card
    config = json.loads((SHIPPED_MODEL / "config.json").read_text(encoding="utf-8"))
    assert set(config["heads"]) == {"ru", "kk"}


def test_model_loads_from_the_hub_cache_at_a_pinned_revision_offline(tmp_path: Path) -> None:
    cache = tmp_path / "hub"
    lay_out_in_hub_cache(cache, REPO, REVISION, SHIPPED_MODEL)
    env = {
        "AKIMS_TONE_MODEL": REPO,
        "AKIMS_TONE_REVISION": REVISION,
        "AKIMS_HF_CACHE": str(cache),
        "HF_HUB_OFFLINE": "1",
    }
    folder = resolve_model_folder(ToneModelSettings.from_env(env), env)
    assert folder.parent.name == "snapshots" and folder.name == REVISION
    from_hub = trained_tone_model(env).model
    shipped = load_model(SHIPPED_MODEL)
    toks = span_tokens("Суд арестовал Баталова по делу о взятке.", 14, 22)
    assert toks[2] == MARKER
    for lang in ("ru", "kk"):
        a = from_hub.head_for(lang).probabilities(toks, [0.0] * 5)
        b = shipped.head_for(lang).probabilities(toks, [0.0] * 5)
        assert a.tolist() == b.tolist()


def test_a_revision_missing_from_the_cache_is_one_clear_error(tmp_path: Path) -> None:
    cache = tmp_path / "hub"
    lay_out_in_hub_cache(cache, REPO, REVISION, SHIPPED_MODEL)
    env = {
        "AKIMS_TONE_MODEL": REPO,
        "AKIMS_TONE_REVISION": "f" * 40,
        "AKIMS_HF_CACHE": str(cache),
        "HF_HUB_OFFLINE": "1",
    }
    with pytest.raises(ModelUnavailableError, match="not in the cache"):
        trained_tone_model(env)
    with pytest.raises(ModelUnavailableError, match="pinned AKIMS_TONE_REVISION"):
        trained_tone_model({"AKIMS_TONE_MODEL": REPO})
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "config.json").write_text("{}", encoding="utf-8")
    with pytest.raises(ModelUnavailableError, match=r"has no vocab\.txt"):
        trained_tone_model({"AKIMS_TONE_MODEL": str(broken)})


def test_classify_cli_with_a_missing_model_exits_2_with_one_line(tmp_path: Path) -> None:
    source = tmp_path / "in.jsonl"
    source.write_text(json.dumps(_mention(1, "Баталов открыл школу").raw, ensure_ascii=False) + "\n", encoding="utf-8")
    env = {**os.environ, "AKIMS_TONE_MODEL": str(tmp_path / "nowhere"), "AKIMS_HOME": str(tmp_path)}
    done = subprocess.run(
        [sys.executable, "-m", "orchestration.cli", "classify", str(source)], capture_output=True, text=True, env=env
    )
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and "is not a folder" in done.stderr


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # arrest and prosecution: negative for the person arrested
        ("Бывший аким Баталов задержан по подозрению в получении взятки.", "negative"),
        ("Суд арестовал Амандыка Баталова на два месяца.", "negative"),
        # thanks and praise from others: positive for the person thanked
        ("Жители Талдыкоргана поблагодарили акима Баталова за новую школу.", "positive"),
        ("Президент высоко оценил работу акима области Амандыка Баталова и наградил его орденом.", "positive"),
        # criticism quoted: negative for the person criticised
        ("«Аким Баталов — вор и лжец, обманул всех дольщиков», — заявил блогер.", "negative"),
        ("Блогер обвинил акима Баталова во лжи.", "negative"),
    ],
)
def test_targeted_tone_of_hand_written_examples(text: str, expected: str) -> None:
    (c,) = _classify([text])
    assert c.akims == ("batalov-amandyk",)
    assert c.sentiment == expected, c.evidence["sentiment"]
    assert -1.0 <= c.sentiment_score <= 1.0


def test_two_akims_with_opposite_tone_get_their_own_tones() -> None:
    text = "Аким Баталов построил новую школу, молодец, а вот аким Мырзахметов опять всё провалил и обманул людей."
    (c,) = _classify([text])
    tones = {pid: label for pid, label, _ in c.akim_tones}
    assert tones == {"batalov-amandyk": "positive", "myrzakhmetov-askar": "negative"}


def test_model_tokens_mark_each_run_of_target_tokens_once() -> None:
    assert model_tokens(["аким", "амандык", "баталов", "открыл", "школу"], {1, 2}) == [
        "аким",
        MARKER,
        "открыл",
        "школу",
    ]


def test_lexicon_backend_keeps_the_old_rules() -> None:
    texts = ["Спасибо акиму Баталову за дороги!", "Баталов опять обещал газ и не провёл", "Баталов провёл совещание"]
    for text, c in zip(texts, _classify(texts, backend="lexicon"), strict=True):
        assert c.sentiment == score_tone(text).label or c.evidence["sentiment"].startswith("pos")


def _train(args: list[str], out: Path) -> str:
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "orchestration.cli",
            "train-tone",
            "--train-dir",
            str(TRAIN),
            "--output",
            str(out),
            *args,
        ],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.split("sha256 ")[1].strip()


def test_training_reproduces_the_recorded_checksum_on_a_seeded_subset(tmp_path: Path) -> None:
    assert TRAIN.is_dir(), f"the training files are expected in {TRAIN} (shared/train beside the repository)"
    first = _train(["--subset", "300"], tmp_path / "a")
    second = _train(["--subset", "300"], tmp_path / "b")
    assert first == second
    assert first == SUBSET_CHECKSUM
    for name in ("model.safetensors", "vocab.txt", "config.json"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()
    shutil.rmtree(tmp_path / "b")


def test_each_akims_own_tone_reaches_the_indicators(akims_home: Path, tmp_path: Path) -> None:
    """Through the real pipeline (ingest, Dagster, dbt): a post praising one akim and attacking
    another counts as positive for the first and negative for the second."""
    import duckdb

    from orchestration.cli import main
    from tests.conftest import write_csv, write_jsonl

    def row(mid: str, day: str, author: str, text: str) -> dict:
        return {"id": mid, "platform": "vk", "published_at": f"{day}T12:00:00+06:00", "author_id": author, "text": text}

    both = "Аким Баталов построил новую школу, молодец, а вот аким Шукеев опять всё провалил и обманул людей."
    data = write_jsonl(
        tmp_path / "mentions.jsonl",
        [
            row("p1", "2019-03-05", "a", both),
            row("p2", "2019-03-06", "b", "Аким Баталов открыл новую школу в Талдыкоргане."),
            row("p3", "2019-03-07", "c", "Аким Шукеев провёл приём граждан в Туркестане."),
        ],
    )
    tenures = write_csv(
        tmp_path / "tenures.csv",
        "region_code,person_id,start_date,end_date",
        ["KZ-19,batalov-amandyk,2014-01-01,", "KZ-61,shukeev-umirzak,2019-02-26,"],
    )
    assert main(["ingest", str(data), "--tenures", str(tenures)]) == 0
    main(["run", "--from", "2019-03-04", "--to", "2019-03-10"])  # a 3-mention week may be refused publication
    with duckdb.connect(str(akims_home / "warehouse.duckdb"), read_only=True) as con:
        classified = con.execute(
            "select akims, akim_sentiments from raw.classified_mentions where id = 'p1'"
        ).fetchone()
        per_person = dict(
            con.execute(
                # private authors' mention ids are pseudonymised in the marts: find p1 by its
                # loaded id through staging's internal source key
                "select eligibility.person_id, eligibility.sentiment"
                " from marts.fct_mention_eligibility as eligibility"
                " join staging.stg_warehouse__mentions as staged"
                " on staged.mention_id = eligibility.mention_id and staged.platform = eligibility.platform"
                " where staged.source_key = 'vk:p1'"
            ).fetchall()
        )
    assert classified == (["batalov-amandyk", "shukeev-umirzak"], ["positive", "negative"])
    assert per_person == {"batalov-amandyk": "positive", "shukeev-umirzak": "negative"}


def test_vocabulary_terms_survive_the_file_format() -> None:
    """vocab.txt holds one term per line: backslashes and newlines inside a term are escaped on
    writing and restored on reading, whatever their neighbours (the fast path for plain terms too)."""
    from assets.classification.tone_model import _escape, _unescape

    terms = ["", "plain", "аким", "a\\b", "\\", "\\\\", "line\nbreak", "\\n", "ends with \\", "\n", "x\\\ny"]
    for term in terms:
        written = _escape(term)
        assert "\n" not in written
        assert _unescape(written) == term
