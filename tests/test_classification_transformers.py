"""The transformers tone backend on tiny BERT models built here and laid out as a hub cache.

No weights are downloaded: each test model is a 1-layer BertForSequenceClassification with a
small WordPiece vocabulary, saved with save_pretrained into `models--org--name/blobs`,
`snapshots/<revision>/` (links to the blobs) and `refs/main`, the layout snapshot_download reads
with local_files_only. Two revisions of one repository differ only in the classifier's bias
(one always says positive, the other negative), so a test can tell which revision was loaded.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

torch = pytest.importorskip("torch")
transformers = pytest.importorskip("transformers")

from assets.classification import classify_records  # noqa: E402
from assets.classification.transformers_backend import (  # noqa: E402
    DEFAULT_MODEL,
    HFSettings,
    ModelUnavailableError,
    label_map,
    polarity_of_label,
    transformers_tone_model,
)
from assets.records import Mention, validate  # noqa: E402
from assets.reference import Reference, load_reference  # noqa: E402
from orchestration.cli import main  # noqa: E402
from tests.conftest import lay_out_in_hub_cache  # noqa: E402

REPO = "akims-test/tiny-bert-sentiment"
REV_POSITIVE = "a" * 40
REV_NEGATIVE = "b" * 40
WORDS = ("аким", "баталов", "газ", "дорога", "спасибо", "плохо", "не", "провёл", ".", ",")
VOCAB = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", *WORDS]


def _save_tiny_model(folder: Path, winner: int) -> None:
    from transformers import BertConfig, BertForSequenceClassification, BertTokenizerFast

    folder.mkdir(parents=True)
    vocab = folder / "vocab.txt"
    vocab.write_text("\n".join(VOCAB) + "\n", encoding="utf-8")
    BertTokenizerFast(vocab_file=str(vocab), do_lower_case=True).save_pretrained(folder)
    config = BertConfig(
        vocab_size=len(VOCAB),
        hidden_size=16,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=32,
        max_position_embeddings=64,
        num_labels=3,
        id2label={0: "NEGATIVE", 1: "neutral", 2: "Positive"},
        label2id={"NEGATIVE": 0, "neutral": 1, "Positive": 2},
    )
    torch.manual_seed(0)
    model = BertForSequenceClassification(config)
    with torch.no_grad():
        model.classifier.weight.zero_()
        model.classifier.bias.zero_()
        model.classifier.bias[winner] = 5.0
    model.save_pretrained(folder)


@pytest.fixture(scope="module")
def hf_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    work = tmp_path_factory.mktemp("hf")
    cache = work / "hub"
    _save_tiny_model(work / "neg", winner=0)
    _save_tiny_model(work / "pos", winner=2)
    lay_out_in_hub_cache(cache, REPO, REV_NEGATIVE, work / "neg")
    lay_out_in_hub_cache(cache, REPO, REV_POSITIVE, work / "pos")
    return cache


@pytest.fixture
def offline(monkeypatch: pytest.MonkeyPatch, hf_cache: Path) -> Path:
    monkeypatch.setenv("AKIMS_HF_CACHE", str(hf_cache))
    monkeypatch.setenv("AKIMS_HF_MODEL", REPO)
    monkeypatch.setenv("AKIMS_HF_REVISION", REV_POSITIVE)
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("AKIMS_HF_BATCH", "2")
    return hf_cache


@pytest.fixture(scope="module")
def reference() -> Reference:
    return load_reference()


def _mention(n: int, text: str, author: str = "someone") -> Mention:
    m = validate(
        {
            "id": f"t{n}",
            "platform": "instagram",
            "published_at": "2019-05-10T12:00:00+06:00",
            "author_id": author,
            "text": text,
        }
    )
    assert isinstance(m, Mention), m
    return m


BATCH = [
    "Баталов опять обещал газ и не провёл",
    "Спасибо акиму Алматинской области за дорогу",
    "",
    "Аким Баталов провёл совещание",
    "газ",
]


def test_label_names_map_to_the_three_tones() -> None:
    assert label_map({"0": "NEGATIVE", "1": "neutral", "2": "POSITIVE"}) == {
        0: "negative",
        1: "neutral",
        2: "positive",
    }
    assert [polarity_of_label(x) for x in ("1 star", "3 stars", "5 stars", "LABEL_0")] == [
        "negative",
        "neutral",
        "positive",
        None,
    ]
    with pytest.raises(ModelUnavailableError, match="cannot map the model's label 'LABEL_1'"):
        label_map({0: "negative", 1: "LABEL_1", 2: "positive"})


def test_settings_defaults_and_cache_folder(tmp_path: Path) -> None:
    s = HFSettings.from_env({"AKIMS_HOME": str(tmp_path)})
    assert (s.model, len(s.revision), s.offline) == (DEFAULT_MODEL, 40, False)
    assert s.cache_dir == tmp_path / "hf-cache"
    assert HFSettings.from_env({"HF_HOME": "/x", "HF_HUB_OFFLINE": "1"}).cache_dir == Path("/x/hub")
    assert HFSettings.from_env({"HF_HUB_OFFLINE": "1"}).offline
    with pytest.raises(ModelUnavailableError, match="needs a pinned AKIMS_HF_REVISION"):
        HFSettings.from_env({"AKIMS_HF_MODEL": "org/other"})
    with pytest.raises(ModelUnavailableError, match="AKIMS_HF_BATCH must be a positive integer"):
        HFSettings.from_env({"AKIMS_HF_BATCH": "0"})


def test_offline_cache_hit_classifies_a_batch(offline: Path, reference: Reference) -> None:
    mentions = [_mention(n, t) for n, t in enumerate(BATCH)]
    results = classify_records(mentions, reference, backend="transformers")
    assert [r.sentiment for r in results] == ["positive", "positive", "neutral", "positive", "positive"]
    assert results[0].sentiment_score > 0.9 and results[2].sentiment_score == 0.0
    # only the tone step changed: attribution is still the embedded rules'
    assert results[0].akims == ("batalov-amandyk",) and results[1].akims == ("batalov-amandyk",)


def test_the_pinned_revision_is_the_one_loaded(
    offline: Path, reference: Reference, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AKIMS_HF_REVISION", REV_NEGATIVE)
    mentions = [_mention(n, t) for n, t in enumerate(BATCH)]
    results = classify_records(mentions, reference, backend="transformers")
    assert [r.sentiment for r in results] == ["negative", "negative", "neutral", "negative", "negative"]
    assert results[0].sentiment_score < -0.9


def test_official_posts_are_not_read_as_negative(offline: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AKIMS_HF_REVISION", REV_NEGATIVE)
    model = transformers_tone_model()
    tones = model.tones(["газ", "газ"], [frozenset(), frozenset()], [False, True])
    assert [t.label for t in tones] == ["negative", "neutral"]


@pytest.mark.parametrize(
    ("variable", "value"),
    [("AKIMS_HF_REVISION", "c" * 40), ("AKIMS_HF_MODEL", "akims-test/absent-model")],
)
def test_absent_model_offline_is_a_clear_error(
    offline: Path, reference: Reference, monkeypatch: pytest.MonkeyPatch, variable: str, value: str
) -> None:
    monkeypatch.setenv(variable, value)
    with pytest.raises(ModelUnavailableError, match=r"is not in the cache .* offline \(HF_HUB_OFFLINE\)"):
        classify_records([_mention(0, "газ")], reference, backend="transformers")


def test_cli_classify_with_the_transformers_backend(
    offline: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    source = tmp_path / "in.jsonl"
    rows = [_mention(n, t).raw for n, t in enumerate(BATCH[:2])]
    source.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    out = tmp_path / "out.jsonl"
    assert main(["classify", str(source), "-o", str(out), "--backend", "transformers"]) == 0
    written = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [w["sentiment"] for w in written] == ["positive", "positive"]
    assert written[0]["akims"] == ["batalov-amandyk"]

    monkeypatch.setenv("AKIMS_HF_REVISION", "d" * 40)
    capsys.readouterr()
    assert main(["classify", str(source), "--backend", "transformers"]) == 2
    err = capsys.readouterr().err.strip()
    assert "\n" not in err and "Traceback" not in err
    assert err.startswith("akims: transformers backend: model akims-test/tiny-bert-sentiment@dddddddddddd")
    assert "is not in the cache" in err
