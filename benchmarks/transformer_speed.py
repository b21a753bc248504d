"""Transformer inference speed: framing's batched, length-bucketed inference vs a
plain ``transformers`` text-classification pipeline, and the int8 mode.

    python benchmarks/transformer_speed.py --model experiments/reference/stance_transformer_heldout_pair

Over the same (target, sentence) pairs — the stance examples of the corpus's fixed
held-out test articles — it prints pairs/s of each, whether the predicted labels
agree, and macro-F1 of full precision vs int8. Training examples/s of the
fine-tuning is in the run's log (``train_samples_per_second``).
"""

from __future__ import annotations

import argparse
import logging
import time

import numpy as np

from framing.corpus import load_corpus
from framing.evaluation import macro_f1
from framing.models import load_saved_model
from framing.run import resolve_path
from framing.segment import Segmenter
from framing.tasks import columns, corpus_examples

log = logging.getLogger("benchmarks.transformer_speed")


def timed(fn, repeats: int = 1):
    best, out = float("inf"), None
    for _ in range(repeats):
        t = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t)
    return out, best


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--model", required=True, help="a run or model folder of a stance transformer")
    ap.add_argument("--data", default="data/syria")
    ap.add_argument("--batch-size", type=int, default=64)
    ap.add_argument("--repeats", type=int, default=2)
    args = ap.parse_args()
    logging.basicConfig(level=logging.WARNING)
    import torch
    from transformers import pipeline

    model, manifest = load_saved_model(args.model)
    if manifest["kind"] != "transformer" or manifest["task"] != "stance":
        raise SystemExit(
            f"{args.model}: need a stance transformer model, got {manifest['kind']} {manifest['task']}"
        )
    corpus = load_corpus(resolve_path(args.data))
    ds = corpus_examples(corpus, "stance", Segmenter(manifest["actors"]), manifest["labels"])
    test = set(corpus.test_ids)
    idx = [i for i, a in enumerate(columns(ds, ["article_id"])["article_id"]) if a in test]
    examples = ds.select(idx)
    c = columns(examples, ["sentence", "actor", "label"])
    n = len(idx)
    labels = manifest["labels"]
    print(
        f"{n} (target, sentence) pairs from the held-out test articles; torch threads {torch.get_num_threads()}; "
        f"input format {model.input_format}"
    )

    proba, t_ours = timed(
        lambda: model.predict_proba(examples, batch_size=args.batch_size), args.repeats
    )
    ours = [labels[j] for j in proba.argmax(axis=1)]

    texts, pairs = model.encode_inputs(examples)
    inputs = (
        [{"text": t, "text_pair": p} for t, p in zip(texts, pairs, strict=True)] if pairs else texts
    )
    clf = pipeline(
        "text-classification",
        model=model.model,
        tokenizer=model.tokenizer,
        device=-1,
        truncation=True,
        max_length=model.max_length,
    )
    out_plain, t_plain = timed(lambda: clf(inputs, batch_size=args.batch_size), args.repeats)
    plain = [o["label"] for o in out_plain]
    out_one, t_one = timed(lambda: clf(inputs[: min(n, 200)], batch_size=1), 1)
    t_one_all = t_one * n / min(n, 200)

    qmodel, _ = load_saved_model(args.model)
    qmodel.quantize_int8()
    qproba, t_int8 = timed(
        lambda: qmodel.predict_proba(examples, batch_size=args.batch_size), args.repeats
    )
    qpred = [labels[j] for j in qproba.argmax(axis=1)]

    agree = np.mean([a == b for a, b in zip(ours, plain, strict=True)])
    f1_full = macro_f1(c["label"], ours, labels)
    f1_int8 = macro_f1(c["label"], qpred, labels)
    header = f"speed-up vs pipeline (batch {args.batch_size})"
    print(f"| inference | pairs/s | {header} | macro-F1 on the test split |")
    print("|---|---|---|---|")
    print(
        f"| transformers pipeline, batch_size=1 | {n / t_one_all:,.1f} | {t_plain / t_one_all:.2f}x | — |"
    )
    print(
        f"| transformers pipeline, batch_size={args.batch_size} | {n / t_plain:,.1f} | 1.00x | {macro_f1(c['label'], plain, labels):.3f} |"
    )
    print(
        f"| framing (length-bucketed batches) | {n / t_ours:,.1f} | {t_plain / t_ours:.2f}x | {f1_full:.3f} |"
    )
    print(
        f"| framing int8 (dynamic quantisation) | {n / t_int8:,.1f} | {t_plain / t_int8:.2f}x | {f1_int8:.3f} |"
    )
    print(
        f"labels identical to the pipeline's: {agree:.1%}; int8 vs full precision: {100 * (f1_int8 - f1_full):+.1f} macro-F1 points"
    )


if __name__ == "__main__":
    main()
