"""Time on one long unpunctuated sentence: the context-window feature and ``predict``.

A sentence of N characters is built from ordinary words with an actor name about
every 20 words and no sentence-ending punctuation, so the splitter keeps it whole.
Printed per size:

* ``features`` — seconds for :func:`framing.models.features.target_columns` over the
  (sentence, actor) pairs of that sentence (every mention of the actor marked and
  windowed), the part that was quadratic (issue #15, finding 4);
* ``predict``  — seconds for :func:`framing.predict.predict_files` with a stance
  TF-IDF model over one article holding the sentence (``--model``: a saved run or
  model folder, loaded once beforehand, its load time printed apart; without it this
  step is skipped).

``--ref GIT_REF`` times the feature of another commit's ``framing/models/features.py``
side by side (e.g. the commit before the fix), with ``--ref-max`` capping the sizes
it is run on (the old code takes minutes from 100k characters).

    python benchmarks/long_sentence.py [--sizes 25000 100000 1000000]
        [--model RUN_OR_MODEL_DIR] [--ref GIT_REF] [--ref-max 100000]

It prints figures; it does not assert anything.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import logging
import random
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORDS = [
    "the",
    "talks",
    "in",
    "the",
    "capital",
    "went",
    "on",
    "while",
    "officials",
    "and",
    "residents",
    "waited",
    "for",
    "news",
    "of",
    "aid",
    "convoys",
    "reconstruction",
    "prices",
    "elections",
    "detainees",
    "returning",
    "families",
    "and",
    "the",
    "security",
    "forces",
    "on",
    "the",
    "roads",
    "between",
    "the",
    "northern",
    "and",
    "southern",
    "provinces",
]
ACTORS = ["Russia", "HTS", "Assad", "the Kremlin", "al-Sharaa", "the former regime"]


def long_sentence(n_chars: int, seed: int = 0) -> str:
    rng = random.Random(seed)
    out: list[str] = []
    size = 0
    while size < n_chars:
        word = rng.choice(ACTORS) if rng.random() < 0.05 else rng.choice(WORDS)
        out.append(word)
        size += len(word) + 1
    return " ".join(out)[:n_chars].rstrip()


def _pairs(sentence: str) -> tuple[list[str], list, list]:
    """(sentence, target spans, other spans) per actor named in the sentence."""
    spans: dict[str, list[list[int]]] = {}
    for actor in ACTORS:
        spans[actor] = [list(m.span()) for m in re.finditer(re.escape(actor), sentence)]
    sentences, targets, others = [], [], []
    for actor, mine in spans.items():
        sentences.append(sentence)
        targets.append(mine)
        others.append(sorted(s for a, v in spans.items() if a != actor for s in v))
    return sentences, targets, others


def _features_module(ref: str | None):
    if ref is None:
        from framing.models import features

        return features
    source = subprocess.run(
        ["git", "show", f"{ref}:framing/models/features.py"],
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    path = Path(tempfile.mkdtemp()) / "features_ref.py"
    path.write_text(source)
    spec = importlib.util.spec_from_file_location("features_ref", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def time_features(module, sentence: str) -> tuple[float, list[str]]:
    sentences, targets, others = _pairs(sentence)
    started = time.perf_counter()
    _, window = module.target_columns(sentences, targets, others, "replace", 5)
    return time.perf_counter() - started, window


def time_predict(model, sentence: str, workdir: Path) -> tuple[float, int]:
    from framing.predict import predict_files

    src = workdir / "in.jsonl"
    src.write_text(json.dumps({"id": f"long{len(sentence)}", "text": sentence}) + "\n")
    started = time.perf_counter()
    stats = predict_files([src], workdir / "out.jsonl", [model], progress=False)
    return time.perf_counter() - started, stats.rows


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[25_000, 100_000, 1_000_000])
    parser.add_argument("--model", type=Path, help="saved stance run or model folder")
    parser.add_argument("--ref", help="git ref whose features.py is timed too")
    parser.add_argument("--ref-max", type=int, default=100_000)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    current = _features_module(None)
    model = None
    if args.model:
        from framing.predict import load_model

        started = time.perf_counter()
        model = load_model(args.model)
        print(f"model {model.model_id} loaded in {time.perf_counter() - started:.1f} s")
    old = _features_module(args.ref) if args.ref else None
    print(
        "| characters | mentions | features (s) | "
        + ("ref features (s) | same | " if old else "")
        + ("predict (s) | rows |" if args.model else "")
    )
    for n in args.sizes:
        sentence = long_sentence(n)
        n_mentions = sum(len(t) for t in _pairs(sentence)[1])
        seconds, window = time_features(current, sentence)
        row = [f"{n:,}", str(n_mentions), f"{seconds:.2f}"]
        if old:
            if n <= args.ref_max:
                ref_seconds, ref_window = time_features(old, sentence)
                row += [f"{ref_seconds:.2f}", str(ref_window == window)]
            else:
                row += ["not run", ""]
        if args.model:
            with tempfile.TemporaryDirectory() as tmp:
                p_seconds, rows = time_predict(model, sentence, Path(tmp))
            row += [f"{p_seconds:.2f}", str(rows)]
        print("| " + " | ".join(row) + " |")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
