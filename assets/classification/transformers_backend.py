"""Tone by a Hugging Face text-classification model (`--backend transformers`).

Only the tone step changes; attribution, author type, reshares and language stay the embedded
rules. torch and transformers are imported when the backend is first used, never at import time.

Settings (environment):
* `AKIMS_HF_MODEL`: the model's repository id (default `DEFAULT_MODEL`, Russian rubert-tiny2);
* `AKIMS_HF_REVISION`: the pinned revision, a 40-hex commit (default `DEFAULT_REVISION` for the
  default model; required otherwise, "main" only when you accept an unpinned model);
* `AKIMS_HF_BATCH`: texts per forward pass (default 32);
* cache: `AKIMS_HF_CACHE`, else `$HF_HOME/hub` when `HF_HOME` is set, else `$AKIMS_HOME/hf-cache`;
* offline: `HF_HUB_OFFLINE=1` (or `AKIMS_HF_OFFLINE=1`) reads the cache only.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from assets.classification.tone import Tone

DEFAULT_MODEL = "seara/rubert-tiny2-russian-sentiment"
DEFAULT_REVISION = "dd8caa8243229bb3530dade272b0ec725b677ab5"
DEFAULT_BATCH = 32
MAX_TOKENS = 512
PROJECT_DATA = Path(__file__).resolve().parents[2] / "data"
_TRUE = {"1", "true", "yes", "on"}


class ModelUnavailableError(ValueError):
    """The configured model cannot be loaded (absent from the cache while offline, bad id, ...)."""


@dataclass(frozen=True)
class HFSettings:
    model: str
    revision: str
    cache_dir: Path
    offline: bool
    batch_size: int

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> HFSettings:
        env = os.environ if env is None else env
        model = env.get("AKIMS_HF_MODEL", "").strip() or DEFAULT_MODEL
        revision = env.get("AKIMS_HF_REVISION", "").strip()
        if not revision:
            if model != DEFAULT_MODEL:
                raise ModelUnavailableError(
                    f"transformers backend: AKIMS_HF_MODEL={model} needs a pinned AKIMS_HF_REVISION (a commit id)"
                )
            revision = DEFAULT_REVISION
        batch = env.get("AKIMS_HF_BATCH", "").strip() or str(DEFAULT_BATCH)
        if not batch.isdigit() or int(batch) < 1:
            raise ModelUnavailableError(
                f"transformers backend: AKIMS_HF_BATCH must be a positive integer, not {batch!r}"
            )
        offline = any(env.get(k, "").strip().lower() in _TRUE for k in ("HF_HUB_OFFLINE", "AKIMS_HF_OFFLINE"))
        return cls(model, revision, hf_cache_dir(env), offline, int(batch))


def hf_cache_dir(env: Mapping[str, str]) -> Path:
    if env.get("AKIMS_HF_CACHE"):
        return Path(env["AKIMS_HF_CACHE"])
    if env.get("HF_HOME"):
        return Path(env["HF_HOME"]) / "hub"
    return Path(env.get("AKIMS_HOME") or PROJECT_DATA) / "hf-cache"


def polarity_of_label(label: str) -> str | None:
    """positive / negative / neutral for a model's label name, or None when it says neither."""
    name = label.strip().lower()
    stars = name.split()[0] if name[:1].isdigit() else ""
    if stars.isdigit():  # "1 star" .. "5 stars"
        return "negative" if int(stars) <= 2 else "neutral" if int(stars) == 3 else "positive"
    for prefixes, polarity in (
        (("pos", "позит", "оң"), "positive"),
        (("neg", "негат", "теріс"), "negative"),
        (("neu", "нейтр", "бейтарап", "none", "skip", "speech"), "neutral"),
    ):
        if name.startswith(prefixes):
            return polarity
    return None


def label_map(id2label: Mapping[Any, str]) -> dict[int, str]:
    """The model config's id2label as class index -> positive/negative/neutral (clear error if unknown)."""
    out: dict[int, str] = {}
    for key, label in id2label.items():
        polarity = polarity_of_label(str(label))
        if polarity is None:
            known = ", ".join(str(v) for v in id2label.values())
            raise ModelUnavailableError(
                f"transformers backend: cannot map the model's label {label!r} to positive/negative/neutral "
                f"(labels: {known})"
            )
        out[int(key)] = polarity
    if "positive" not in out.values() or "negative" not in out.values():
        raise ModelUnavailableError("transformers backend: the model has no positive and negative labels")
    return out


