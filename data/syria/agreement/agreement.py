"""Inter-annotator agreement on the double-annotated 10% sample.

    python data/syria/agreement/agreement.py                    # the corpus proper's sample
    python data/syria/agreement/agreement.py --split realistic  # a test-only split's (agreement/realistic/)

Prints kappas, writes ``agreement.json`` and ``disagreements.jsonl`` beside the sample:

* stance: Cohen's kappa over every (sentence, actor) pair that either annotator
  labelled, with "not about" as a fourth category (so disagreeing on *whether* a
  sentence is about an actor counts), and over the pairs both labelled;
* frames: Cohen's kappa over the sentences' primary frames.

A test-only split's report also holds, per actor, how many pairs each annotator
listed and how many labels agree; actor presence (one item per sentence and actor,
listed or not, section 6 of the guidelines); and the sense of the lexicon's alias
mentions: for every (sentence, actor) where an alias of the actor occurs, whether each
annotator listed the actor, against the lexicon's sense rules ("Moscow" the place,
"Russian" the language, another country's "regime" are ``not_actor``). The corpus
proper's report keeps the keys it was published with, plus ``pair_finding``.

Both reports hold ``pair_finding``: which (sentence, actor) pairs exist at all, as
precision and recall of one rater's pairs against another's, for the second annotator
against the first (the human ceiling of pair finding) and for the lexicon
(:func:`framing.pairs.found_pairs`: aliases, senses, role nouns, carry-over) against
each annotator's independent labels.

Disagreements are written to ``disagreements.jsonl`` for adjudication.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from sample import sample_dir  # the sibling script: where a sample and its labels live
from sklearn.metrics import cohen_kappa_score

from framing.annotate.agreement import cohen_pairs
from framing.corpus import Corpus, load_corpus
from framing.io import write_jsonl
from framing.segment import Segmenter

HERE = Path(__file__).resolve().parent
ABSENT = "not_about"


def load_first(corpus: Corpus) -> dict[str, dict]:
    """The first annotator's labels by sample id (before any adjudication)."""
    out = {}
    for ann in corpus.annotations:
        key = f"{ann.article_id}:{ann.start}-{ann.end}"
        first = ann.meta.get("first_annotation") or {"frame": ann.frame, "stance": ann.stance}
        out[key] = {"text": ann.text, **first}
    return out


def score(first: dict[str, dict], second: list[dict]) -> tuple[dict, list[dict]]:
    """The published agreement figures and the disagreements, one row per sentence."""
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
    return report, disagreements


def _kappa(ratings: dict, a: str = "first", b: str = "second") -> dict:
    """Cohen's kappa, item count and raw agreement of two raters (3 decimals)."""
    pairs = cohen_pairs({k: {a: r[a], b: r[b]} for k, r in ratings.items()})
    got = pairs.get(f"{a}|{b}") or pairs.get(f"{b}|{a}")
    if got is None:
        return {"kappa": None, "n": 0, "agreement": None}
    kappa = None if got["kappa"] is None else round(got["kappa"], 3)
    return {"kappa": kappa, "n": got["n"], "agreement": round(got["agreement"], 3)}


def per_actor(first: dict[str, dict], second: list[dict], actors: list[str]) -> dict:
    """Per actor: pairs each annotator listed, listed by both, same label, presence kappa."""
    out = {}
    for actor in actors:
        a = [first[rec["id"]]["stance"].get(actor) for rec in second]
        b = [rec["stance"].get(actor) for rec in second]
        both = [(x, y) for x, y in zip(a, b, strict=True) if x and y]
        out[actor] = {
            "first": sum(x is not None for x in a),
            "second": sum(y is not None for y in b),
            "both": len(both),
            "same_label": sum(x == y for x, y in both),
        }
    return out


def presence(first: dict[str, dict], second: list[dict], actors: list[str]) -> dict:
    """Actor presence: one item per (sentence, actor), listed or not, for every actor."""
    ratings = {
        (rec["id"], actor): {
            "first": str(actor in first[rec["id"]]["stance"]),
            "second": str(actor in rec["stance"]),
        }
        for rec in second
        for actor in actors
    }
    return _kappa(ratings)


def segmented(corpus: Corpus, second: list[dict], segmenter: Segmenter) -> dict[str, list]:
    """The sentences of every sampled article, segmented once for all the measures."""
    ids = sorted({rec["id"].rsplit(":", 1)[0] for rec in second})
    return {
        article_id: segmenter.segment(corpus.articles[article_id]).sentences for article_id in ids
    }


