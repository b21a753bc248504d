"""Reports from a predictions file (``framing predict`` output).

:func:`make_report` — ``framing report PREDICTIONS --output DIR``: PNG figures (stance
toward each actor by source and by month, frame shares overall and by source) and
``report.md`` with the tables and links to the images. It streams the predictions file
and keeps only the few columns a report needs. Per-article summaries are
:mod:`framing.summary`.
"""

from __future__ import annotations

import argparse
import logging
import math
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from framing.io import atomic_write
from framing.predictions import labels_from_columns, load_predictions, prediction_columns
from framing.subcommand import add_command
from framing.summary import (
    NEGATIVE,
    POSITIVE,
    Summary,
    frames_of,
    summarize_predictions,
    write_summary,
)

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "Report",
    "Summary",
    "add_cli",
    "frame_tables",
    "make_report",
    "stance_tables",
    "summarize_predictions",
    "write_summary",
]
log = logging.getLogger(__name__)

MAX_SOURCES = 12  # figures show the sources with most rows; the tables show all


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

    keep = (df["actor"].fillna("") != "") & df["stance"].notna()
    if "sense" in df:  # a pair kept by --keep-not-actor ("Russian" the language): no stance
        keep &= df["sense"] != "not_actor"
    rows = df[keep].copy()
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
    sentences = sentences.assign(frame=sentences["frame"].map(frames_of)).explode("frame")
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

    predictions = Path(predictions)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    names = prediction_columns(predictions)
    stance_labels, frame_labels = labels_from_columns(names)
    has_stance = "stance" in names and bool(stance_labels)
    has_frames = "frame" in names and bool(frame_labels)
    if not has_stance and not has_frames:
        raise ValueError(
            f"{predictions}: no stance or frame predictions (columns: {', '.join(names)})"
        )
    df = load_predictions(
        predictions,
        ["article_id", "source", "date", "sentence_index", "actor", "stance", "frame", "sense"],
    )
    for col in ("source", "date", "actor", "stance", "frame", "sense"):
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
    p = add_command(subparsers, "report", cmd_report)
    p.add_argument("predictions", help="a `framing predict` output (.jsonl, .csv or .parquet)")
    p.add_argument("-o", "--output", required=True, metavar="DIR", help="output folder")


def cmd_report(args: argparse.Namespace) -> int:
    """figures and a Markdown summary from a predictions file

    Stance toward each actor by source and by month, frame shares overall and by source: PNG
    figures plus report.md.
    """
    try:
        report = make_report(args.predictions, args.output)
    except (ValueError, FileNotFoundError) as exc:
        log.error("%s", exc)
        return 2
    print(report.markdown.read_text(encoding="utf-8"))
    log.info("report -> %s (%d figures)", report.markdown, len(report.figures))
    return 0
