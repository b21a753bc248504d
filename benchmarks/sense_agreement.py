"""Agreement of two annotators on mention senses, and the rules against each.

    python benchmarks/sense_agreement.py data/senses/sense_cases.jsonl \
        data/senses/second_annotator.jsonl --part test14,test15

The first file is the sense test set (the writer's labels, annotator A); the second holds
another annotator's labels for some of its cases (``id``, ``sense``, ``sense_reason``),
made without seeing A's. Prints, over the cases both labelled: the share of equal senses
and Cohen's kappa (``actor`` / ``not_actor``), the same over the six labels (``actor`` or
a reason), and the rules' pair outcome (as in ``benchmarks/sense_rules.py``) scored
against A, against B, and on the cases where A and B agree: the human agreement is the
ceiling a fresh-case score can be read against. Asserts nothing.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from sense_rules import makes_pair
from sklearn.metrics import cohen_kappa_score

from framing.actors import load_lexicon
from framing.input_files import iter_jsonl
from framing.io import RecordError
from framing.segment import Segmenter
from framing.senses import read_sense_cases


def read_second(path: Path) -> dict[str, dict]:
    """The second annotator's labels by case id; a bad line raises naming it."""
    labels = {}
    for lineno, rec in iter_jsonl(path):
        if isinstance(rec, RecordError):
            raise SystemExit(str(rec))
        if "id" not in rec or "sense" not in rec:
            raise SystemExit(f"{path}:{lineno}: a label record needs 'id' and 'sense'")
        labels[str(rec["id"])] = {
            "sense": str(rec["sense"]),
            "sense_reason": rec.get("sense_reason") or "",
        }
    return labels


def label(sense: str, reason: str | None) -> str:
    return sense if sense == "actor" else f"not_actor:{reason or ''}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("cases", help="sense cases JSONL (annotator A)")
    parser.add_argument(
        "second", help="the second annotator's labels (JSONL: id, sense, sense_reason)"
    )
    parser.add_argument(
        "--part", default=None, help="comma-separated parts (default: every case B labelled)"
    )
    parser.add_argument("--actors", default=None, help="actor config (default: the packaged one)")
    args = parser.parse_args()
    second = read_second(Path(args.second))
    parts = set(args.part.split(",")) if args.part else None
    cases = [
        c
        for c in read_sense_cases(args.cases)
        if c["id"] in second and (parts is None or c.get("part") in parts)
    ]
    if not cases:
        parser.error(f"{args.second}: no labelled case in {args.cases} (parts {args.part})")
    a = [c["sense"] for c in cases]
    b = [second[c["id"]]["sense"] for c in cases]
    a6 = [label(c["sense"], c.get("sense_reason")) for c in cases]
    b6 = [label(second[c["id"]]["sense"], second[c["id"]]["sense_reason"]) for c in cases]
    same = sum(x == y for x, y in zip(a, b, strict=True))
    same6 = sum(x == y for x, y in zip(a6, b6, strict=True))
    n = len(cases)
    print(f"{n} cases labelled by both")
    print(f"sense: agreement {same / n:.3f}, Cohen's kappa {cohen_kappa_score(a, b):.3f}")
    print(
        f"sense and reason (6 labels): agreement {same6 / n:.3f}, "
        f"Cohen's kappa {cohen_kappa_score(a6, b6):.3f}"
    )
    segmenter = Segmenter(load_lexicon(args.actors))
    made = [makes_pair(c, segmenter) for c in cases]  # the rules' decision, once per case
    right_a = [m == (x == "actor") for m, x in zip(made, a, strict=True)]
    right_b = [m == (y == "actor") for m, y in zip(made, b, strict=True)]
    agreed = [r for r, x, y in zip(right_a, a, b, strict=True) if x == y]
    print(f"rules' pair outcome against A: {sum(right_a) / n:.3f}")
    print(f"rules' pair outcome against B: {sum(right_b) / n:.3f}")
    print(
        f"rules' pair outcome where A and B agree ({len(agreed)}): "
        f"{sum(agreed) / len(agreed) if agreed else 0.0:.3f}"
    )


if __name__ == "__main__":
    main()
