"""The data contract (see DESIGN.md): articles, sentences, mentions, annotations.

A corpus on disk is a folder holding

* ``articles.jsonl``    one article per line: ``id``, ``text`` and optional
  ``title``, ``source``, ``date``, ``url``; any other key is kept as metadata;
* ``annotations.jsonl`` one annotated sentence per line: ``article_id``,
  ``start``/``end`` (character offsets into the *cleaned* article body, see
  :func:`framing.text.clean.clean_article`), ``text`` (the sentence, kept so a
  changed cleaner can be detected), ``frame`` and ``stance`` (``{actor: label}``);
* ``splits.json``       optional: the fixed held-out test articles (``test``) and the seed;
                         ``test_only`` names further test sets that are never trained on.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

from framing.input_files import iter_jsonl
from framing.io import RecordError

ARTICLE_FIELDS = ("id", "text", "title", "source", "date", "url")


@dataclass(slots=True)
class Article:
    id: str
    text: str
    title: str | None = None
    source: str | None = None
    date: str | None = None
    url: str | None = None
    meta: dict[str, Any] = field(default_factory=dict)
    origin: str | None = field(
        default=None, compare=False
    )  # file:line it was read from (not saved)

    @classmethod
    def from_record(cls, record: dict[str, Any], where: str = "record") -> Article:
        """Build an article from a mapping, or raise :class:`RecordError`."""
        art_id = record.get("id")
        if art_id is None or (isinstance(art_id, str) and not art_id.strip()):
            raise RecordError(where, "missing article id ('id')")
        text = record.get("text")
        if not isinstance(text, str):
            raise RecordError(
                where, f"article {art_id!r}: 'text' must be a string, got {type(text).__name__}"
            )
        if not text.strip():
            raise RecordError(where, f"article {art_id!r}: empty text")
        known = {k: record.get(k) for k in ARTICLE_FIELDS[2:]}
        for key, value in known.items():
            if value is not None and not isinstance(value, str):
                known[key] = str(value)
        meta = {k: v for k, v in record.items() if k not in ARTICLE_FIELDS}
        return cls(id=str(art_id), text=text, meta=meta, origin=where, **known)

    def to_record(self) -> dict[str, Any]:
        record: dict[str, Any] = {"id": self.id}
        for key in ARTICLE_FIELDS[2:]:
            value = getattr(self, key)
            if value is not None:
                record[key] = value
        record.update(self.meta)
        record["text"] = self.text
        return record


class Mention(NamedTuple):
    """An actor mention: offsets are relative to the text it was found in.

    A named tuple rather than a frozen dataclass: the matcher builds one per hit,
    and a tuple is built several times faster (immutable and hashable all the same).
    """

    actor: str
    start: int
    end: int
    surface: str  # the evidence: the matched words (a pronoun for a carry-over)
    ambiguous: bool = False
    sense: str = "actor"  # "actor" | "not_actor" (see framing.senses)
    sense_reason: str = ""  # for not_actor: place | language | people | other_government | other
    how: str = "alias"  # how it was found: alias | role_noun | carry_over

    @property
    def is_actor(self) -> bool:
        """Whether the mention refers to its actor (makes a sentence-actor pair)."""
        return self.sense == "actor"

    def to_record(self) -> dict[str, Any]:
        return {
            "actor": self.actor,
            "start": self.start,
            "end": self.end,
            "surface": self.surface,
            "ambiguous": self.ambiguous,
            "sense": self.sense,
            "sense_reason": self.sense_reason,
            "how": self.how,
        }

    @classmethod
    def from_record(cls, record: dict[str, Any], where: str = "record") -> Mention:
        """A mention from :meth:`to_record`'s mapping; older records lack the sense fields."""
        try:
            mention = cls(
                str(record["actor"]),
                int(record["start"]),
                int(record["end"]),
                str(record.get("surface", "")),
                bool(record.get("ambiguous", False)),
                str(record.get("sense", "actor")),
                str(record.get("sense_reason", "")),
                str(record.get("how", "alias")),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise RecordError(where, f"bad mention {record!r}: {exc}") from None
        problem = mention_problem(mention)
        if problem:
            raise RecordError(where, problem)
        return mention


MENTION_SENSES = ("actor", "not_actor")
MENTION_REASONS = ("place", "language", "people", "other_government", "other")
MENTION_HOWS = ("alias", "role_noun", "carry_over")


def mention_problem(mention: Mention) -> str:
    """What is wrong with a mention's sense fields ("" when nothing is)."""
    if mention.sense not in MENTION_SENSES:
        return f"mention {mention.surface!r}: sense must be one of {MENTION_SENSES}, got {mention.sense!r}"
    if mention.sense == "not_actor" and mention.sense_reason not in MENTION_REASONS:
        return (
            f"mention {mention.surface!r}: a not_actor mention needs sense_reason in "
            f"{MENTION_REASONS}, got {mention.sense_reason!r}"
        )
    if mention.sense == "actor" and mention.sense_reason:
        return f"mention {mention.surface!r}: sense_reason {mention.sense_reason!r} on an actor mention"
    if mention.how not in MENTION_HOWS:
        return (
            f"mention {mention.surface!r}: how must be one of {MENTION_HOWS}, got {mention.how!r}"
        )
    if not 0 <= mention.start < mention.end:
        return f"mention {mention.surface!r}: bad offsets {mention.start}:{mention.end}"
    return ""


@dataclass(slots=True)
class Sentence:
    article_id: str
    index: int
    start: int
    end: int
    text: str
    mentions: list[Mention] = field(default_factory=list)

    @property
    def actors(self) -> list[str]:
        """Actors referred to, in order of first mention, without repeats.

        Mentions judged ``not_actor`` (e.g. "Russian" the language) do not count.
        """
        return list(dict.fromkeys(m.actor for m in self.mentions if m.sense == "actor"))

    def to_record(self) -> dict[str, Any]:
        return {
            "article_id": self.article_id,
            "index": self.index,
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "actors": self.actors,
            "mentions": [m.to_record() for m in self.mentions],
        }


@dataclass(slots=True)
class Annotation:
    article_id: str
    start: int
    end: int
    text: str
    frame: str | None
    stance: dict[str, str] = field(default_factory=dict)
    meta: dict[str, Any] = field(default_factory=dict)
    origin: str | None = field(default=None, compare=False)  # file:line read from (not saved)

    @classmethod
    def from_record(cls, record: dict[str, Any], where: str = "record") -> Annotation:
        missing = [k for k in ("article_id", "start", "end") if k not in record]
        if missing:
            raise RecordError(where, f"missing {', '.join(repr(m) for m in missing)}")
        try:
            start, end = int(record["start"]), int(record["end"])
        except (TypeError, ValueError):
            raise RecordError(where, "'start' and 'end' must be integers") from None
        stance = record.get("stance") or {}
        if not isinstance(stance, dict):
            raise RecordError(where, "'stance' must be an object {actor: label}")
        meta = {
            k: v
            for k, v in record.items()
            if k not in ("article_id", "start", "end", "text", "frame", "stance")
        }
        return cls(
            article_id=str(record["article_id"]),
            start=start,
            end=end,
            text=str(record.get("text", "")),
            frame=record.get("frame"),
            stance={str(a): str(lab) for a, lab in stance.items()},
            meta=meta,
            origin=where,
        )

    def to_record(self) -> dict[str, Any]:
        record: dict[str, Any] = {
            "article_id": self.article_id,
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "frame": self.frame,
            "stance": self.stance,
        }
        record.update(self.meta)
        return record


@dataclass(slots=True)
class Corpus:
    """An annotated corpus loaded from a folder (see module docstring)."""

    path: Path
    articles: dict[str, Article]
    annotations: list[Annotation]
    test_ids: list[str] = field(default_factory=list)
    split_seed: int | None = None
    errors: list[RecordError] = field(default_factory=list)
    test_only: dict[str, list[str]] = field(default_factory=dict)

    @property
    def test_sets(self) -> dict[str, list[str]]:
        """Every held-out test set by name: ``fixed`` (``test_ids``) and the test-only sets."""
        return {"fixed": list(self.test_ids), **{k: list(v) for k, v in self.test_only.items()}}

    def annotations_by_article(self) -> dict[str, list[Annotation]]:
        out: dict[str, list[Annotation]] = {}
        for ann in self.annotations:
            out.setdefault(ann.article_id, []).append(ann)
        for anns in out.values():
            anns.sort(key=lambda a: a.start)
        return out

    def stance_pairs(self, ids: Iterable[str]) -> list[tuple[str, str, str]]:
        """(sentence, actor, stance) of every gold pair of the articles ``ids``, in that
        order, sentences in text order and actors by name."""
        return [pair for _, pairs in self.stance_pairs_by_article(ids) for pair in pairs]

    def stance_pairs_by_article(
        self, ids: Iterable[str]
    ) -> list[tuple[str, list[tuple[str, str, str]]]]:
        """:meth:`stance_pairs` with each article's pairs under its id: ``[(id, pairs)]``."""
        by_article = self.annotations_by_article()
        return [
            (
                art_id,
                [
                    (ann.text, actor, label)
                    for ann in by_article.get(art_id, [])
                    for actor, label in sorted(ann.stance.items())
                ],
            )
            for art_id in ids
        ]


def iter_article_records(path: Path) -> Iterator[Article | RecordError]:
    for lineno, rec in iter_jsonl(path):
        if isinstance(rec, RecordError):
            yield rec
            continue
        try:
            yield Article.from_record(rec, where=f"{path}:{lineno}")
        except RecordError as exc:
            yield exc


def load_corpus(path: str | Path) -> Corpus:
    """Load a corpus folder. Bad records are collected in ``errors``, not raised.

    Raises ``FileNotFoundError`` when the folder or its ``articles.jsonl`` is missing.
    """
    root = Path(path)
    articles_path = root / "articles.jsonl"
    if not articles_path.is_file():
        raise FileNotFoundError(f"{root}: no articles.jsonl (is this a corpus folder?)")
    errors: list[RecordError] = []
    articles: dict[str, Article] = {}
    for item in iter_article_records(articles_path):
        if isinstance(item, RecordError):
            errors.append(item)
        elif item.id in articles:
            errors.append(RecordError(f"{articles_path}", f"article {item.id}: duplicate id"))
        else:
            articles[item.id] = item
    annotations: list[Annotation] = []
    ann_path = root / "annotations.jsonl"
    if ann_path.is_file():
        for lineno, rec in iter_jsonl(ann_path):
            if isinstance(rec, RecordError):
                errors.append(rec)
                continue
            try:
                annotations.append(Annotation.from_record(rec, where=f"{ann_path}:{lineno}"))
            except RecordError as exc:
                errors.append(exc)
    test_ids: list[str] = []
    test_only: dict[str, list[str]] = {}
    seed = None
    split_path = root / "splits.json"
    if split_path.is_file():
        try:
            test_ids, seed, test_only, problem = read_splits(split_path)
        except RecordError as exc:
            errors.append(exc)
        else:
            if problem:  # a malformed test_only: the test list and seed are still used
                errors.append(RecordError(str(split_path), problem))
    return Corpus(root, articles, annotations, test_ids, seed, errors, test_only)


def read_splits(
    path: Path,
) -> tuple[list[str], int | None, dict[str, list[str]], str | None]:
    """``(test ids, seed, test-only sets, problem)`` of a ``splits.json``, or
    :class:`RecordError` in one line. A malformed ``test_only`` alone is the ``problem``
    (no test-only sets), so the fixed test list is kept."""
    try:
        split = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise RecordError(str(path), f"cannot read: {exc}") from None
    except json.JSONDecodeError as exc:
        raise RecordError(
            f"{path}:{exc.lineno}", f"invalid JSON: {exc.msg} (column {exc.colno})"
        ) from None
    if not isinstance(split, dict):
        raise RecordError(str(path), f"expected a JSON object, got {type(split).__name__}")
    test = split.get("test", [])
    if not isinstance(test, list) or not all(isinstance(t, str) for t in test):
        raise RecordError(str(path), "'test' must be a list of article ids (strings)")
    seed = split.get("seed")
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int)):
        raise RecordError(str(path), f"'seed' must be an integer, got {seed!r}")
    raw_only = split.get("test_only", {})
    if not isinstance(raw_only, dict) or not all(
        isinstance(v, list) and all(isinstance(t, str) for t in v) for v in raw_only.values()
    ):
        return list(test), seed, {}, "'test_only' must map set names to lists of ids"
    return list(test), seed, {str(k): list(v) for k, v in raw_only.items()}, None