def resolve_snapshot(settings: HFSettings) -> Path:
    """The model's snapshot folder in the hub cache (downloaded first unless offline)."""
    from huggingface_hub import snapshot_download
    from huggingface_hub.errors import HfHubHTTPError, LocalEntryNotFoundError

    where = f"{settings.model}@{settings.revision[:12]}"
    try:
        path = snapshot_download(
            settings.model,
            revision=settings.revision,
            cache_dir=str(settings.cache_dir),
            local_files_only=settings.offline,
        )
    except LocalEntryNotFoundError as exc:
        how = "offline (HF_HUB_OFFLINE)" if settings.offline else "and the hub cannot be reached"
        raise ModelUnavailableError(
            f"transformers backend: model {where} is not in the cache {settings.cache_dir} {how}; "
            f"download it once there, or set AKIMS_HF_MODEL/AKIMS_HF_REVISION to a cached model"
        ) from exc
    except (HfHubHTTPError, OSError, ValueError) as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise ModelUnavailableError(f"transformers backend: cannot get model {where}: {first}") from exc
    return Path(path)


class TransformersToneModel:
    """A sequence-classification model from the hub cache, run in batches on the CPU."""

    name = "transformers"

    def __init__(self, settings: HFSettings) -> None:
        try:
            import torch
            from transformers import AutoModelForSequenceClassification, AutoTokenizer
        except ImportError as exc:
            raise ModelUnavailableError(
                "transformers backend: torch and transformers are not installed (pip install '.[transformers]')"
            ) from exc
        self.settings = settings
        snapshot = resolve_snapshot(settings)
        try:
            self.tokenizer = AutoTokenizer.from_pretrained(snapshot)
            self.model = AutoModelForSequenceClassification.from_pretrained(snapshot)
        except (OSError, ValueError, KeyError) as exc:
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise ModelUnavailableError(
                f"transformers backend: {settings.model}@{settings.revision[:12]} is not a usable "
                f"text-classification model: {first}"
            ) from exc
        self.model.eval()
        self.labels = label_map(self.model.config.id2label)
        self._torch = torch
        self._max_len = min(MAX_TOKENS, int(getattr(self.tokenizer, "model_max_length", MAX_TOKENS) or MAX_TOKENS))

    def probabilities(self, texts: Sequence[str]) -> list[dict[str, float]]:
        """Per text, the probability of positive / negative / neutral (summed over the model's classes)."""
        out: list[dict[str, float]] = []
        torch = self._torch
        for start in range(0, len(texts), self.settings.batch_size):
            batch = list(texts[start : start + self.settings.batch_size])
            enc = self.tokenizer(batch, padding=True, truncation=True, max_length=self._max_len, return_tensors="pt")
            with torch.inference_mode():
                probs = torch.softmax(self.model(**enc).logits, dim=-1).tolist()
            for row in probs:
                acc = {"positive": 0.0, "negative": 0.0, "neutral": 0.0}
                for k, p in enumerate(row):
                    acc[self.labels[k]] += p
                out.append(acc)
        return out

    def tones(self, texts: Sequence[str], targets: Sequence[frozenset[str]], official: Sequence[bool]) -> list[Tone]:
        todo = [n for n, t in enumerate(texts) if t.strip()]
        probs = dict(zip(todo, self.probabilities([texts[n] for n in todo]), strict=True))
        out = []
        for n, is_official in enumerate(official):
            p = probs.get(n)
            if p is None:
                out.append(Tone("neutral", 0.0, "empty text"))
                continue
            out.append(tone_from_probabilities(p, is_official, self.settings.model))
        return out


def tone_from_probabilities(p: Mapping[str, float], official: bool, model: str) -> Tone:
    """The label with the highest probability; score = P(positive) - P(negative).

    As in the embedded rules, an official post (or a reshare of one) is not read as negative
    toward its akim: official posts are neutral unless they openly praise.
    """
    label = max(("positive", "negative", "neutral"), key=lambda k: p.get(k, 0.0))
    score = round(p.get("positive", 0.0) - p.get("negative", 0.0), 4)
    why = f"{model}: " + " ".join(f"{k[:3]} {p.get(k, 0.0):.2f}" for k in ("positive", "negative", "neutral"))
    if official and label == "negative":
        return Tone("neutral", 0.0, why + "; official post: not negative")
    return Tone(label, score, why)


_MODELS: dict[HFSettings, TransformersToneModel] = {}


def transformers_tone_model() -> TransformersToneModel:
    """The factory registered as TONE_BACKENDS["transformers"]: settings from the environment,
    one loaded model per distinct settings in a process."""
    settings = HFSettings.from_env()
    hit = _MODELS.get(settings)
    if hit is None:
        hit = _MODELS[settings] = TransformersToneModel(settings)
    return hit
