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

import argparse
import collections
import logging
from typing import Any

from framing.actors import ActorLexicon
from framing.corpus import Corpus, Mention
from framing.corpus_contract import (
    Problem,
    contract_problems,
)
from framing.io import RecordError
from framing.segment import Segmenter
from framing.subcommand import add_command


def validate_corpus(
    corpus: Corpus,
    segmenter: Segmenter,
    stance_labels: list[str],
    frame_labels: list[str],
) -> list[Problem]:
    lexicon: ActorLexicon = segmenter.lexicon
    actors = set(lexicon.names)
    stance_set, frame_set = set(stance_labels), set(frame_labels)
    segmented = {}
    for art_id in {a.article_id for a in corpus.annotations}:
        if art_id in corpus.articles:
            segmented[art_id] = segmenter.segment(corpus.articles[art_id])
    problems, unusable = contract_problems(
        corpus, {i: len(seg.text) for i, seg in segmented.items()}
    )
    ann_path = f"{corpus.path}/annotations.jsonl"
    for n, ann in enumerate(corpus.annotations, 1):
        if n - 1 in unusable:
            continue
        where = ann.origin or f"{ann_path} record {n}"
        seg = segmented[ann.article_id]
        text = seg.text
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


def _label_stats(
    annotations, n_articles: int, test: set[str], stance_labels: list[str], frame_labels: list[str]
) -> dict[str, Any]:
    pairs = collections.Counter()
    pairs_test = collections.Counter()
    frames = collections.Counter()
    multi_differ = multi = with_actor = 0
    for ann in annotations:
        if ann.frame:
            frames[ann.frame] += 1
        for actor, label in ann.stance.items():
            pairs[(actor, label)] += 1
            if ann.article_id in test:
                pairs_test[(actor, label)] += 1
        with_actor += bool(ann.stance)
        if len(ann.stance) >= 2:
            multi += 1
            if len(set(ann.stance.values())) >= 2:
                multi_differ += 1
    actors = sorted({a for a, _ in pairs})
    return {
        "articles": n_articles,
        "test_articles": len(test),
        "annotated_sentences": len(annotations),
        "sentences_with_actor": with_actor,
        "pairs": sum(pairs.values()),
        "stance": {a: {lab: pairs[(a, lab)] for lab in stance_labels} for a in actors},
        "stance_test": {a: {lab: pairs_test[(a, lab)] for lab in stance_labels} for a in actors},
        "sentences_multi_actor": multi,
        "sentences_multi_actor_differing": multi_differ,
        "frames": {f: frames[f] for f in frame_labels},
    }


def corpus_stats(
    corpus: Corpus, stance_labels: list[str], frame_labels: list[str]
) -> dict[str, Any]:
    """Label tables of the corpus proper (with its fixed test split) and of each test-only set."""
    only = {a for ids in corpus.test_only.values() for a in ids}
    main = [a for a in corpus.annotations if a.article_id not in only]
    n_main = sum(1 for a in corpus.articles if a not in only)
    stats = _label_stats(main, n_main, set(corpus.test_ids), stance_labels, frame_labels)
    stats["test_only"] = {
        name: _label_stats(
            [a for a in corpus.annotations if a.article_id in set(ids)],
            sum(1 for a in ids if a in corpus.articles),
            set(ids),
            stance_labels,
            frame_labels,
        )
        for name, ids in corpus.test_only.items()
    }
    return stats


def stats_markdown(stats: dict[str, Any], stance_labels: list[str]) -> str:
    lines = _tables_markdown(stats, stance_labels, "in the fixed test split", "of which test")
    for name, sub in stats.get("test_only", {}).items():
        lines += [
            "",
            f"Test-only set `{name}` (never trained on; `split=heldout split.test={name}`):",
        ]
        lines += _tables_markdown(sub, stance_labels, "test-only", None)
    return "\n".join(lines)


