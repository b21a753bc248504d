"""Summaries and reports from a predictions file (``framing predict`` output).

* :func:`summarize_predictions` — per article × actor the count and share of each
  stance label and the net stance ``(n_positive − n_negative) / n``; per article the
  frame distribution (each sentence counted once, however many actors it has);
  with ``net="probability"`` also ``net_stance_probability``, the mean of
  ``p_positive − p_negative`` (each row weighted by the model's confidence);
  :func:`write_summary` writes them as CSV or JSON (``framing predict --summary``).
* :func:`make_report` — ``framing report PREDICTIONS --output DIR``: PNG figures
  (stance toward each actor by source and by month, frame shares overall and by
  source) and ``report.md`` with the tables and links to the images.

Both stream the predictions file and keep only aggregates (or the few columns a
report needs), so a large file does not have to fit in memory as rows.
"""

from __future__ import annotations

import argparse
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

if TYPE_CHECKING:
    import pandas as pd

log = logging.getLogger(__name__)

POSITIVE, NEGATIVE = "positive", "negative"
NET_WEIGHTINGS = ("label", "probability")  # how the summary's net stance counts a row
MAX_SOURCES = 12  # figures show the sources with most rows; the tables show all


def _labels_from(columns: Iterable[str]) -> tuple[list[str], list[str]]:
    """Stance and frame labels from the probability column names (``p_*``, ``frame_p_*``)."""
    stance, frames = [], []
    for c in columns:
        if c.startswith("frame_p_"):
            frames.append(c[len("frame_p_") :])
        elif c.startswith("p_"):
            stance.append(c[2:])
    return stance, frames


def _frames_of(value: Any) -> list[str]:
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
                frames = _frames_of(row.get("frame"))
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
    from framing.predict import iter_prediction_rows, prediction_columns

    names = prediction_columns(path)
    stance_labels, frame_labels = _labels_from(names)
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


# ---------------------------------------------------------------------------
# report
def _md_table(df: pd.DataFrame, floatfmt: str = ".2f", index: bool = True) -> str:
    """A DataFrame as a Markdown table (no extra dependency)."""
    import numpy as np

    def cell(v: Any) -> str:
        if v is None or (isinstance(v, float) and math.isnan(v)):
            return ""
        if isinstance(v, float | np.floating):
            return format(float(v), floatfmt)
        return str(v).replace("|", "\\|")

    cols = ([df.index.name or ""] if index else []) + [str(c) for c in df.columns]
    lines = ["| " + " | ".join(cols) + " |", "|" + "|".join("---" for _ in cols) + "|"]
    for row in df.itertuples(index=index, name=None):  # keeps each column's type
        lines.append("| " + " | ".join(cell(v) for v in row) + " |")
    return "\n".join(lines)


def _figure(width: float = 8.0, height: float = 4.5):
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height), layout="constrained")
    FigureCanvasAgg(fig)
    return fig


def _save(fig: Any, path: Path) -> None:
    with atomic_write(path, "wb") as fh:
        fig.savefig(fh, format="png", dpi=120)


def stance_tables(df: pd.DataFrame, labels: Sequence[str]) -> dict[str, pd.DataFrame]:
    """Stance aggregates from prediction rows with ``actor``, ``stance``, ``source``, ``month``."""
    import pandas as pd

    rows = df[(df["actor"].fillna("") != "") & df["stance"].notna()].copy()
    rows["score"] = (rows["stance"] == POSITIVE).astype(int) - (rows["stance"] == NEGATIVE).astype(
        int
    )
    overall = rows.groupby("actor").agg(n=("stance", "size"), net_stance=("score", "mean"))
    shares = pd.crosstab(rows["actor"], rows["stance"], normalize="index")
    for lab in labels:
        overall[f"share_{lab}"] = shares.get(lab, 0.0)
    overall = overall[["n", *[f"share_{lab}" for lab in labels], "net_stance"]]
    overall = overall.sort_values("n", ascending=False)
    by_source = rows.assign(source=rows["source"].fillna("(none)")).pivot_table(
        index="actor", columns="source", values="score", aggfunc="mean"
    )
    n_source = rows.assign(source=rows["source"].fillna("(none)")).pivot_table(
        index="actor", columns="source", values="score", aggfunc="size", fill_value=0
    )
    dated = rows[rows["month"].notna()]
    by_month = dated.pivot_table(index="month", columns="actor", values="score", aggfunc="mean")
    n_month = dated.pivot_table(
        index="month", columns="actor", values="score", aggfunc="size", fill_value=0
    )
    return {
        "overall": overall,
        "by_source": by_source.reindex(overall.index),
        "n_by_source": n_source.reindex(overall.index),
        "by_month": by_month.sort_index(),
        "n_by_month": n_month.sort_index(),
    }


