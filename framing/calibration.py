"""Calibration of predicted probabilities: expected calibration error and temperature scaling.

* :func:`reliability_bins` — equal-width bins on the top-class probability (the
  confidence): per bin its count, mean confidence and accuracy. The bins are
  right-closed, ``(lo, hi]`` with the first one ``[0, 1/n]``, as in
  :func:`sklearn.calibration.calibration_curve` with ``strategy="uniform"``.
* :func:`expected_calibration_error` — ECE (Guo et al., 2017):
  ``sum_b n_b / n * |accuracy_b - confidence_b|``; 0 for a perfectly calibrated
  model, at most 1.
* :func:`classwise_ece` — the same per class on that class's probability (one
  versus rest), averaged over classes (Kull et al., 2019).
* :func:`fit_temperature` — the scalar ``T`` that minimises the negative
  log-likelihood of ``softmax(logits / T)`` on held-out examples (Guo et al., 2017);
  ``T > 1`` softens an over-confident model, ``T < 1`` sharpens an under-confident one.
* :func:`calibration_metrics` — the dictionary a run's ``metrics.json`` carries.

scikit-learn has no multi-class ECE (``calibration_curve`` is binary and returns no
bin counts), so the few lines of binning live here.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

DEFAULT_BINS = 15
# search range for log T: T in [e^-4, e^4] ≈ [0.018, 54.6]
LOG_T_BOUNDS = (-4.0, 4.0)


def _bin_ids(values: np.ndarray, n_bins: int) -> np.ndarray:
    """Equal-width bin of each value in [0, 1]; right-closed like ``calibration_curve``."""
    if n_bins < 1:
        raise ValueError(f"n_bins must be at least 1, got {n_bins}")
    edges = np.linspace(0.0, 1.0, n_bins + 1)
    return np.searchsorted(edges[1:-1], np.clip(values, 0.0, 1.0))


def reliability_bins(
    correct: Sequence[bool] | np.ndarray,
    confidence: Sequence[float] | np.ndarray,
    n_bins: int = DEFAULT_BINS,
) -> dict[str, list]:
    """Per equal-width bin: ``count``, mean ``confidence`` and ``accuracy`` (None when empty)."""
    correct = np.asarray(correct, dtype=float)
    confidence = np.asarray(confidence, dtype=float)
    if correct.shape != confidence.shape:
        raise ValueError(f"{correct.shape[0]} outcomes but {confidence.shape[0]} confidences")
    ids = _bin_ids(confidence, n_bins)
    count = np.bincount(ids, minlength=n_bins)
    conf_sum = np.bincount(ids, weights=confidence, minlength=n_bins)
    acc_sum = np.bincount(ids, weights=correct, minlength=n_bins)
    nonempty = count > 0
    safe = np.maximum(count, 1)
    return {
        "edges": np.linspace(0.0, 1.0, n_bins + 1).tolist(),
        "count": count.astype(int).tolist(),
        "confidence": [
            float(c) if m else None for c, m in zip(conf_sum / safe, nonempty, strict=True)
        ],
        "accuracy": [
            float(a) if m else None for a, m in zip(acc_sum / safe, nonempty, strict=True)
        ],
    }


def _ece(outcome: np.ndarray, prob: np.ndarray, n_bins: int) -> float:
    """Binned |mean outcome − mean probability|, weighted by the bins' shares."""
    if len(prob) == 0:
        return float("nan")
    ids = _bin_ids(prob, n_bins)
    gap = np.bincount(ids, weights=outcome - prob, minlength=n_bins)
    return float(np.abs(gap).sum() / len(prob))


