"""Sentence splitting on real news with gold sentences: the Wikinews documents of GUM.

Data: UD English GUM (Georgetown University Multilayer corpus, CC BY-NC-SA 4.0; its news
are Wikinews articles), one CoNLL-U file per document, not shipped; get it once::

    git clone https://github.com/UniversalDependencies/UD_English-GUM
    mkdir -p ~/.cache/framing/gum_news
    cp UD_English-GUM/not-to-release/sources/GUM_news_*.conllu ~/.cache/framing/gum_news/

Each document is rebuilt from its sentences (the ``# text`` lines): a space between the
sentences of a paragraph, a blank line where ``# newpar`` opens one. A splitter gets the
document's text; scored are the sentence ends inside paragraphs (a paragraph's end is
given by its blank line): precision, recall and F1, and the share of gold sentences whose
span the splitter reproduces exactly. GUM's split of the 24 news documents is kept:
test ``nasa`` and ``sensitive``, dev ``homeopathic`` and ``iodine``, train the rest::

    python benchmarks/sentence_boundaries.py --split train dev     # choose here
    python benchmarks/sentence_boundaries.py --split test --candidates sentencex+passes
    python benchmarks/sentence_boundaries.py --split train dev --errors sentencex+passes
"""

from __future__ import annotations

import argparse
import json
import logging
import re
from dataclasses import dataclass
from pathlib import Path

from framing.io import atomic_write
from framing.pairs import prf
from framing.text.sentences import BACKENDS, SentenceSplitter

log = logging.getLogger("sentence_boundaries")

DEFAULT_DIR = Path("~/.cache/framing/gum_news").expanduser()
SPLITS = {"test": {"nasa", "sensitive"}, "dev": {"homeopathic", "iodine"}}
_DOC = re.compile(r"GUM_news_(\w+)\.conllu$")


@dataclass
class Document:
    name: str
    text: str
    sentences: list[tuple[int, int]]  # gold spans in ``text``
    paragraph_ends: set[int]


def split_of(name: str) -> str:
    return next((split for split, names in SPLITS.items() if name in names), "train")


def read_document(path: Path) -> Document:
    """The document's text rebuilt from its ``# text`` lines, with the gold spans."""
    text, spans, paragraph_ends = "", [], set()
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("# newpar") and not line.startswith("# newpar_"):
            if text:
                paragraph_ends.add(len(text))
                text += "\n\n"
        elif line.startswith("# text = "):
            sentence = line[len("# text = ") :].strip()
            if text and not text.endswith("\n\n"):
                text += " "
            spans.append((len(text), len(text) + len(sentence)))
            text += sentence
    paragraph_ends.add(len(text))
    return Document(_DOC.search(path.name).group(1), text, spans, paragraph_ends)


def candidates() -> dict[str, SentenceSplitter]:
    out = {}
    for backend in BACKENDS:
        for prepass in (True, False):
            name = f"{backend}+passes" if prepass else backend
            try:
                out[name] = SentenceSplitter(backend, prepass=prepass)
            except ImportError as exc:  # an optional backend that is not installed
                log.warning("skipping %s: %s", name, exc)
    return out


def score(splitter: SentenceSplitter, docs: list[Document]) -> dict[str, object]:
    tp = fp = fn = exact = total = 0
    errors = []
    for doc in docs:
        predicted = splitter.spans(doc.text)
        gold_ends = {end for _, end in doc.sentences} - doc.paragraph_ends
        found_ends = {end for _, end in predicted} - doc.paragraph_ends
        tp += len(gold_ends & found_ends)
        fp += len(found_ends - gold_ends)
        fn += len(gold_ends - found_ends)
        exact += len(set(doc.sentences) & set(predicted))
        total += len(doc.sentences)
        for end in sorted(found_ends ^ gold_ends):
            kind = "split" if end in found_ends else "missed"
            errors.append(
                {"doc": doc.name, "kind": kind, "at": doc.text[max(0, end - 60) : end + 40]}
            )
    return {
        **prf(tp, fp, fn),
        "exact_sentences": round(exact / total, 4) if total else 0.0,
        "sentences": total,
        "boundaries": tp + fn,
        "errors": errors,
    }


def main(argv: list[str] | None = None) -> None:
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DIR)
    parser.add_argument("--split", nargs="+", choices=["train", "dev", "test"], default=["dev"])
    parser.add_argument("--candidates", nargs="+", help="default: every installed one")
    parser.add_argument("--errors", metavar="CANDIDATE", help="print this candidate's errors")
    parser.add_argument("--out", type=Path, help="write the scores and errors as JSON")
    args = parser.parse_args(argv)
    paths = sorted(args.data.glob("GUM_news_*.conllu"))
    if not paths:
        parser.error(f"no GUM_news_*.conllu in {args.data} (see this script's docstring)")
    docs = [read_document(p) for p in paths]
    docs = [d for d in docs if split_of(d.name) in args.split]
    splitters = candidates()
    names = args.candidates or list(splitters)
    unknown = sorted(set(names) - set(splitters))
    if unknown:
        parser.error(f"unknown candidates {unknown}; choose from {sorted(splitters)}")
    results = {name: score(splitters[name], docs) for name in names}
    print(
        f"{len(docs)} documents, {results[names[0]]['sentences']} sentences, "
        f"{results[names[0]]['boundaries']} boundaries inside paragraphs"
    )
    print(f"{'candidate':<20}{'P':>8}{'R':>8}{'F1':>8}{'exact':>8}")
    for name, r in results.items():
        print(
            f"{name:<20}{r['precision']:>8.3f}{r['recall']:>8.3f}{r['f1']:>8.3f}"
            f"{r['exact_sentences']:>8.3f}"
        )
    if args.errors:
        for e in results[args.errors]["errors"]:
            print(f"{e['kind']:>6} {e['doc']}: {e['at']!r}")
    if args.out:
        with atomic_write(args.out) as fh:
            json.dump({"split": args.split, "results": results}, fh, indent=1)


if __name__ == "__main__":
    main()