def frame_tables(df: pd.DataFrame, labels: Sequence[str]) -> dict[str, pd.DataFrame]:
    """Frame shares (each sentence once) overall and by source."""
    import pandas as pd

    sentences = df.drop_duplicates(["article_id", "sentence_index"])
    sentences = sentences.assign(frame=sentences["frame"].map(_frames_of)).explode("frame")
    sentences = sentences[sentences["frame"].notna()]
    n_sentences = len(df.drop_duplicates(["article_id", "sentence_index"]))
    counts = sentences["frame"].value_counts()
    overall = pd.DataFrame(
        {"n": counts.reindex(labels, fill_value=0), "share": counts.reindex(labels, fill_value=0)}
    )
    overall["share"] = overall["n"] / max(n_sentences, 1)
    overall.index.name = "frame"
    overall = overall.sort_values("n", ascending=False)
    src = sentences.assign(source=sentences["source"].fillna("(none)"))
    by_source = pd.crosstab(src["source"], src["frame"], normalize="index")
    by_source = by_source.reindex(columns=[lab for lab in overall.index if lab in by_source])
    return {"overall": overall, "by_source": by_source}


def _top_sources(n_by_source: pd.DataFrame) -> list[str]:
    totals = n_by_source.sum(axis=0).sort_values(ascending=False)
    return [str(s) for s in totals.index[:MAX_SOURCES]]


def _plot_stance_by_source(tables: dict[str, pd.DataFrame], path: Path) -> None:
    import numpy as np

    by_source = tables["by_source"]
    sources = _top_sources(tables["n_by_source"])
    actors = list(by_source.index)
    fig = _figure(max(6.0, 1.2 * len(actors) + 2), 4.5)
    ax = fig.add_subplot()
    width = 0.8 / max(len(sources), 1)
    x = np.arange(len(actors))
    for k, source in enumerate(sources):
        values = by_source[source].to_numpy(dtype=float) if source in by_source else np.nan
        ax.bar(x + k * width - 0.4 + width / 2, values, width, label=source)
    ax.axhline(0, color="black", linewidth=0.8)
    ax.set_xticks(x, actors, rotation=30, ha="right")
    ax.set_ylim(-1, 1)
    ax.set_ylabel("net stance (positive − negative) / n")
    ax.set_title("Stance toward each actor by source")
    ax.legend(fontsize="small", ncols=2)
    _save(fig, path)


