"""Classifier speed, one core: the embedded classifier vs natasha NER vs a rubert-tiny2-shaped BERT.

    python bench/classifiers.py [--mentions 50000] [--natasha-sample 1000] [--bert-sample 2000] [--json OUT]

* embedded: `EmbeddedClassifier.classify` on the demo's mentions (bench/classifier_speed.py's
  measurement: cold = fresh caches, best of --repeat; warm = the same classifier again);
* natasha: segmenter + NewsNERTagger, person spans only (name finding alone);
* BERT: `BertForSequenceClassification` with rubert-tiny2's shape (vocab 83,828, hidden 312,
  3 layers, 12 heads, intermediate 600, 3 labels) and random weights, no download. The tokenizer
  is a WordPiece trained here on the same texts (the `tokenizers` library, fast Rust tokenizer as
  rubert-tiny2's). Inference as in assets/classification/transformers_backend.py: batches of 32,
  padding, truncation at 512 tokens, torch.inference_mode, softmax. Its speed does not depend on
  the weights.

All timings are CPU seconds of this process with torch limited to one thread, so the figures are
per core.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from classifier_speed import demo_mentions, time_embedded, time_natasha  # noqa: E402

from assets.reference import load_reference  # noqa: E402


def time_bert(texts: list[str]) -> dict:
    import torch
    from tokenizers import BertWordPieceTokenizer
    from transformers import BertConfig, BertForSequenceClassification, PreTrainedTokenizerFast

    torch.set_num_threads(1)
    torch.manual_seed(0)
    wordpiece = BertWordPieceTokenizer(lowercase=False)
    wordpiece.train_from_iterator(texts, vocab_size=83_828, min_frequency=1)
    tokenizer = PreTrainedTokenizerFast(
        tokenizer_object=wordpiece._tokenizer,
        unk_token="[UNK]",
        pad_token="[PAD]",
        cls_token="[CLS]",
        sep_token="[SEP]",
        mask_token="[MASK]",
        model_max_length=512,
    )
    config = BertConfig(
        vocab_size=83_828,
        hidden_size=312,
        num_hidden_layers=3,
        num_attention_heads=12,
        intermediate_size=600,
        max_position_embeddings=2048,
        num_labels=3,
    )
    model = BertForSequenceClassification(config).eval()
    params = sum(p.numel() for p in model.parameters())
    start = time.process_time()
    tokens = 0
    for first in range(0, len(texts), 32):
        batch = texts[first : first + 32]
        enc = tokenizer(batch, padding=True, truncation=True, max_length=512, return_tensors="pt")
        tokens += int(enc["attention_mask"].sum())
        with torch.inference_mode():
            torch.softmax(model(**enc).logits, dim=-1).tolist()
    seconds = time.process_time() - start
    return {
        "what": f"BERT of rubert-tiny2's shape, random weights ({params / 1e6:.1f} M parameters, batch 32, 1 thread)",
        "items": len(texts),
        "seconds": seconds,
        "tokens_per_text": tokens / len(texts),
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--mentions", type=int, default=50_000)
    ap.add_argument("--natasha-sample", type=int, default=1_000)
    ap.add_argument("--bert-sample", type=int, default=2_000)
    ap.add_argument("--repeat", type=int, default=2)
    ap.add_argument("--json", type=Path)
    args = ap.parse_args(argv)
    reference = load_reference()
    mentions = demo_mentions(args.mentions, reference)
    cold, warm = time_embedded(mentions, reference, args.repeat)
    rows = [{"what": s.what, "items": s.items, "seconds": s.seconds} for s in (cold, warm)]
    # the same sample for natasha and BERT: every k-th mention, so all weeks and kinds appear
    step = max(1, len(mentions) // max(args.natasha_sample, args.bert_sample, 1))
    sample = [m.text for m in mentions[::step]]
    nat = time_natasha(sample[: args.natasha_sample])
    if isinstance(nat, str):
        rows.append({"what": nat, "items": 0, "seconds": 0.0})
    else:
        rows.append({"what": nat.what, "items": nat.items, "seconds": nat.seconds})
    rows.append(time_bert(sample[: args.bert_sample]))
    for r in rows:
        r["per_second"] = r["items"] / r["seconds"] if r["seconds"] else 0.0
        print(f"{r['what']}: {r['items']} in {r['seconds']:.2f} CPU s = {r['per_second']:,.0f}/s")
    if args.json:
        args.json.write_text(json.dumps(rows, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
