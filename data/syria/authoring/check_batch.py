"""Quick self-check for an authoring batch file (used while writing the corpus).

Usage: python data/syria/authoring/check_batch.py data/syria/authoring/batch_1.jsonl
"""

from __future__ import annotations

import collections
import json
import sys

ACTORS = {"Russia", "HTS", "Assad"}
STANCES = {"positive", "neutral", "negative"}
FRAMES = {
    "economic",
    "capacity_and_resources",
    "morality",
    "fairness_and_equality",
    "legality_constitutionality_jurisprudence",
    "policy_prescription_and_evaluation",
    "crime_and_punishment",
    "security_and_defense",
    "health_and_safety",
    "quality_of_life",
    "cultural_identity",
    "public_opinion",
    "political",
    "external_regulation_and_reputation",
    "other",
}
REQUIRED = ("id", "source", "genre", "date", "title", "paragraphs")


def main(path: str) -> int:
    errors = 0
    n_sent = 0
    pairs: collections.Counter[tuple[str, str]] = collections.Counter()
    frames: collections.Counter[str] = collections.Counter()
    multi_diff = 0
    with open(path, encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                art = json.loads(line)
            except json.JSONDecodeError as exc:
                print(f"{path}:{lineno}: invalid JSON: {exc}")
                errors += 1
                continue
            for key in REQUIRED:
                if key not in art:
                    print(f"{path}:{lineno}: {art.get('id')}: missing {key!r}")
                    errors += 1
            for p, para in enumerate(art.get("paragraphs", [])):
                for s, sent in enumerate(para):
                    where = f"{path}:{lineno}: {art.get('id')} para {p} sent {s}"
                    n_sent += 1
                    if sent.get("frame") not in FRAMES:
                        print(f"{where}: unknown frame {sent.get('frame')!r}")
                        errors += 1
                    frames[sent.get("frame")] += 1
                    stance = sent.get("stance", {})
                    for actor, label in stance.items():
                        if actor not in ACTORS or label not in STANCES:
                            print(f"{where}: bad stance {actor!r}: {label!r}")
                            errors += 1
                        pairs[(actor, label)] += 1
                    if len(stance) >= 2 and len(set(stance.values())) >= 2:
                        multi_diff += 1
    total = sum(pairs.values())
    print(f"sentences={n_sent} pairs={total} multi-actor-differing={multi_diff}")
    for actor in sorted(ACTORS):
        row = {lab: pairs[(actor, lab)] for lab in sorted(STANCES)}
        print(f"  {actor:7s} {row} total={sum(row.values())}")
    for lab in sorted(STANCES):
        n = sum(v for (_actor, label), v in pairs.items() if label == lab)
        print(f"  {lab:9s} {n} ({100 * n / max(total, 1):.0f}%)")
    print("  frames:", dict(frames.most_common()))
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