def _plot_stance_by_month(tables: dict[str, pd.DataFrame], path: Path) -> None:
    by_month = tables["by_month"]
    fig = _figure(8.0, 4.5)
    ax = fig.add_subplot()
    labels = [str(m) for m in by_month.index]
    x = list(range(len(labels)))
    for actor in by_month.columns:
        ax.plot(x, by_month[actor].to_numpy(dtype=float), marker="o", label=str(actor))
    step = max(1, len(labels) // 18)
    ax.set_xticks(x[::step], labels[::step])
    ax.axhline(0, color="black", linewidth=0.8)
    ax.set_ylim(-1, 1)
    ax.set_xlabel("month")
    ax.set_ylabel("net stance (positive − negative) / n")
    ax.set_title("Stance toward each actor over time")
    ax.tick_params(axis="x", rotation=45)
    ax.legend(fontsize="small", ncols=2)
    _save(fig, path)


def _plot_frames_overall(tables: dict[str, pd.DataFrame], path: Path) -> None:
    overall = tables["overall"].iloc[::-1]
    fig = _figure(8.0, max(3.0, 0.35 * len(overall) + 1))
    ax = fig.add_subplot()
    ax.barh([str(i) for i in overall.index], overall["share"].to_numpy(dtype=float))
    ax.set_xlabel("share of sentences")
    ax.set_title("Frames overall")
    _save(fig, path)


def _plot_frames_by_source(tables: dict[str, pd.DataFrame], path: Path) -> None:
    import numpy as np

    by_source = tables["by_source"]
    sources = list(by_source.index)[:MAX_SOURCES]
    fig = _figure(9.0, max(3.0, 0.5 * len(sources) + 1.5))
    ax = fig.add_subplot()
    left = np.zeros(len(sources))
    cmap = _colormap(len(by_source.columns))
    for k, frame in enumerate(by_source.columns):
        values = by_source.loc[sources, frame].to_numpy(dtype=float)
        ax.barh(sources, values, left=left, label=str(frame), color=cmap[k])
        left += values
    ax.set_xlim(0, 1)
    ax.set_xlabel("share of sentences")
    ax.set_title("Frames by source")
    ax.legend(fontsize="x-small", loc="center left", bbox_to_anchor=(1.0, 0.5))
    _save(fig, path)


def _colormap(n: int) -> list[Any]:
    from matplotlib import colormaps

    cmap = colormaps["tab20"]
    return [cmap(i % 20) for i in range(n)]


@dataclass
class Report:
    markdown: Path
    figures: list[Path]


def make_report(predictions: str | os.PathLike[str], out_dir: str | os.PathLike[str]) -> Report:
    """Figures (PNG) and ``report.md`` from a predictions file into ``out_dir``."""
    import pandas as pd

    from framing.predict import load_predictions, prediction_columns

    predictions = Path(predictions)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    names = prediction_columns(predictions)
    stance_labels, frame_labels = _labels_from(names)
    has_stance = "stance" in names and bool(stance_labels)
    has_frames = "frame" in names and bool(frame_labels)
    if not has_stance and not has_frames:
        raise ValueError(
            f"{predictions}: no stance or frame predictions (columns: {', '.join(names)})"
        )
    df = load_predictions(
        predictions,
        ["article_id", "source", "date", "sentence_index", "actor", "stance", "frame"],
    )
    for col in ("source", "date", "actor", "stance", "frame"):
        if col not in df:
            df[col] = None
    dates = pd.to_datetime(df["date"], errors="coerce", utc=True, format="mixed")
    df["month"] = dates.dt.strftime("%Y-%m").where(dates.notna(), None)
    figures: list[Path] = []
    md = [
        "# Stance and framing report",
        "",
        f"Predictions: `{predictions}` — {df['article_id'].nunique()} articles, "
        f"{len(df.drop_duplicates(['article_id', 'sentence_index']))} sentences, "
        f"{len(df)} rows.",
        "",
    ]
    if has_stance:
        t = stance_tables(df, stance_labels)
        md += [
            "## Stance toward each actor",
            "",
            "Net stance = (positive − negative) / n over the (sentence, actor) rows; "
            "shares are of those rows.",
            "",
            _md_table(t["overall"].rename_axis("actor")),
            "",
            "### By source",
            "",
        ]
        if len(t["overall"]):
            _plot_stance_by_source(t, out / "stance_by_source.png")
            figures.append(out / "stance_by_source.png")
            md += ["![Stance by source](stance_by_source.png)", ""]
        md += [
            "Net stance:",
            "",
            _md_table(t["by_source"].rename_axis("actor")),
            "",
            "Rows:",
            "",
            _md_table(t["n_by_source"].rename_axis("actor"), floatfmt=".0f"),
            "",
            "### Over time (by month)",
            "",
        ]
        if len(t["by_month"]):
            _plot_stance_by_month(t, out / "stance_over_time.png")
            figures.append(out / "stance_over_time.png")
            md += [
                "![Stance over time](stance_over_time.png)",
                "",
                "Net stance:",
                "",
                _md_table(t["by_month"]),
                "",
                "Rows:",
                "",
                _md_table(t["n_by_month"], floatfmt=".0f"),
                "",
            ]
        else:
            md += ["No dated articles.", ""]
        undated = int(df["month"].isna().sum())
        if undated:
            md += [f"{undated} rows without a readable date are left out of the monthly view.", ""]
    if has_frames:
        t = frame_tables(df, frame_labels)
        md += [
            "## Frames",
            "",
            "Shares of sentences (each sentence once, whatever its actors).",
            "",
        ]
        if t["overall"]["n"].sum():
            _plot_frames_overall(t, out / "frames_overall.png")
            _plot_frames_by_source(t, out / "frames_by_source.png")
            figures += [out / "frames_overall.png", out / "frames_by_source.png"]
            md += ["![Frames overall](frames_overall.png)", ""]
        md += [
            _md_table(t["overall"], floatfmt=".3f"),
            "",
            "### By source",
            "",
        ]
        if t["overall"]["n"].sum():
            md += ["![Frames by source](frames_by_source.png)", ""]
        md += [_md_table(t["by_source"], floatfmt=".3f"), ""]
    report = out / "report.md"
    with atomic_write(report) as fh:
        fh.write("\n".join(md))
    return Report(report, figures)


# ---------------------------------------------------------------------------
def add_cli(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "report",
        help="figures and a Markdown summary from a predictions file",
        description="Stance toward each actor by source and by month, frame shares "
        "overall and by source: PNG figures plus report.md.",
    )
    p.add_argument("predictions", help="a `framing predict` output (.jsonl, .csv or .parquet)")
    p.add_argument("-o", "--output", required=True, metavar="DIR", help="output folder")
    p.set_defaults(func=cmd_report)


def cmd_report(args: argparse.Namespace) -> int:
    try:
        report = make_report(args.predictions, args.output)
    except (ValueError, FileNotFoundError) as exc:
        log.error("%s", exc)
        return 2
    print(report.markdown.read_text(encoding="utf-8"))
    log.info("report -> %s (%d figures)", report.markdown, len(report.figures))
    return 0
