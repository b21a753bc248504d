"""Comparison plots (matplotlib, Agg backend), each saved as PNG and SVG atomically.

The functions take plain numbers, not runs: :mod:`framing.compare` prepares them.

* :func:`plot_headline`   one point per run with its interval as error bars;
* :func:`plot_per_actor`  a runs × actors heatmap of macro-F1 with the values written in;
* :func:`plot_confusions` row-normalised confusion matrices side by side;
* :func:`plot_confusion`  one run's confusion matrix with counts (``confusion_matrix.png``);
* :func:`plot_reliability` a reliability diagram (accuracy against confidence per bin).

Both confusion plots draw their panels with :func:`_confusion_panel`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from framing.io import atomic_write

if TYPE_CHECKING:
    from matplotlib.figure import Figure

FORMATS = ("png", "svg")


def _pyplot() -> Any:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def save_figure(fig: Figure, stem: str | Path, dpi: int = 130) -> list[Path]:
    """Write ``fig`` to ``stem.png`` and ``stem.svg`` (atomically) and close it."""
    plt = _pyplot()
    stem = Path(stem)
    written = []
    try:
        for fmt in FORMATS:
            path = stem.with_name(f"{stem.name}.{fmt}")
            with atomic_write(path, "wb") as fh:
                fig.savefig(fh, format=fmt, dpi=dpi, bbox_inches="tight")
            written.append(path)
    finally:
        plt.close(fig)
    return written


def plot_headline(
    names: Sequence[str],
    values: Sequence[float],
    lows: Sequence[float | None],
    highs: Sequence[float | None],
    stem: str | Path,
    metric: str = "macro-F1",
    title: str = "",
) -> list[Path]:
    """One row per run: the headline value as a dot, its interval as an error bar."""
    plt = _pyplot()
    n = len(names)
    fig, ax = plt.subplots(figsize=(7.0, max(2.0, 0.42 * n + 1.2)))
    y = np.arange(n)[::-1]
    vals = np.array(values, dtype=float)
    lo = np.array([v if low is None else low for v, low in zip(vals, lows, strict=True)], float)
    hi = np.array([v if high is None else high for v, high in zip(vals, highs, strict=True)], float)
    err = np.vstack([np.clip(vals - lo, 0, None), np.clip(hi - vals, 0, None)])
    ax.errorbar(vals, y, xerr=err, fmt="o", color="#1f5fa8", ecolor="#6b8fc2", capsize=4)
    for yi, v in zip(y, vals, strict=True):
        if np.isfinite(v):
            ax.annotate(
                f"{v:.3f}", (v, yi), textcoords="offset points", xytext=(0, 7), ha="center",
                fontsize=7,
            )  # fmt: skip
    ax.set_yticks(y, list(names), fontsize=8)
    ax.set_xlabel(f"{metric} (95% interval)")
    finite = np.concatenate([lo[np.isfinite(lo)], hi[np.isfinite(hi)]])
    if finite.size:
        pad = max(0.02, 0.08 * float(finite.max() - finite.min()))
        ax.set_xlim(max(0.0, float(finite.min()) - pad), min(1.0, float(finite.max()) + pad))
    ax.set_ylim(-0.7, n - 0.3)
    ax.grid(axis="x", alpha=0.3)
    if title:
        ax.set_title(title, fontsize=9)
    fig.tight_layout()
    return save_figure(fig, stem)


def plot_per_actor(
    names: Sequence[str],
    actors: Sequence[str],
    matrix: np.ndarray,
    stem: str | Path,
    title: str = "per-actor macro-F1",
) -> list[Path]:
    """Heatmap of ``matrix`` (runs × actors; NaN = not scored) with its values written in."""
    plt = _pyplot()
    matrix = np.asarray(matrix, dtype=float)
    fig, ax = plt.subplots(
        figsize=(max(4.0, 0.9 * len(actors) + 2.5), max(2.0, 0.42 * len(names) + 1.3))
    )
    im = ax.imshow(np.ma.masked_invalid(matrix), cmap="viridis", vmin=0, vmax=1, aspect="auto")
    ax.set_xticks(range(len(actors)), list(actors), rotation=30, ha="right", fontsize=8)
    ax.set_yticks(range(len(names)), list(names), fontsize=8)
    for i in range(matrix.shape[0]):
        for j in range(matrix.shape[1]):
            v = matrix[i, j]
            text = "–" if not np.isfinite(v) else f"{v:.2f}"
            color = "black" if np.isfinite(v) and v > 0.6 else "white"
            ax.text(j, i, text, ha="center", va="center", fontsize=7, color=color)
    fig.colorbar(im, ax=ax, fraction=0.046, label="macro-F1")
    ax.set_title(title, fontsize=9)
    fig.tight_layout()
    return save_figure(fig, stem)


def _confusion_panel(
    ax: Any,
    cm: np.ndarray,
    labels: Sequence[str],
    fontsize: int,
    cell_text: Any,
) -> Any:
    """Draw a row-normalised confusion matrix on ``ax``: the image, the predicted-label
    ticks and, per cell, ``cell_text(count, share)`` (nothing for ``""``)."""
    with np.errstate(invalid="ignore", divide="ignore"):
        norm = cm / np.maximum(cm.sum(axis=1, keepdims=True), 1)
    im = ax.imshow(norm, cmap="Blues", vmin=0, vmax=1)
    ax.set_xticks(range(len(labels)), list(labels), rotation=45, ha="right", fontsize=fontsize)
    for i in range(cm.shape[0]):
        for j in range(cm.shape[1]):
            text = cell_text(cm[i, j], norm[i, j])
            if text:
                ax.text(
                    j, i, text, ha="center", va="center", fontsize=7,
                    color="white" if norm[i, j] > 0.5 else "black",
                )  # fmt: skip
    return im


def plot_confusion(
    y_true: Sequence[str],
    y_pred: Sequence[str],
    labels: Sequence[str],
    path: str | Path,
    title: str = "",
) -> Path:
    """Save a row-normalised confusion matrix with counts as PNG (atomically)."""
    from sklearn.metrics import confusion_matrix

    plt = _pyplot()
    labels = list(labels)
    cm = confusion_matrix(y_true, y_pred, labels=labels)
    size = max(4.0, 0.55 * len(labels) + 2.5)
    fig, ax = plt.subplots(figsize=(size, size * 0.85))
    im = _confusion_panel(ax, cm, labels, 8, lambda count, share: str(count) if count else "")
    ax.set_yticks(range(len(labels)), labels, fontsize=8)
    ax.set_xlabel("predicted")
    ax.set_ylabel("gold")
    fig.colorbar(im, ax=ax, fraction=0.046, label="share of gold row")
    if title:
        ax.set_title(title, fontsize=9)
    fig.tight_layout()
    path = Path(path)
    try:
        with atomic_write(path, "wb") as fh:
            fig.savefig(fh, format="png", dpi=120)
    finally:
        plt.close(fig)
    return path


def plot_confusions(
    panels: Sequence[tuple[str, Sequence[str], np.ndarray]],
    stem: str | Path,
) -> list[Path]:
    """Confusion matrices ``(title, labels, counts)`` side by side, rows normalised to 1."""
    plt = _pyplot()
    n = len(panels)
    k = max(len(labels) for _, labels, _ in panels)
    same_labels = all(list(labels) == list(panels[0][1]) for _, labels, _ in panels)
    per_row = min(n, 4 if k <= 6 else 3)
    rows = math.ceil(n / per_row)
    side = max(2.8, 0.42 * k + 1.2)
    label_room = 0.075 * max(len(str(lab)) for _, labels, _ in panels for lab in labels)
    fig, axes = plt.subplots(
        rows,
        per_row,
        figsize=(side * per_row + label_room * (1 if same_labels else per_row) + 1.0,
                 (side + label_room) * rows),
        squeeze=False,
        layout="constrained",
    )  # fmt: skip
    im = None
    for pos, (ax, (title, labels, cm)) in enumerate(zip(axes.flat, panels, strict=False)):
        cm = np.asarray(cm)
        im = _confusion_panel(
            ax, cm, labels, 7, lambda count, share: f"{share:.2f}" if k <= 8 else ""
        )
        first_column = pos % per_row == 0
        if first_column or not same_labels:
            ax.set_yticks(range(len(labels)), list(labels), fontsize=7)
            ax.set_ylabel("gold", fontsize=8)
        else:
            ax.set_yticks(range(len(labels)), [""] * len(labels))
        ax.set_xlabel("predicted", fontsize=8)
        ax.set_title(title, fontsize=8)
    for ax in list(axes.flat)[n:]:
        ax.axis("off")
    if im is not None:
        fig.colorbar(im, ax=axes.ravel().tolist(), shrink=0.8, label="share of gold row")
    return save_figure(fig, stem)


def plot_reliability(
    curves: Sequence[tuple[str, dict[str, Any], float]],
    stem: str | Path,
    title: str = "",
) -> list[Path]:
    """Reliability diagram: per confidence bin, accuracy (bars for the first curve, dots for
    any others, e.g. before temperature scaling) against the diagonal; bin counts below.

    ``curves`` holds ``(name, bins, ece)`` with ``bins`` from
    :func:`framing.calibration.reliability_bins` (all with the same edges).
    """
    plt = _pyplot()
    fig, (ax, ax_n) = plt.subplots(
        2, 1, figsize=(4.8, 5.6), sharex=True, gridspec_kw={"height_ratios": [3, 1]}
    )
    ax.plot([0, 1], [0, 1], ls="--", color="grey", lw=1, label="perfect calibration")
    colours = ["#1f5fa8", "#d9822b", "#3a9e5f", "#8c564b"]
    for k, (name, bins, ece) in enumerate(curves):
        edges = np.asarray(bins["edges"])
        centres = (edges[:-1] + edges[1:]) / 2
        acc = np.array([np.nan if a is None else a for a in bins["accuracy"]], dtype=float)
        conf = np.array([np.nan if c is None else c for c in bins["confidence"]], dtype=float)
        label = f"{name} (ECE {ece:.3f})"
        colour = colours[k % len(colours)]
        if k == 0:
            width = float(edges[1] - edges[0])
            ax.bar(centres, np.nan_to_num(acc), width=width, color=colour, alpha=0.75,
                   edgecolor="white", label=label)  # fmt: skip
            ax.bar(centres, np.nan_to_num(conf - acc), bottom=np.nan_to_num(acc), width=width,
                   color="none", edgecolor="#c0392b", hatch="//", lw=0.6, label="gap")  # fmt: skip
            ax_n.bar(centres, bins["count"], width=width, color=colour, alpha=0.75)
        else:
            ax.plot(conf, acc, "o-", color=colour, ms=4, lw=1, label=label)
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.set_ylabel("accuracy")
    ax.legend(fontsize=7, loc="upper left")
    ax.grid(alpha=0.3)
    ax_n.set_xlabel("confidence (top-class probability)")
    ax_n.set_ylabel("examples", fontsize=8)
    if title:
        ax.set_title(title, fontsize=9)
    fig.tight_layout()
    return save_figure(fig, stem)