def _checked(
    y_true: Sequence[int] | np.ndarray, proba: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    proba = np.asarray(proba, dtype=float)
    y_true = np.asarray(y_true, dtype=int)
    if proba.ndim != 2 or proba.shape[0] != y_true.shape[0]:
        raise ValueError(
            f"proba must be (n, n_labels) with n = {y_true.shape[0]} gold labels, got {proba.shape}"
        )
    if len(y_true) and (y_true.min() < 0 or y_true.max() >= proba.shape[1]):
        raise ValueError(f"gold label indices must lie in [0, {proba.shape[1]})")
    return y_true, proba


def expected_calibration_error(
    y_true: Sequence[int] | np.ndarray, proba: np.ndarray, n_bins: int = DEFAULT_BINS
) -> float:
    """Top-label ECE of ``proba`` (n × labels) against gold label indices ``y_true``."""
    y_true, proba = _checked(y_true, proba)
    if len(y_true) == 0:
        return float("nan")
    pred = proba.argmax(axis=1)
    confidence = proba[np.arange(len(pred)), pred]
    return _ece((pred == y_true).astype(float), confidence, n_bins)


def classwise_ece(
    y_true: Sequence[int] | np.ndarray, proba: np.ndarray, n_bins: int = DEFAULT_BINS
) -> float:
    """Mean over classes of the one-vs-rest ECE of that class's probability column."""
    y_true, proba = _checked(y_true, proba)
    if len(y_true) == 0:
        return float("nan")
    return float(
        np.mean(
            [_ece((y_true == k).astype(float), proba[:, k], n_bins) for k in range(proba.shape[1])]
        )
    )


def calibration_metrics(
    gold: Sequence[str], proba: np.ndarray, labels: Sequence[str], n_bins: int = DEFAULT_BINS
) -> dict[str, Any]:
    """ECE, classwise ECE, the reliability bins and the mean confidence for one prediction set."""
    index = {lab: i for i, lab in enumerate(labels)}
    y = np.array([index[g] for g in gold], dtype=int)
    proba = np.asarray(proba, dtype=float)
    if len(y) == 0:
        return {"ece": float("nan"), "classwise_ece": float("nan"), "n_bins": n_bins}
    pred = proba.argmax(axis=1)
    confidence = proba[np.arange(len(y)), pred]
    return {
        "ece": expected_calibration_error(y, proba, n_bins),
        "classwise_ece": classwise_ece(y, proba, n_bins),
        "mean_confidence": float(confidence.mean()),
        "accuracy": float((pred == y).mean()),
        "n_bins": n_bins,
        "bins": reliability_bins(pred == y, confidence, n_bins),
    }


def _log_softmax(z: np.ndarray) -> np.ndarray:
    from scipy.special import log_softmax

    return log_softmax(z, axis=1)


def temperature_nll(logits: np.ndarray, y_true: np.ndarray, temperature: float) -> float:
    """Mean negative log-likelihood of ``softmax(logits / temperature)``."""
    logp = _log_softmax(np.asarray(logits, dtype=float) / temperature)
    return float(-logp[np.arange(len(y_true)), y_true].mean())


def fit_temperature(logits: np.ndarray, y_true: Sequence[int] | np.ndarray) -> float:
    """The temperature minimising held-out NLL (bounded Brent search over log T).

    ``logits`` may be any per-row shift of the logits (log-probabilities work too:
    softmax ignores a constant added to a row). Returns 1.0 for an empty set.
    """
    from scipy.optimize import minimize_scalar

    y_true, logits = _checked(y_true, logits)
    if len(y_true) == 0:
        return 1.0
    res = minimize_scalar(
        lambda log_t: temperature_nll(logits, y_true, float(np.exp(log_t))),
        bounds=LOG_T_BOUNDS,
        method="bounded",
        options={"xatol": 1e-5},
    )
    return float(np.exp(res.x))


def apply_temperature(logits: np.ndarray, temperature: float) -> np.ndarray:
    """``softmax(logits / temperature)`` row-wise."""
    return np.exp(_log_softmax(np.asarray(logits, dtype=float) / temperature))


def undo_temperature(proba: np.ndarray, temperature: float | np.ndarray) -> np.ndarray:
    """The probabilities before scaling: ``softmax(T · log p)`` (``T`` scalar or per row)."""
    t = np.asarray(temperature, dtype=float)
    if t.ndim == 1:
        t = t[:, None]
    logp = np.log(np.maximum(np.asarray(proba, dtype=float), np.finfo(float).tiny))
    return np.exp(_log_softmax(logp * t))


def run_calibration(
    gold: Sequence[str],
    proba: np.ndarray,
    labels: Sequence[str],
    temperature: np.ndarray | None = None,
    n_bins: int = DEFAULT_BINS,
) -> dict[str, Any]:
    """A run's calibration block: metrics of ``proba`` and, when a temperature was applied
    (``temperature`` per example, any ≠ 1), the same before scaling and the temperatures used."""
    out = calibration_metrics(gold, proba, labels, n_bins)
    if temperature is not None and len(temperature) and np.any(np.asarray(temperature) != 1.0):
        before = calibration_metrics(gold, undo_temperature(proba, temperature), labels, n_bins)
        out["before_temperature"] = {k: v for k, v in before.items() if k != "bins"}
        out["temperatures"] = sorted({round(float(t), 6) for t in temperature})
    return out


def fold_calibration(
    gold: Sequence[str], proba: np.ndarray, labels: Sequence[str], temperature: float = 1.0
) -> dict[str, float]:
    """The calibration scalars one fold's metrics carry: ECE (and before scaling, with T)."""
    out = {"ece": calibration_metrics(gold, proba, labels)["ece"]}
    if temperature != 1.0:
        before = undo_temperature(proba, temperature)
        out["ece_before_temperature"] = calibration_metrics(gold, before, labels)["ece"]
        out["temperature"] = float(temperature)
    return out


def write_calibration(
    out_dir: Any,
    gold: Sequence[str],
    proba: np.ndarray,
    labels: Sequence[str],
    temperature: np.ndarray | None = None,
    title: str = "",
) -> dict[str, Any]:
    """:func:`run_calibration` plus ``reliability_diagram.png/.svg`` in ``out_dir``."""
    from pathlib import Path

    from framing.plots import plot_reliability

    report = run_calibration(gold, proba, labels, temperature)
    if len(gold):
        curves = [("model", report["bins"], report["ece"])]
        if "before_temperature" in report:
            unscaled = undo_temperature(proba, temperature)
            before = calibration_metrics(gold, unscaled, labels)
            curves.append(("before temperature scaling", before["bins"], before["ece"]))
        plot_reliability(curves, Path(out_dir) / "reliability_diagram", title=title)
    return report
