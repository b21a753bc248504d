"""The one path from raw article to sentences with actor mentions.

``clean → split → match`` is used for training data and for inference alike, so
a model never sees text prepared differently. ``framing segment`` writes the result:
one row per sentence with its actors and mentions.
"""

from __future__ import annotations

import argparse
import bisect
import csv
import json
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from framing.actors import ActorLexicon, load_lexicon
from framing.corpus import Article, Mention, Sentence
from framing.io import ErrorLog, RecordError, atomic_write, dumps, error_file
from framing.references import resolve_references
from framing.subcommand import add_command
from framing.text.clean import CleanedArticle, clean_article
from framing.text.sentences import get_splitter

log = logging.getLogger("framing")


@dataclass(slots=True)
class SegmentedArticle:
    article: Article
    cleaned: CleanedArticle
    sentences: list[Sentence]

    @property
    def text(self) -> str:
        """The cleaned body that sentence offsets refer to."""
        return self.cleaned.text


class Segmenter:
    """Clean, split and match articles.

    Parameters
    ----------
    actors:
        An :class:`~framing.actors.ActorLexicon`, an actor config mapping or YAML path;
        ``None`` takes the packaged ``framing/conf/actors/syria.yaml``.
    splitter:
        Sentence splitter backend (see :mod:`framing.text.sentences`).
    pair_detector:
        A trained pair detector (:class:`~framing.pair_detector.PairDetector` or its
        folder), applied after the rules; ``None`` (the default): the rules alone.
    """

    def __init__(
        self,
        actors: ActorLexicon | str | Path | dict[str, Any] | None = None,
        splitter: str = "sentencex",
        pair_detector: Any = None,
    ) -> None:
        self.lexicon = load_lexicon(actors)
        self.splitter = get_splitter(splitter)
        self.pair_detector = None
        if pair_detector is not None:
            from framing.pair_detector import load_pair_detector

            self.pair_detector = load_pair_detector(pair_detector)

    def segment(self, article: Article) -> SegmentedArticle:
        cleaned = clean_article(article)
        sentences = self.segment_text(cleaned.text, article.id, date=article.date)
        return SegmentedArticle(article, cleaned, sentences)

    def segment_text(
        self, text: str, article_id: str = "", date: str | None = None
    ) -> list[Sentence]:
        """Sentences with mentions for an already cleaned body.

        ``date`` (the article's, any form :func:`framing.dates.iso_day` reads; one naming no
        single day counts as none) picks among dated aliases; role nouns that need
        an antecedent and carry-over cues are resolved across the sentences
        (:func:`framing.references.resolve_references`).
        """
        spans = self.splitter.spans(text)
        sentences = [Sentence(article_id, i, a, b, text[a:b], []) for i, (a, b) in enumerate(spans)]
        sentences = self.match(sentences, text, date)
        if self.pair_detector is not None:
            self.pair_detector.add_pairs(sentences, date)
        return sentences

    def match(
        self, sentences: list[Sentence], text: str, date: str | None = None
    ) -> list[Sentence]:
        """Add this lexicon's mentions to consecutive ``sentences`` of ``text`` (offsets
        in ``text``), in place, and resolve references across them; returns them."""
        mentions = self.lexicon.find(text, date=date)
        if not mentions:
            return sentences
        starts = [s.start for s in sentences]
        for mention in mentions:
            i = bisect.bisect_right(starts, mention.start) - 1
            if i >= 0 and mention.end <= sentences[i].end:
                sentences[i].mentions.append(mention)
        resolve_references(sentences, self.lexicon, text)
        return sentences


def mentions_in(sentence: Sentence, actor: str) -> list[Mention]:
    """The mentions of one actor in a sentence (those judged not the actor left out)."""
    return [m for m in sentence.mentions if m.actor == actor and m.is_actor]


# ---------------------------------------------------------------------------
# the command line
def add_cli(subparsers: Any) -> None:
    from framing.subcommand import add_input_arguments

    p = add_command(subparsers, "segment", cmd_segment)
    p.add_argument(
        "inputs",
        nargs="+",
        metavar="INPUT",
        help="files or folders of articles (formats: see --format)",
    )
    p.add_argument("-o", "--output", required=True, help="output file: .jsonl or .csv")
    add_input_arguments(p)
    p.add_argument("--actors", help="actor config YAML (default: framing/conf/actors/syria.yaml)")
    p.add_argument(
        "--splitter", default="sentencex", help="sentence splitter backend (default: sentencex)"
    )
    p.add_argument(
        "--pair-detector",
        metavar="DIR",
        help="a trained pair detector (framing train-pair-detector), applied after the rules",
    )


def cmd_segment(args: argparse.Namespace) -> int:
    """clean, split and match articles: one row per sentence"""
    from tqdm.auto import tqdm

    from framing.readers import Columns, read_articles

    output = Path(args.output)
    kind = output.suffix.lower()
    if kind not in (".jsonl", ".csv"):
        log.error("%s: output must end in .jsonl or .csv", output)
        return 2
    from framing.models.safe_load import ModelFolderError

    try:
        segmenter = Segmenter(args.actors, splitter=args.splitter, pair_detector=args.pair_detector)
    except ModelFolderError as exc:
        log.error("%s", exc)
        return 2
    n_articles = n_sentences = 0
    errors: list[RecordError] = []
    fields = ["article_id", "index", "start", "end", "text", "actors", "mentions"]
    with atomic_write(output) as fh:
        writer = csv.DictWriter(fh, fieldnames=fields) if kind == ".csv" else None
        if writer:
            writer.writeheader()
        bar = tqdm(
            read_articles(args.inputs, fmt=args.format, columns=Columns.from_args(args)),
            unit=" articles",
            desc="segment",
            disable=None,
        )
        for item in bar:
            if isinstance(item, RecordError):
                log.warning("%s", item)
                errors.append(item)
                continue
            seg = segmenter.segment(item)
            for sentence in seg.sentences:
                row = sentence.to_record()
                if writer:
                    row["actors"] = ";".join(row["actors"])
                    row["mentions"] = json.dumps(row["mentions"], ensure_ascii=False)
                    writer.writerow(row)
                else:
                    fh.write(dumps(row) + "\n")
            n_articles += 1
            n_sentences += len(seg.sentences)
            bar.set_postfix(sentences=n_sentences, refresh=False)
    errors_log = ErrorLog(error_file(output))
    for err in errors:
        errors_log.add(err)
    errors_log.commit()
    if errors:
        log.warning("%d bad record(s) skipped; see %s", len(errors), errors_log.path)
    log.info("%d articles, %d sentences -> %s", n_articles, n_sentences, output)
    return 0 if n_articles or not errors else 1