def _tables_markdown(
    stats: dict[str, Any], stance_labels: list[str], test_words: str, test_column: str | None
) -> list[str]:
    total = stats["pairs"] or 1
    n_sent = stats["annotated_sentences"] or 1
    lines = [
        f"Articles: {stats['articles']} ({stats['test_articles']} {test_words}); "
        f"annotated sentences: {stats['annotated_sentences']}, of which about an actor: "
        f"{stats['sentences_with_actor']} ({100 * stats['sentences_with_actor'] / n_sent:.0f}%); "
        f"(sentence, actor) pairs: {stats['pairs']}; "
        f"sentences about 2+ actors: {stats['sentences_multi_actor']}, with differing stances: "
        f"{stats['sentences_multi_actor_differing']}.",
        "",
        "| actor | "
        + " | ".join(stance_labels)
        + " | total |"
        + (f" {test_column} |" if test_column else ""),
        "|---|" + "---|" * (len(stance_labels) + 1 + bool(test_column)),
    ]
    col = collections.Counter()
    for actor, row in stats["stance"].items():
        col.update(row)
        test_cell = f" {sum(stats['stance_test'][actor].values())} |" if test_column else ""
        lines.append(
            f"| {actor} | "
            + " | ".join(str(row[lab]) for lab in stance_labels)
            + f" | {sum(row.values())} |"
            + test_cell
        )
    lines.append(
        "| **all** | "
        + " | ".join(f"{col[lab]} ({100 * col[lab] / total:.0f}%)" for lab in stance_labels)
        + f" | {total} |"
        + (" |" if test_column else "")
    )
    lines += ["", "| frame | sentences |", "|---|---|"]
    for frame, n in sorted(stats["frames"].items(), key=lambda kv: -kv[1]):
        lines.append(f"| {frame} | {n} |")
    return lines


# ---------------------------------------------------------------------------
# the command line
def add_cli(subparsers: Any) -> None:
    p = add_command(subparsers, "validate", cmd_validate)
    p.add_argument("corpus", help="corpus folder (articles.jsonl, annotations.jsonl, splits.json)")
    p.add_argument("--stats", action="store_true", help="print the label tables (Markdown)")
    p.add_argument("--actors", help="actor config YAML (default: framing/conf/actors/syria.yaml)")
    p.add_argument("--splitter", default="sentencex")
    p.add_argument("--strict", action="store_true", help="warnings count as problems too (exit 1)")
    p.add_argument(
        "--max-lines", type=int, default=200, help="print at most this many problems (default 200)"
    )
    p.add_argument(
        "--verbose",
        dest="list_warnings",
        action="store_true",
        help="list every warning (default: a summary with counts)",
    )


def cmd_validate(args: argparse.Namespace) -> int:
    """check a corpus folder against the data contract"""
    from framing.corpus import load_corpus
    from framing.labels import task_labels

    try:
        corpus = load_corpus(args.corpus)
    except FileNotFoundError as exc:
        logging.getLogger("framing").error("%s", exc)
        return 1
    stance_labels, frame_labels = task_labels("stance"), task_labels("framing")
    problems = validate_corpus(
        corpus, Segmenter(args.actors, splitter=args.splitter), stance_labels, frame_labels
    )
    errors = [p for p in problems if p.severity == "error"]
    warnings = [p for p in problems if p.severity == "warning"]
    listed = problems if args.list_warnings else errors
    for p in listed[: args.max_lines]:
        print(p)
    if len(listed) > args.max_lines:
        print(f"... and {len(listed) - args.max_lines} more")
    if not args.list_warnings:
        for line in summarize(problems):
            print(line + " (--verbose lists them)")
    print(
        f"{args.corpus}: {len(corpus.articles)} articles, {len(corpus.annotations)} annotations: "
        f"{len(errors)} error(s), {len(warnings)} warning(s)"
    )
    if args.stats:
        print()
        print(stats_markdown(corpus_stats(corpus, stance_labels, frame_labels), stance_labels))
    return 1 if errors or (args.strict and warnings) else 0
