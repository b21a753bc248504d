"""Judgments → corpus rows: who labelled what, conflicts, adjudication.

One corpus row per annotated sentence (the data contract). Each row keeps every
annotator's labels under ``labels_by`` (``{annotator: {"frame", "stance", ...}}``)
and the labels they agree on as its ``frame``/``stance``. Rules:

* the same annotator with the same labels again (a re-import): nothing changes;
* the same annotator with *different* labels: reported, the stored ones are kept;
* annotators who disagree on a decision: the sentence goes to the adjudication
  file (a new one is not written to the corpus until adjudicated; a stored one
  keeps its labels);
* an adjudication row whose ``resolved`` settles every conflict sets the labels
  (``adjudicated``: its ``reason``, or where it was resolved) — the one way stored
  labels change.

Mentions annotators added are stored as the row's ``mentions`` (the training code
uses them as target spans); mentions marked not the actor as ``not_actor``.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from framing.annotate.judgments import Judgment
from framing.annotate.tasks import NOT_ACTOR
from framing.corpus import Annotation, Article
from framing.io import RecordError
from framing.text.clean import clean_article

log = logging.getLogger(__name__)

Key = tuple[str, int, int]


@dataclass(slots=True)
class Conflict:
    key: Key
    text: str
    kind: str  # "annotators" | "reimport" | "corpus"
    fields: list[str]
    detail: str

    def __str__(self) -> str:
        art, start, end = self.key
        return (
            f"{art}:{start}-{end}: {self.kind} conflict on {', '.join(self.fields)}: {self.detail}"
        )


@dataclass(slots=True)
class ImportResult:
    rows: list[Annotation]  # the corpus annotations after the import
    new_articles: list[Article]
    adjudication: list[dict[str, Any]]
    conflicts: list[Conflict] = field(default_factory=list)
    errors: list[RecordError] = field(default_factory=list)
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    adjudicated: int = 0


def decisions(labels: dict[str, Any]) -> dict[str, str]:
    """One annotator's decisions by field: ``frame`` and ``stance.<actor>``.

    An annotator who marked a mention of an actor ``not_actor`` and gave that actor no
    stance votes ``not_actor`` for it, so "this is not about Russia" against "negative
    toward Russia" is a conflict, not a silent agreement.
    """
    stance = labels.get("stance") or {}
    out = {f"stance.{m['actor']}": NOT_ACTOR for m in labels.get("not_actor") or []}
    out.update({f"stance.{a}": lab for a, lab in stance.items()})
    if labels.get("frame"):
        out["frame"] = labels["frame"]
    return out


def split_agreed(labels_by: dict[str, dict[str, Any]]) -> tuple[dict[str, str], list[str]]:
    """The decisions every annotator who made them agrees on, and the fields in conflict."""
    votes: dict[str, set[str]] = {}
    for labels in labels_by.values():
        for fld, lab in decisions(labels).items():
            votes.setdefault(fld, set()).add(lab)
    agreed = {f: next(iter(v)) for f, v in votes.items() if len(v) == 1}
    return agreed, sorted(f for f, v in votes.items() if len(v) > 1)


def _differing(a: dict[str, Any], b: dict[str, Any]) -> list[str]:
    da, db = decisions(a), decisions(b)
    return sorted(f for f in set(da) | set(db) if da.get(f) != db.get(f))


def _labels_of(ann: Annotation) -> dict[str, dict[str, Any]]:
    stored = ann.meta.get("labels_by")
    if isinstance(stored, dict) and stored:
        return {str(k): dict(v) for k, v in stored.items()}
    who = str(ann.meta.get("annotator") or "corpus")
    return {who: {"frame": ann.frame, "stance": dict(ann.stance)}}


def _set_decisions(ann: Annotation, agreed: dict[str, str], only_missing: bool) -> list[str]:
    """Write agreed decisions into a row; with ``only_missing`` return those that differ."""
    differ = []
    for fld, lab in agreed.items():
        current = ann.frame if fld == "frame" else ann.stance.get(fld[len("stance.") :])
        if current == lab or (current is None and lab == NOT_ACTOR):
            continue
        if only_missing and current is not None:
            differ.append(fld)
            continue
        if fld == "frame":
            ann.frame = lab
        elif lab == NOT_ACTOR:
            ann.stance.pop(fld[len("stance.") :], None)
        else:
            ann.stance[fld[len("stance.") :]] = lab
    return differ


def _merge_mentions(ann: Annotation, labels_by: dict[str, dict[str, Any]]) -> None:
    for key, out in (("added_mentions", "mentions"), ("not_actor", "not_actor")):
        merged: dict[tuple[str, int, int], dict[str, Any]] = {}
        for m in ann.meta.get(out) or []:
            merged[(m["actor"], int(m["start"]), int(m["end"]))] = dict(m)
        for who, labels in sorted(labels_by.items()):
            for m in labels.get(key) or []:
                row = merged.setdefault((m["actor"], m["start"], m["end"]), {**m, "by": []})
                if who not in row.setdefault("by", []):
                    row["by"].append(who)
        if merged:
            ann.meta[out] = sorted(merged.values(), key=lambda m: (m["start"], m["actor"]))


class CorpusMerger:
    """Merge judgments into a corpus's annotations (see the module docstring)."""

    def __init__(
        self,
        articles: dict[str, Article],
        annotations: list[Annotation],
        adjudication: list[dict[str, Any]],
        stance_labels: list[str],
        frame_labels: list[str],
    ) -> None:
        self.articles = articles
        self.rows = {(a.article_id, a.start, a.end): a for a in annotations}
        self.order = list(self.rows)
        self.pending = {(r["article_id"], int(r["start"]), int(r["end"])): r for r in adjudication}
        self.stance_labels, self.frame_labels = set(stance_labels), set(frame_labels)
        self.stance_ok = self.stance_labels | {NOT_ACTOR}  # an adjudicator may drop an actor
        self._clean: dict[str, str] = {}

    def cleaned(self, article_id: str) -> str | None:
        if article_id not in self._clean:
            article = self.articles.get(article_id)
            if article is None:
                return None
            self._clean[article_id] = clean_article(article).text
        return self._clean[article_id]

    def check(self, j: Judgment) -> None:
        text = self.cleaned(j.article_id)
        if text is None:
            raise RecordError(
                j.where, f"article {j.article_id!r} is in neither corpus nor --articles"
            )
        if text[j.start : j.end] != j.text:
            raise RecordError(
                j.where,
                f"sentence {j.start}-{j.end} of {j.article_id} reads "
                f"{text[j.start : j.end][:50]!r}, the export {j.text[:50]!r} (cleaner changed?)",
            )
        bad = [lab for lab in j.stance.values() if lab not in self.stance_labels]
        if j.frame is not None and j.frame not in self.frame_labels:
            bad.append(j.frame)
        if bad:
            raise RecordError(j.where, f"unknown label(s) {bad}")

    def merge(self, judgments: Iterable[Judgment | RecordError]) -> ImportResult:
        result = ImportResult([], [], [])
        incoming: dict[Key, dict[str, Judgment]] = {}
        for j in judgments:
            if isinstance(j, RecordError):
                result.errors.append(j)
                continue
            try:
                self.check(j)
            except RecordError as exc:
                result.errors.append(exc)
                continue
            seen = incoming.setdefault(j.key, {})
            first = seen.setdefault(j.annotator, j)
            if first.labels() != j.labels():
                result.conflicts.append(
                    Conflict(
                        j.key,
                        j.text,
                        "reimport",
                        ["labels"],
                        f"{j.annotator} labelled it twice differently "
                        f"({first.where}; {j.where}); the first kept",
                    )
                )
        for key, by in sorted(incoming.items()):
            self._merge_one(key, by, result)
        result.rows = [self.rows[k] for k in self.order]
        result.adjudication = [self.pending[k] for k in sorted(self.pending)]
        return result

    def _merge_one(self, key: Key, by: dict[str, Judgment], result: ImportResult) -> None:
        text = next(iter(by.values())).text
        row = self.rows.get(key)
        if row is not None:
            labels_by = _labels_of(row)
        else:  # awaiting adjudication from an earlier import, or new
            labels_by = dict(self.pending.get(key, {}).get("labels_by") or {})
        changed = False
        for who, j in sorted(by.items()):
            new = j.labels()
            if who not in labels_by:
                labels_by[who] = new
                changed = True
            elif labels_by[who] != new:
                fields = _differing(new, labels_by[who]) or ["mentions"]
                result.conflicts.append(
                    Conflict(
                        key,
                        text,
                        "reimport",
                        fields,
                        f"{who} now says {decisions(new)}, stored "
                        f"{decisions(labels_by[who])}; stored kept",
                    )
                )
        agreed, disputed = split_agreed(labels_by)
        settled = row is not None and row.meta.get("adjudicated") and not changed
        if disputed and not settled:
            result.conflicts.append(
                Conflict(
                    key,
                    text,
                    "annotators",
                    disputed,
                    "; ".join(f"{w}: {decisions(lab)}" for w, lab in sorted(labels_by.items())),
                )
            )
            self._pend(key, text, labels_by, disputed, agreed)
        if row is None:
            if disputed:
                return
            row = Annotation(key[0], key[1], key[2], text, None, {}, {})
            _set_decisions(row, agreed, only_missing=False)
            self.rows[key] = row
            self.order.append(key)
            result.added += 1
        elif not changed:
            result.unchanged += 1
            return
        else:
            differ = _set_decisions(row, agreed, only_missing=True)
            if differ:
                result.conflicts.append(
                    Conflict(
                        key,
                        text,
                        "corpus",
                        differ,
                        f"the corpus row says frame={row.frame!r} stance={row.stance}; kept",
                    )
                )
            result.updated += 1
        row.meta["labels_by"] = labels_by
        row.meta["annotator"] = "+".join(sorted(labels_by))
        _merge_mentions(row, labels_by)

    def _pend(
        self, key: Key, text: str, labels_by: dict, disputed: list[str], agreed: dict
    ) -> None:
        old = self.pending.get(key, {})
        resolved = old.get("resolved") or {"frame": None, "stance": {}}
        for fld, lab in agreed.items():
            if fld == "frame":
                resolved["frame"] = resolved.get("frame") or lab
            else:
                resolved.setdefault("stance", {}).setdefault(fld[len("stance.") :], lab)
        self.pending[key] = {
            "article_id": key[0],
            "start": key[1],
            "end": key[2],
            "text": text,
            "conflicts": disputed,
            "labels_by": labels_by,
            "resolved": resolved,
        }

    def adjudicate(self, records: Iterable[tuple[str, dict[str, Any]]]) -> ImportResult:
        """Apply adjudication rows whose ``resolved`` settles every conflicting field."""
        result = ImportResult([], [], [])
        for where, rec in records:
            try:
                key = (str(rec["article_id"]), int(rec["start"]), int(rec["end"]))
                resolved = rec["resolved"]
                decided = decisions(resolved)
            except (KeyError, TypeError, ValueError, AttributeError):
                result.errors.append(
                    RecordError(where, "not an adjudication row (article_id, start, end, resolved)")
                )
                continue
            missing = [f for f in rec.get("conflicts", []) if f not in decided]
            if missing:
                log.info("%s: %s still open (%s)", where, key, ", ".join(missing))
                continue
            allowed = {"frame": self.frame_labels}
            bad = [v for f, v in decided.items() if v not in allowed.get(f, self.stance_ok)]
            if bad:
                result.errors.append(RecordError(where, f"unknown label(s) {bad}"))
                continue
            row = self.rows.get(key)
            labels_by = dict(rec.get("labels_by") or {})
            if row is None:
                row = Annotation(key[0], key[1], key[2], str(rec.get("text", "")), None, {}, {})
                self.rows[key] = row
                self.order.append(key)
            else:
                labels_by = {**_labels_of(row), **labels_by}
            _set_decisions(row, decided, only_missing=False)
            if labels_by:
                row.meta["labels_by"] = labels_by
                row.meta["annotator"] = "+".join(sorted(labels_by))
                _merge_mentions(row, labels_by)
            # as in the shipped corpus: the reason (the adjudicator's ``reason``, if given)
            row.meta["adjudicated"] = str(rec.get("reason") or f"resolved in {where}")
            self.pending.pop(key, None)
            result.adjudicated += 1
        result.rows = [self.rows[k] for k in self.order]
        result.adjudication = [self.pending[k] for k in sorted(self.pending)]
        return result
