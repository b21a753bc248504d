"""Pair finding scored against gold: which (sentence, actor) pairs does the lexicon find?

The gold pairs of an annotated sentence are the actors of its ``stance`` map; the
found pairs are the actors with a mention judged to be the actor
(:attr:`framing.corpus.Sentence.actors`). A found pair is credited to the best
way it was found in that sentence (alias, then role noun, then carry-over, then a
learned pair detector's ``model``, :mod:`framing.pair_detector`), so
precision and recall can be read per way of finding. Sentences are matched to
annotations by offsets; an annotation whose span is not a sentence of the
current splitter is skipped and counted.
"""

from __future__ import annotations

import collections
from collections.abc import Iterable
from typing import Any

from framing.corpus import Corpus, Sentence
from framing.segment import Segmenter

HOW_ORDER = ("alias", "role_noun", "carry_over", "model")
RULE_WAYS = frozenset(HOW_ORDER[:3])  # the lexicon's ways (``model``: a pair detector's)


def found_pairs(sentence: Sentence, ways: frozenset[str] | None = None) -> dict[str, str]:
    """``{actor: how}`` for the actors a sentence refers to, each by its best way of finding
    (``ways``: only mentions found one of these ways; default every way)."""
    out: dict[str, str] = {}
    for m in sentence.mentions:
        if not m.is_actor or (ways is not None and m.how not in ways):
            continue
        best = out.get(m.actor)
        if best is None or HOW_ORDER.index(m.how) < HOW_ORDER.index(best):
            out[m.actor] = m.how
    return out


def prf(tp: int, fp: int, fn: int) -> dict[str, float | int]:
    """Precision, recall and F1 (rounded to 4 places) with the counts behind them."""
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return {
        "precision": round(p, 4),
        "recall": round(r, 4),
        "f1": round(2 * p * r / (p + r), 4) if p + r else 0.0,
        "tp": tp,
        "fp": fp,
        "fn": fn,
    }


def pair_scores(
    corpus: Corpus,
    segmenter: Segmenter,
    article_ids: Iterable[str] | None = None,
    errors: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """Pair precision and recall, overall, per actor and per way of finding.

    ``article_ids`` limits the articles (default: every annotated one). When
    ``errors`` is a list, each missed or spurious pair is appended to it
    (article, sentence, actor, kind, evidence) for inspection.

    Per way of finding, ``precision`` is that of the pairs found that way and
    ``recall`` the share of all gold pairs found that way (they add up to the
    overall recall).
    """
    by_article = corpus.annotations_by_article()
    ids = list(article_ids) if article_ids is not None else sorted(by_article)
    counts: collections.Counter[tuple[str, str, str]] = collections.Counter()
    skipped = 0
    for art_id in ids:
        article = corpus.articles.get(art_id)
        if article is None:
            continue
        spans = {(a.start, a.end): a for a in by_article.get(art_id, [])}
        sentences = {(s.start, s.end): s for s in segmenter.segment(article).sentences}
        skipped += sum(1 for span in spans if span not in sentences)
        for span, ann in spans.items():
            sentence = sentences.get(span)
            if sentence is None:
                continue
            found, gold = found_pairs(sentence), set(ann.stance)
            for actor in set(found) | gold:
                how = found.get(actor, "")
                kind = "tp" if actor in found and actor in gold else "fp" if how else "fn"
                counts[(kind, actor, how)] += 1
                if kind != "tp" and errors is not None:
                    errors.append(
                        {
                            "article_id": art_id,
                            "start": span[0],
                            "actor": actor,
                            "kind": "spurious" if kind == "fp" else "missed",
                            "how": how,
                            "evidence": [m.surface for m in sentence.mentions if m.actor == actor],
                            "sentence": sentence.text,
                        }
                    )

    def total(kind: str, actor: str | None = None, how: str | None = None) -> int:
        return sum(
            n
            for (k, a, h), n in counts.items()
            if k == kind and (actor is None or a == actor) and (how is None or h == how)
        )

    actors = sorted({a for _, a, _ in counts})
    gold_all = total("tp") + total("fn")
    per_how = {}
    for how in HOW_ORDER:
        tp, fp = total("tp", how=how), total("fp", how=how)
        per_how[how] = {
            "precision": round(tp / (tp + fp), 4) if tp + fp else 0.0,
            "recall": round(tp / gold_all, 4) if gold_all else 0.0,
            "tp": tp,
            "fp": fp,
        }
    return {
        "articles": len(ids),
        "skipped_annotations": skipped,
        "overall": prf(total("tp"), total("fp"), total("fn")),
        "per_actor": {a: prf(total("tp", a), total("fp", a), total("fn", a)) for a in actors},
        "per_how": per_how,
    }


def split_ids(corpus: Corpus, split: str) -> list[str]:
    """Annotated article ids of ``train`` (in no held-out set: neither the fixed test split
    nor a test-only set such as ``realistic``), ``test`` (the fixed split), ``all``, or a
    test-only set by name."""
    annotated = sorted({a.article_id for a in corpus.annotations})
    if split == "all":
        return annotated
    if split == "train":
        never = {i for ids in corpus.test_sets.values() for i in ids}
        return [i for i in annotated if i not in never]
    if split == "test":
        chosen = set(corpus.test_ids)
    elif split in corpus.test_only:
        chosen = set(corpus.test_only[split])
    else:
        names = ", ".join(["train", "test", "all", *corpus.test_only])
        raise ValueError(f"split must be one of {names}, got {split!r}")
    return [i for i in annotated if i in chosen]


def prf_table(rows: Iterable[tuple[str, dict[str, Any]]], title: str = "") -> list[str]:
    """Markdown lines of a table of named :func:`prf` scores (a bold title above)."""
    lines = [f"**{title}**", ""] if title else []
    lines += ["| | precision | recall | F1 | tp | fp | fn |", "|---|---|---|---|---|---|---|"]
    for name, s in rows:
        lines.append(
            f"| {name} | {s['precision']:.3f} | {s['recall']:.3f} | {s['f1']:.3f} "
            f"| {s['tp']} | {s['fp']} | {s['fn']} |"
        )
    return lines


def scores_markdown(scores: dict[str, Any], title: str = "") -> str:
    lines = prf_table([("all", scores["overall"]), *scores["per_actor"].items()], title)
    lines += [
        "",
        "| found by | precision | share of gold found | tp | fp |",
        "|---|---|---|---|---|",
    ]
    for how, s in scores["per_how"].items():
        lines.append(
            f"| {how} | {s['precision']:.3f} | {s['recall']:.3f} | {s['tp']} | {s['fp']} |"
        )
    return "\n".join(lines)
