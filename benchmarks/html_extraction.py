"""Main-text extraction from real saved web pages, scored against people's gold text.

Data: the article-extraction benchmark of Scrapinghub/Zyte (MIT licence; 181 news and blog
pages saved as ``html/<id>.html.gz``, gold ``articleBody`` in ``ground-truth.json``).
It is not shipped; get it once, outside the repository::

    # e.g. with git: git clone https://github.com/scrapinghub/article-extraction-benchmark
    mkdir -p ~/.cache/framing/aeb
    git -C article-extraction-benchmark archive HEAD html ground-truth.json | tar -x -C ~/.cache/framing/aeb

Each page goes through framing's own reader (:func:`framing.html_reader.read_html`, the
trafilatura options of each candidate) and then framing's cleaner
(:func:`framing.text.clean.clean_article`); the text scored is the body framing splits into
sentences. The score is the benchmark's own (its ``evaluate.py``): word 4-gram shingles
matched with counts, each page's TP/FP/FN normalised to sum 1, precision and recall the
mean over pages, F1 of the two means. Also counted: pages lost (the reader gave an error)
and pages whose shingle recall is under 0.5 (most of the article missing).

The pages are split by id (a sha256 in hex: first digit 0–7 dev, 8–f test) so extraction
settings can be chosen on dev and test read once::

    python benchmarks/html_extraction.py --split dev
    python benchmarks/html_extraction.py --split test --candidates current balanced
"""

from __future__ import annotations

import argparse
import json
import logging
import re
import statistics
from collections import Counter
from pathlib import Path

from tqdm import tqdm

from framing.html_reader import BALANCED, EXTRACTION_OPTIONS, PRECISION, read_html
from framing.io import RecordError, atomic_write
from framing.text.clean import clean_article

log = logging.getLogger("html_extraction")

DEFAULT_DIR = Path("~/.cache/framing/aeb").expanduser()
RECALL = {**BALANCED, "favor_recall": True}
TABLES = {"include_tables": True}
# each candidate: the trafilatura option sets read_html tries in turn
CANDIDATES: dict[str, tuple[dict[str, bool], ...]] = {
    "current": tuple(dict(o) for o in EXTRACTION_OPTIONS),
    "precision": (PRECISION,),
    "balanced": (BALANCED,),
    "favor_recall": (RECALL,),
    "precision+tables": ({**PRECISION, **TABLES},),
    "balanced+tables": ({**BALANCED, **TABLES},),
    "favor_recall+tables": ({**RECALL, **TABLES},),
}
_TOKEN = re.compile(r"\w+")


def shingles(text: str, n: int = 4) -> Counter[tuple[str, ...]]:
    tokens = _TOKEN.findall(text or "")
    # as the benchmark's own: a text shorter than n words is one shorter shingle, none if empty
    grams = (tuple(tokens[i : i + n]) for i in range(max(1, len(tokens) - n + 1)))
    return Counter(g for g in grams if g)


def page_counts(true: str, pred: str) -> tuple[float, float, float]:
    """The benchmark's per-page TP/FP/FN over 4-gram shingles, normalised to sum 1."""
    t, p = shingles(true), shingles(pred)
    tp = sum((t & p).values())
    fp = sum((p - t).values())
    fn = sum((t - p).values())
    total = tp + fp + fn
    return (tp / total, fp / total, fn / total) if total else (0.0, 0.0, 0.0)


def _precision(tp: float, fp: float, fn: float) -> float:
    if fp == fn == 0:
        return 1.0
    return 0.0 if tp == fp == 0 else tp / (tp + fp)


def _recall(tp: float, fp: float, fn: float) -> float:
    if fp == fn == 0:
        return 1.0
    return 0.0 if tp == fn == 0 else tp / (tp + fn)


def scores(counts: list[tuple[float, float, float]]) -> dict[str, float]:
    # as the benchmark's own: precision over pages with output, recall over pages with gold
    precisions = [_precision(*c) for c in counts if c[0] + c[1] > 0]
    recalls = [_recall(*c) for c in counts if c[0] + c[2] > 0]
    precision = statistics.mean(precisions) if precisions else 0.0
    recall = statistics.mean(recalls) if recalls else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4)}


def split_of(item_id: str) -> str:
    return "dev" if item_id[0] in "01234567" else "test"


def analysed_text(path: Path, options: tuple[dict[str, bool], ...]) -> tuple[str, str, str | None]:
    """(extracted text, analysed text, error) for one page under ``options``."""
    article = next(read_html(path, options=options))
    if isinstance(article, RecordError):
        return "", "", article.reason
    return article.text, clean_article(article).text, None


def evaluate(bench: Path, split: str, candidates: list[str]) -> dict[str, dict[str, object]]:
    truth = json.loads((bench / "ground-truth.json").read_text(encoding="utf-8"))
    ids = sorted(i for i in truth if split == "all" or split_of(i) == split)
    results: dict[str, dict[str, object]] = {}
    for name in candidates:
        options = CANDIDATES[name]
        extracted, analysed, lost, low = [], [], [], []
        for item_id in tqdm(ids, desc=name, unit="page"):
            gold = truth[item_id].get("articleBody", "")
            raw, text, error = analysed_text(bench / "html" / f"{item_id}.html.gz", options)
            if error:
                lost.append({"id": item_id, "url": truth[item_id].get("url"), "error": error})
            extracted.append(page_counts(gold, raw))
            counts = page_counts(gold, text)
            analysed.append(counts)
            if _recall(*counts) < 0.5:
                low.append(item_id)
        results[name] = {
            "options": options,
            "pages": len(ids),
            "extracted": scores(extracted),
            "analysed": scores(analysed),
            "lost": lost,
            "recall_under_half": low,
        }
        log.info(
            "%s: analysed %s, extracted %s, %d lost, %d under half",
            name,
            results[name]["analysed"],
            results[name]["extracted"],
            len(lost),
            len(low),
        )
    return results


def main(argv: list[str] | None = None) -> None:
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--bench", type=Path, default=DEFAULT_DIR)
    parser.add_argument("--split", choices=["dev", "test", "all"], default="dev")
    parser.add_argument(
        "--candidates", nargs="+", choices=sorted(CANDIDATES), default=list(CANDIDATES)
    )
    parser.add_argument("--out", type=Path, help="write the scores and lost pages as JSON")
    args = parser.parse_args(argv)
    if not (args.bench / "ground-truth.json").is_file():
        parser.error(f"{args.bench} has no ground-truth.json (see this script's docstring)")
    results = evaluate(args.bench, args.split, args.candidates)
    print(f"{'candidate':<22}{'P':>8}{'R':>8}{'F1':>8}   extracted F1  lost  R<0.5")
    for name, r in results.items():
        a, e = r["analysed"], r["extracted"]
        print(
            f"{name:<22}{a['precision']:>8.3f}{a['recall']:>8.3f}{a['f1']:>8.3f}"
            f"   {e['f1']:>12.3f}{len(r['lost']):>6}{len(r['recall_under_half']):>7}"
        )
    if args.out:
        with atomic_write(args.out) as fh:
            json.dump({"split": args.split, "results": results}, fh, indent=1)


if __name__ == "__main__":
    main()