def alias_senses(first: dict[str, dict], second: list[dict], sentences: dict[str, list]) -> dict:
    """For every sampled (sentence, actor) where the lexicon finds an alias of the actor:
    whether each annotator listed the actor, against the lexicon's sense of the mention
    (``actor`` when any of the actor's alias mentions there has that sense)."""
    spans: dict[str, list[tuple[int, int, str]]] = {}
    for rec in second:
        article_id, span = rec["id"].rsplit(":", 1)
        start, end = (int(x) for x in span.split("-"))
        spans.setdefault(article_id, []).append((start, end, rec["id"]))
    ratings: dict[tuple[str, str], dict[str, str]] = {}
    by_id = {rec["id"]: rec for rec in second}
    for article_id, wanted in spans.items():
        mentions = [m for s in sentences[article_id] for m in s.mentions if m.how == "alias"]
        for start, end, key in wanted:
            for m in mentions:
                if m.start < start or m.end > end:
                    continue
                item = ratings.setdefault(
                    (key, m.actor),
                    {
                        "first": "actor" if m.actor in first[key]["stance"] else "not_actor",
                        "second": "actor" if m.actor in by_id[key]["stance"] else "not_actor",
                        "lexicon": "not_actor",
                    },
                )
                if m.is_actor:
                    item["lexicon"] = "actor"
    count = {
        rater: sum(r[rater] == "not_actor" for r in ratings.values())
        for rater in ("first", "second", "lexicon")
    }
    return {
        "items": len(ratings),
        "not_actor": count,
        "first_second": _kappa(ratings),
        "first_lexicon": _kappa(ratings, "first", "lexicon"),
        "second_lexicon": _kappa(ratings, "second", "lexicon"),
        "disagreements": [
            {"id": key, "actor": actor, **r}
            for (key, actor), r in sorted(ratings.items())
            if len(set(r.values())) > 1
        ],
    }


def _pr(pred: dict[str, set[str]], ref: dict[str, set[str]]) -> dict:
    tp = sum(len(pred[k] & ref[k]) for k in ref)
    n_pred, n_ref = sum(len(v) for v in pred.values()), sum(len(v) for v in ref.values())
    return {
        "precision": round(tp / n_pred, 3) if n_pred else None,
        "recall": round(tp / n_ref, 3) if n_ref else None,
        "tp": tp,
        "pairs": n_pred,
        "reference_pairs": n_ref,
    }


def pair_finding(first: dict[str, dict], second: list[dict], sentences: dict[str, list]) -> dict:
    """Pair precision/recall: second annotator vs first, lexicon vs each annotator."""
    from framing.pairs import found_pairs

    a = {rec["id"]: set(first[rec["id"]]["stance"]) for rec in second}
    b = {rec["id"]: set(rec["stance"]) for rec in second}
    lexicon: dict[str, set[str]] = {}
    for article_id, article_sentences in sentences.items():
        for s in article_sentences:
            key = f"{article_id}:{s.start}-{s.end}"
            if key in a:
                lexicon[key] = set(found_pairs(s))
    lexicon = {key: lexicon.get(key, set()) for key in a}  # a span the splitter lost: none
    return {
        "second_vs_first": _pr(b, a),
        "lexicon_vs_first": _pr(lexicon, a),
        "lexicon_vs_second": _pr(lexicon, b),
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--split", help="a test-only split of splits.json (default: the corpus proper)"
    )
    args = parser.parse_args(argv)
    here = sample_dir(args.split)
    corpus = load_corpus(HERE.parent)
    first = load_first(corpus)
    second = [
        json.loads(x)
        for x in (here / "second_annotator.jsonl").read_text(encoding="utf-8").splitlines()
        if x.strip()
    ]
    report, disagreements = score(first, second)
    sentences = segmented(corpus, second, Segmenter())
    if args.split is not None:
        actors = sorted({a for ann in corpus.annotations for a in ann.stance})
        report["per_actor"] = per_actor(first, second, actors)
        report["presence"] = presence(first, second, actors)
        report["alias_senses"] = alias_senses(first, second, sentences)
    report["pair_finding"] = pair_finding(first, second, sentences)
    write_jsonl(here / "disagreements.jsonl", disagreements)
    (here / "agreement.json").write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
