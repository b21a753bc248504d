"""Per-article summaries of a predictions file (``framing predict --summary``).

:func:`summarize_predictions` — per article × actor the count and share of each stance
label and the net stance ``(n_positive − n_negative) / n``; per article the frame
distribution (each sentence counted once, however many actors it has); with
``net="probability"`` also ``net_stance_probability``, the mean of ``p_positive −
p_negative`` (each row weighted by the model's confidence);
:func:`write_summary` writes them as CSV or JSON. The file is streamed and only
aggregates are kept, so a large file does not have to fit in memory as rows.
"""

from __future__ import annotations

import json
import logging
import math
import os
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from framing.io import atomic_write
from framing.predictions import iter_prediction_rows, labels_from_columns, prediction_columns

if TYPE_CHECKING:
    import pandas as pd

log = logging.getLogger("framing.report")

POSITIVE, NEGATIVE = "positive", "negative"
NET_WEIGHTINGS = ("label", "probability")  # how the summary's net stance counts a row


def frames_of(value: Any) -> list[str]:
    if value is None or value == "":
        return []
    if isinstance(value, float) and math.isnan(value):
        return []
    if isinstance(value, list | tuple):
        return [str(v) for v in value]
    if hasattr(value, "tolist"):  # numpy array from Parquet
        return [str(v) for v in value.tolist()]
    return [str(value)]


def _share(count: int, n: int) -> float:
    return round(count / n, 6) if n else float("nan")


def net_stance(counts: Counter, n: int) -> float:
    """``(positive − negative) / n`` (NaN with no rows)."""
    return round((counts[POSITIVE] - counts[NEGATIVE]) / n, 6) if n else float("nan")


@dataclass
class Summary:
    """Per-article aggregates of a predictions file.

    ``stance``: one row per article × actor — ``article_id``, ``source``, ``date``,
    ``actor``, ``n``, ``n_<label>`` and ``share_<label>`` per stance label and
    ``net_stance`` (and ``net_stance_probability`` when asked for). ``frames``: one row per article — ``article_id``, ``source``,
    ``date``, ``n_sentences``, ``top_frame`` and ``share_<frame>`` per frame (for a
    multi-label model the shares of sentences carrying each frame, which may sum to
    more than 1). Either is ``None`` when the predictions hold no such task.
    """

    stance: pd.DataFrame | None = None
    frames: pd.DataFrame | None = None
    stance_labels: list[str] = field(default_factory=list)
    frame_labels: list[str] = field(default_factory=list)


def summarize_rows(
    rows: Iterable[dict[str, Any]],
    stance_labels: Sequence[str] = (),
    frame_labels: Sequence[str] = (),
    net: str = "label",
) -> Summary:
    """Aggregate prediction rows (dicts with ``article_id``, ``source``, ``date``,
    ``sentence_index``, ``actor``, ``stance``, ``frame``) into a :class:`Summary`.

    ``net="probability"`` adds ``net_stance_probability``: the mean over the pair's rows
    of ``p_positive − p_negative`` (rows need those columns).
    """
    import pandas as pd

    if net not in NET_WEIGHTINGS:
        raise ValueError(
            f"unknown net stance weighting {net!r}; choose {', '.join(NET_WEIGHTINGS)}"
        )
    weighted = net == "probability" and {POSITIVE, NEGATIVE} <= set(stance_labels)
    p_sums: dict[tuple[str, str], list[float]] = {}

    meta: dict[str, tuple[Any, Any]] = {}
    stance_counts: dict[tuple[str, str], Counter] = {}
    frame_counts: dict[str, Counter] = {}
    frame_n: dict[str, int] = {}
    last_sentence: tuple[str, Any] | None = None
    for row in rows:
        art = str(row["article_id"])
        if art not in meta:
            meta[art] = (row.get("source"), row.get("date"))
        actor = row.get("actor") or ""
        label = row.get("stance")
        if actor and label not in (None, ""):
            stance_counts.setdefault((art, actor), Counter())[str(label)] += 1
            if weighted:
                _add_probability_score(p_sums.setdefault((art, actor), [0.0, 0]), row)
        if frame_labels:
            # the rows of one sentence (one per actor) are adjacent: count the sentence once
            key = (art, row.get("sentence_index"))
            if key != last_sentence:
                last_sentence = key
                frames = frames_of(row.get("frame"))
                if frames:
                    frame_n[art] = frame_n.get(art, 0) + 1
                    frame_counts.setdefault(art, Counter()).update(frames)
    summary = Summary(stance_labels=list(stance_labels), frame_labels=list(frame_labels))
    if stance_labels:
        if not {POSITIVE, NEGATIVE} <= set(stance_labels):
            log.warning(
                "stance labels %s lack %r/%r: net_stance is left empty",
                list(stance_labels),
                POSITIVE,
                NEGATIVE,
            )
        records = []
        for (art, actor), counts in stance_counts.items():
            n = sum(counts.values())
            rec: dict[str, Any] = {
                "article_id": art,
                "source": meta[art][0],
                "date": meta[art][1],
                "actor": actor,
                "n": n,
            }
            rec.update({f"n_{lab}": counts[lab] for lab in stance_labels})
            rec.update({f"share_{lab}": _share(counts[lab], n) for lab in stance_labels})
            rec["net_stance"] = (
                net_stance(counts, n)
                if {POSITIVE, NEGATIVE} <= set(stance_labels)
                else float("nan")
            )
            if weighted:
                total, k = p_sums.get((art, actor), (0.0, 0))
                rec["net_stance_probability"] = round(total / k, 6) if k else float("nan")
            records.append(rec)
        cols = [
            "article_id",
            "source",
            "date",
            "actor",
            "n",
            *[f"n_{lab}" for lab in stance_labels],
            *[f"share_{lab}" for lab in stance_labels],
            "net_stance",
            *(["net_stance_probability"] if weighted else []),
        ]
        summary.stance = pd.DataFrame.from_records(records, columns=cols)
    if frame_labels:
        records = []
        for art, counts in frame_counts.items():
            n = frame_n[art]
            top = max(frame_labels, key=lambda lab: (counts[lab], -frame_labels.index(lab)))
            rec = {
                "article_id": art,
                "source": meta[art][0],
                "date": meta[art][1],
                "n_sentences": n,
                "top_frame": top,
            }
            rec.update({f"share_{lab}": _share(counts[lab], n) for lab in frame_labels})
            records.append(rec)
        cols = [
            "article_id",
            "source",
            "date",
            "n_sentences",
            "top_frame",
            *[f"share_{lab}" for lab in frame_labels],
        ]
        summary.frames = pd.DataFrame.from_records(records, columns=cols)
    return summary


