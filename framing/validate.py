"""Check a corpus against the data contract, and count its labels.

Problems are *errors* (the corpus is wrong: exit code 1) or *warnings*
(worth a look, not wrong: an annotated actor the lexicon does not find in the
sentence, e.g. a pronoun, is reported and kept). An annotation's own
``mentions`` (spans the lexicon cannot find, or a mention marked ``not_actor``
with its ``sense_reason``) are checked against the data contract
(:func:`framing.corpus.mention_problem`). :func:`summarize` turns the
warnings into counts; the CLI lists them one by one with ``--verbose``.
"""

from __future__ import annotations

import collections
from dataclasses import dataclass
from typing import Any

from framing.actors import ActorLexicon
from framing.corpus import Corpus, Mention
from framing.io import RecordError
from framing.segment import Segmenter


@dataclass(frozen=True, slots=True)
class Problem:
    severity: str  # "error" | "warning"
    article_id: str
    field: str
    message: str
    where: str = ""

    def __str__(self) -> str:
        loc = f" ({self.where})" if self.where else ""
        return (
            f"{self.severity}: article {self.article_id or '-'}: {self.field}: {self.message}{loc}"
        )


def validate_corpus(
    corpus: Corpus,
    segmenter: Segmenter,
    stance_labels: list[str],
    frame_labels: list[str],
) -> list[Problem]:
    problems: list[Problem] = []
    for err in corpus.errors:
        problems.append(Problem("error", "", "record", err.reason, err.where))
    lexicon: ActorLexicon = segmenter.lexicon
    actors = set(lexicon.names)
    stance_set, frame_set = set(stance_labels), set(frame_labels)
    segmented = {}
    for art_id in {a.article_id for a in corpus.annotations}:
        if art_id in corpus.articles:
            segmented[art_id] = segmenter.segment(corpus.articles[art_id])
    seen_spans: set[tuple[str, int, int]] = set()
    ann_path = f"{corpus.path}/annotations.jsonl"
    for n, ann in enumerate(corpus.annotations, 1):
        where = f"{ann_path} record {n}"
        seg = segmented.get(ann.article_id)
        if seg is None:
            problems.append(
                Problem(
                    "error",
                    ann.article_id,
                    "article_id",
                    "no such article in articles.jsonl",
                    where,
                )
            )
            continue
        text = seg.text
        if not (0 <= ann.start < ann.end <= len(text)):
            problems.append(
                Problem(
                    "error",
                    ann.article_id,
                    "start/end",
                    f"offsets {ann.start}:{ann.end} outside the cleaned text (length {len(text)})",
                    where,
                )
            )
            continue
        key = (ann.article_id, ann.start, ann.end)
        if key in seen_spans:
            problems.append(
                Problem(
                    "error",
                    ann.article_id,
                    "start/end",
                    f"span {ann.start}:{ann.end} annotated twice",
                    where,
                )
            )
        seen_spans.add(key)
        if ann.text and text[ann.start : ann.end] != ann.text:
            problems.append(
                Problem(
                    "error",
                    ann.article_id,
                    "text",
                    f"text at {ann.start}:{ann.end} is {text[ann.start : ann.end][:60]!r}, annotation says {ann.text[:60]!r} (cleaner changed?)",
                    where,
                )
            )
        sentence = next(
            (s for s in seg.sentences if s.start == ann.start and s.end == ann.end), None
        )
        if sentence is None:
            problems.append(
                Problem(
                    "error",
                    ann.article_id,
                    "start/end",
                    f"span {ann.start}:{ann.end} is not a sentence of the current splitter",
                    where,
                )
            )
        problems += _check_mentions(ann.meta.get("mentions"), ann, actors, where)
        if ann.frame is not None and ann.frame not in frame_set:
            problems.append(
                Problem("error", ann.article_id, "frame", f"unknown frame {ann.frame!r}", where)
            )
        for actor, label in ann.stance.items():
            if actor not in actors:
                problems.append(
                    Problem(
                        "error",
                        ann.article_id,
                        "stance",
                        f"unknown actor {actor!r} (lexicon {lexicon.name!r} has {sorted(actors)})",
                        where,
                    )
                )
            if label not in stance_set:
                problems.append(
                    Problem(
                        "error",
                        ann.article_id,
                        "stance",
                        f"unknown stance label {label!r} for {actor}",
                        where,
                    )
                )
            if sentence is not None and actor in actors and actor not in sentence.actors:
                problems.append(
                    Problem(
                        "warning",
                        ann.article_id,
                        "stance",
                        f"{actor} labelled but not matched by the lexicon in {sentence.text[:70]!r}",
                        where,
                    )
                )
    return problems


UNMATCHED = "labelled but not matched by the lexicon"


