"""Inter-annotator agreement on the double-annotated 10% sample.

    python data/syria/agreement/agreement.py         # prints kappas, writes disagreements.jsonl

* stance: Cohen's kappa over every (sentence, actor) pair that either annotator
  labelled, with "not about" as a fourth category (so disagreeing on *whether* a
  sentence is about an actor counts), and over the pairs both labelled;
* frames: Cohen's kappa over the sentences' primary frames.

Disagreements are written to ``disagreements.jsonl`` for adjudication.
"""

from __future__ import annotations

import json
from pathlib import Path

from sklearn.metrics import cohen_kappa_score

from framing.corpus import load_corpus
from framing.io import write_jsonl

HERE = Path(__file__).resolve().parent
ABSENT = "not_about"


def load_first() -> dict[str, dict]:
    corpus = load_corpus(HERE.parent)
    out = {}
    for ann in corpus.annotations:
        key = f"{ann.article_id}:{ann.start}-{ann.end}"
        first = ann.meta.get("first_annotation") or {"frame": ann.frame, "stance": ann.stance}
        out[key] = {"text": ann.text, **first}
    return out


def main() -> None:
    first = load_first()
    second = [
        json.loads(x)
        for x in (HERE / "second_annotator.jsonl").read_text(encoding="utf-8").splitlines()
        if x.strip()
    ]
    s_union_a, s_union_b, s_both_a, s_both_b, f_a, f_b = [], [], [], [], [], []
    disagreements = []
    for rec in second:
        a = first[rec["id"]]
        f_a.append(a["frame"])
        f_b.append(rec["frame"])
        actors = sorted(set(a["stance"]) | set(rec["stance"]))
        diff = {}
        for actor in actors:
            la, lb = a["stance"].get(actor, ABSENT), rec["stance"].get(actor, ABSENT)
            s_union_a.append(la)
            s_union_b.append(lb)
            if la != ABSENT and lb != ABSENT:
                s_both_a.append(la)
                s_both_b.append(lb)
            if la != lb:
                diff[actor] = [la, lb]
        if diff or a["frame"] != rec["frame"]:
            disagreements.append(
                {
                    "id": rec["id"],
                    "text": a["text"],
                    "frame": [a["frame"], rec["frame"]],
                    "stance": diff,
                }
            )
    report = {
        "sentences": len(second),
        "stance_pairs_union": len(s_union_a),
        "stance_kappa_union": round(cohen_kappa_score(s_union_a, s_union_b), 3),
        "stance_pairs_both": len(s_both_a),
        "stance_kappa_both": round(cohen_kappa_score(s_both_a, s_both_b), 3),
        "stance_agreement_both": round(
            sum(x == y for x, y in zip(s_both_a, s_both_b, strict=True)) / max(len(s_both_a), 1), 3
        ),
        "frame_kappa": round(cohen_kappa_score(f_a, f_b), 3),
        "frame_agreement": round(sum(x == y for x, y in zip(f_a, f_b, strict=True)) / len(f_a), 3),
        "sentences_with_disagreement": len(disagreements),
    }
    write_jsonl(HERE / "disagreements.jsonl", disagreements)
    (HERE / "agreement.json").write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