def _add_probability_score(acc: list, row: dict[str, Any]) -> None:
    """Add the row's ``p_positive − p_negative`` to ``acc = [sum, count]`` (if it has both)."""
    pos, neg = row.get(f"p_{POSITIVE}"), row.get(f"p_{NEGATIVE}")
    try:
        score = float(pos) - float(neg)
    except (TypeError, ValueError):
        return
    if not math.isnan(score):
        acc[0] += score
        acc[1] += 1


def summarize_predictions(path: str | os.PathLike[str], net: str = "label") -> Summary:
    """:func:`summarize_rows` over a predictions file (JSONL, CSV or Parquet), streamed."""
    names = prediction_columns(path)
    stance_labels, frame_labels = labels_from_columns(names)
    if "stance" not in names:
        stance_labels = []
    if "frame" not in names:
        frame_labels = []
    if not stance_labels and not frame_labels:
        raise ValueError(f"{path}: no stance or frame predictions (columns: {', '.join(names)})")
    wanted = ["article_id", "source", "date", "sentence_index", "actor", "stance", "frame"]
    if net == "probability":
        wanted += [f"p_{lab}" for lab in (POSITIVE, NEGATIVE) if lab in stance_labels]
    rows = iter_prediction_rows(path, columns=wanted)
    return summarize_rows(rows, stance_labels, frame_labels, net=net)


def _json_records(df: pd.DataFrame) -> list[dict[str, Any]]:
    out = []
    for rec in df.to_dict(orient="records"):
        out.append(
            {k: (None if isinstance(v, float) and math.isnan(v) else v) for k, v in rec.items()}
        )
    return out


def write_summary(summary: Summary, path: str | os.PathLike[str]) -> list[Path]:
    """Write a :class:`Summary`: ``.json`` → ``{"stance": [...], "frames": [...]}``;
    ``.csv`` → one table in ``path``, or with both tasks the stance table in ``path`` and
    the frame table in ``<stem>_frames.csv`` beside it. Returns the files written."""
    path = Path(path)
    kind = path.suffix.lower()
    if kind not in (".csv", ".json"):
        raise ValueError(f"{path}: a summary must end in .csv or .json")
    if kind == ".json":
        doc: dict[str, Any] = {}
        if summary.stance is not None:
            doc["stance"] = _json_records(summary.stance)
        if summary.frames is not None:
            doc["frames"] = _json_records(summary.frames)
        with atomic_write(path) as fh:
            json.dump(doc, fh, indent=2, ensure_ascii=False)
        return [path]
    tables = [t for t in (summary.stance, summary.frames) if t is not None]
    targets = [path]
    if len(tables) == 2:
        targets.append(path.with_name(f"{path.stem}_frames.csv"))
    for table, target in zip(tables, targets, strict=True):
        with atomic_write(target) as fh:
            table.to_csv(fh, index=False, lineterminator="\n")
    return targets