def _check_mentions(raw: Any, ann: Any, actors: set[str], where: str) -> list[Problem]:
    """Annotator-added mentions: a list of mention records inside the sentence."""
    if raw is None:
        return []
    if not isinstance(raw, list):
        return [Problem("error", ann.article_id, "mentions", "'mentions' must be a list", where)]
    out = []
    for i, rec in enumerate(raw, 1):
        if not isinstance(rec, dict):
            out.append(
                Problem("error", ann.article_id, "mentions", f"mention {i} is not an object", where)
            )
            continue
        try:
            mention = Mention.from_record({"surface": "", **rec}, where)
        except RecordError as exc:
            out.append(
                Problem("error", ann.article_id, "mentions", f"mention {i}: {exc.reason}", where)
            )
            continue
        if mention.actor not in actors:
            out.append(
                Problem(
                    "error",
                    ann.article_id,
                    "mentions",
                    f"mention {i}: unknown actor {mention.actor!r}",
                    where,
                )
            )
        if not (ann.start <= mention.start and mention.end <= ann.end):
            out.append(
                Problem(
                    "error",
                    ann.article_id,
                    "mentions",
                    f"mention {i} at {mention.start}:{mention.end} is outside the sentence {ann.start}:{ann.end}",
                    where,
                )
            )
    return out


def summarize(problems: list[Problem]) -> list[str]:
    """Summary lines for the warnings: how many, per kind and per actor."""
    warnings = [p for p in problems if p.severity == "warning"]
    if not warnings:
        return []
    unmatched = collections.Counter(
        p.message.split(" ", 1)[0] for p in warnings if UNMATCHED in p.message
    )
    lines = []
    if unmatched:
        per_actor = ", ".join(f"{a} {n}" for a, n in sorted(unmatched.items()))
        lines.append(
            f"warning: {sum(unmatched.values())} annotated (sentence, actor) pair(s) the lexicon "
            f"does not find ({per_actor}): implicit references, or aliases to add"
        )
    other = len(warnings) - sum(unmatched.values())
    if other:
        lines.append(f"warning: {other} other warning(s)")
    return lines


def corpus_stats(
    corpus: Corpus, stance_labels: list[str], frame_labels: list[str]
) -> dict[str, Any]:
    test = set(corpus.test_ids)
    pairs = collections.Counter()
    pairs_test = collections.Counter()
    frames = collections.Counter()
    multi_differ = 0
    multi = 0
    for ann in corpus.annotations:
        if ann.frame:
            frames[ann.frame] += 1
        for actor, label in ann.stance.items():
            pairs[(actor, label)] += 1
            if ann.article_id in test:
                pairs_test[(actor, label)] += 1
        if len(ann.stance) >= 2:
            multi += 1
            if len(set(ann.stance.values())) >= 2:
                multi_differ += 1
    actors = sorted({a for a, _ in pairs})
    return {
        "articles": len(corpus.articles),
        "test_articles": len(test),
        "annotated_sentences": len(corpus.annotations),
        "pairs": sum(pairs.values()),
        "stance": {a: {lab: pairs[(a, lab)] for lab in stance_labels} for a in actors},
        "stance_test": {a: {lab: pairs_test[(a, lab)] for lab in stance_labels} for a in actors},
        "sentences_multi_actor": multi,
        "sentences_multi_actor_differing": multi_differ,
        "frames": {f: frames[f] for f in frame_labels},
    }


def stats_markdown(stats: dict[str, Any], stance_labels: list[str]) -> str:
    total = stats["pairs"] or 1
    lines = [
        f"Articles: {stats['articles']} ({stats['test_articles']} in the fixed test split); "
        f"annotated sentences: {stats['annotated_sentences']}; (sentence, actor) pairs: {stats['pairs']}; "
        f"sentences about 2+ actors: {stats['sentences_multi_actor']}, with differing stances: "
        f"{stats['sentences_multi_actor_differing']}.",
        "",
        "| actor | " + " | ".join(stance_labels) + " | total | of which test |",
        "|---|" + "---|" * (len(stance_labels) + 2),
    ]
    col = collections.Counter()
    for actor, row in stats["stance"].items():
        col.update(row)
        lines.append(
            f"| {actor} | "
            + " | ".join(str(row[lab]) for lab in stance_labels)
            + f" | {sum(row.values())} | {sum(stats['stance_test'][actor].values())} |"
        )
    lines.append(
        "| **all** | "
        + " | ".join(f"{col[lab]} ({100 * col[lab] / total:.0f}%)" for lab in stance_labels)
        + f" | {total} | |"
    )
    lines += ["", "| frame | sentences |", "|---|---|"]
    for frame, n in sorted(stats["frames"].items(), key=lambda kv: -kv[1]):
        lines.append(f"| {frame} | {n} |")
    return "\n".join(lines)
