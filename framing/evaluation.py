"""Metrics: macro-F1 (the headline), accuracy, per-class P/R/F1, per-actor
macro-F1, F1 over positive and negative only (NewsMTSC's F1pn), bootstrap
intervals, fold aggregation, multi-label metrics, and the stance subsets of a run
(sentences with several actors, :func:`subset_metrics`).

Point metrics come from scikit-learn; the bootstrap draws example weights and
computes macro-F1 from weighted confusion counts, so 1,000 replicates cost one
matrix product.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from sklearn.metrics import (
    accuracy_score,
    f1_score,
    hamming_loss,
    precision_recall_fscore_support,
)

POSITIVE_NEGATIVE = ("positive", "negative")


def _present(y_true: Sequence[str], y_pred: Sequence[str], labels: Sequence[str]) -> list[str]:
    """Labels that occur in gold or predictions, in ``labels`` order (scikit-learn's macro set)."""
    seen = set(y_true) | set(y_pred)
    return [lab for lab in labels if lab in seen]


def _per_class(labels: Sequence[str], p, r, f, s) -> dict[str, dict[str, float | int]]:
    return {
        lab: {
            "precision": float(p[i]),
            "recall": float(r[i]),
            "f1": float(f[i]),
            "support": int(s[i]),
        }
        for i, lab in enumerate(labels)
    }


def macro_f1(y_true: Sequence[str], y_pred: Sequence[str], labels: Sequence[str]) -> float:
    present = _present(y_true, y_pred, labels)
    if not present:
        return float("nan")
    return float(f1_score(y_true, y_pred, labels=present, average="macro", zero_division=0))


def f1_pn(y_true: Sequence[str], y_pred: Sequence[str], labels: Sequence[str]) -> float | None:
    """Macro-F1 over the positive and negative classes only (None if the label set lacks them).

    Each class's F1 is computed over all examples (a neutral example predicted positive is
    a false positive of positive), so this is NewsMTSC's F1pn and also SemEval-2016 task
    6's official metric, F_avg = (F1(FAVOR) + F1(AGAINST)) / 2, as its ``eval.pl`` computes
    it (over all targets' tweets pooled).
    """
    if not all(lab in labels for lab in POSITIVE_NEGATIVE):
        return None
    return float(
        f1_score(y_true, y_pred, labels=list(POSITIVE_NEGATIVE), average="macro", zero_division=0)
    )


def macro_f1_from_confusion(conf: np.ndarray) -> np.ndarray:
    """Macro-F1 per confusion matrix; ``conf`` is (..., K, K) with gold on rows.

    Labels with no gold and no predicted example are left out of the mean.
    """
    tp = np.diagonal(conf, axis1=-2, axis2=-1)
    fp = conf.sum(axis=-2) - tp
    fn = conf.sum(axis=-1) - tp
    denom = 2 * tp + fp + fn
    with np.errstate(invalid="ignore", divide="ignore"):
        f1 = np.where(denom > 0, 2 * tp / np.where(denom > 0, denom, 1), 0.0)
    present = denom > 0
    n_present = present.sum(axis=-1)
    return np.where(n_present > 0, (f1 * present).sum(axis=-1) / np.maximum(n_present, 1), np.nan)


def group_codes(groups: Sequence[Any] | None, n: int) -> np.ndarray | None:
    """Each example's group as an index ``0..g-1`` (``None`` stays ``None``): what
    :func:`bootstrap_weights` resamples; computed once per scoring, not per draw."""
    if groups is None:
        return None
    if len(groups) != n:
        raise ValueError(f"groups has {len(groups)} keys for {n} examples")
    return np.unique(np.asarray([str(g) for g in groups]), return_inverse=True)[1]


def bootstrap_weights(
    n: int, n_boot: int, seed: int, codes: np.ndarray | None = None
) -> np.ndarray:
    """(n_boot, n) multinomial resampling counts.

    With ``codes`` (:func:`group_codes`: one group per example, e.g. its article) whole
    groups are resampled (a cluster bootstrap): every example of a group drawn k times gets
    weight k, so examples that are not independent (paragraphs of one article) do not
    narrow the interval as if they were. One group per example draws exactly as without."""
    rng = np.random.default_rng(seed)
    if codes is None:
        return rng.multinomial(n, np.full(n, 1.0 / n), size=n_boot).astype(float)
    g = int(codes.max()) + 1 if n else 0
    counts = rng.multinomial(g, np.full(g, 1.0 / g), size=n_boot)
    return counts[:, codes].astype(float)


def weighted_confusions(
    y_true: Sequence[str], y_pred: Sequence[str], labels: Sequence[str], weights: np.ndarray
) -> np.ndarray:
    index = {lab: i for i, lab in enumerate(labels)}
    k = len(labels)
    t = np.array([index[y] for y in y_true])
    p = np.array([index[y] for y in y_pred])
    onehot = np.zeros((len(t), k * k))
    onehot[np.arange(len(t)), t * k + p] = 1.0
    return (weights @ onehot).reshape(-1, k, k)


def bootstrap_macro_f1(
    y_true: Sequence[str],
    y_pred: Sequence[str],
    labels: Sequence[str],
    n_boot: int = 1000,
    seed: int = 0,
    level: float = 0.95,
    groups: Sequence[Any] | None = None,
) -> dict[str, float]:
    """Percentile bootstrap interval for macro-F1 (examples resampled with replacement;
    with ``groups``, whole groups: :func:`bootstrap_weights`)."""
    labels = list(labels)
    if len(y_true) == 0:
        return {"low": float("nan"), "high": float("nan"), "n_boot": n_boot, "level": level}
    weights = bootstrap_weights(len(y_true), n_boot, seed, group_codes(groups, len(y_true)))
    scores = macro_f1_from_confusion(weighted_confusions(y_true, y_pred, labels, weights))
    alpha = (1 - level) / 2
    low, high = np.nanquantile(scores, [alpha, 1 - alpha])
    return {"low": float(low), "high": float(high), "n_boot": n_boot, "level": level}


def classification_metrics(
    y_true: Sequence[str],
    y_pred: Sequence[str],
    labels: Sequence[str],
    actors: Sequence[str] | None = None,
    n_boot: int = 1000,
    seed: int = 0,
    groups: Sequence[Any] | None = None,
) -> dict[str, Any]:
    """All single-label metrics for one set of predictions (``groups``: resample whole
    groups for the macro-F1 interval, e.g. articles)."""
    y_true, y_pred, labels = list(y_true), list(y_pred), list(labels)
    p, r, f, s = precision_recall_fscore_support(y_true, y_pred, labels=labels, zero_division=0)
    out: dict[str, Any] = {
        "n": len(y_true),
        "macro_f1": macro_f1(y_true, y_pred, labels),
        "accuracy": float(accuracy_score(y_true, y_pred)) if y_true else float("nan"),
        "per_class": _per_class(labels, p, r, f, s),
    }
    pn = f1_pn(y_true, y_pred, labels)
    if pn is not None:
        out["f1_pn"] = pn
    if n_boot:
        out["macro_f1_ci"] = bootstrap_macro_f1(
            y_true, y_pred, labels, n_boot=n_boot, seed=seed, groups=groups
        )
    if actors is not None and any(actors):
        per_actor = {}
        for actor in sorted(set(actors)):
            idx = [i for i, a in enumerate(actors) if a == actor]
            yt, yp = [y_true[i] for i in idx], [y_pred[i] for i in idx]
            per_actor[actor] = {"macro_f1": macro_f1(yt, yp, labels), "n": len(idx)}
        out["per_actor"] = per_actor
    return out


def multilabel_metrics(
    y_true: Sequence[Sequence[str]], y_pred: Sequence[Sequence[str]], labels: Sequence[str]
) -> dict[str, Any]:
    """Micro/macro/samples F1, Hamming loss and subset accuracy for multi-label frames."""
    from sklearn.preprocessing import MultiLabelBinarizer

    mlb = MultiLabelBinarizer(classes=list(labels))
    yt, yp = mlb.fit_transform(y_true), mlb.transform(y_pred)
    p, r, f, s = precision_recall_fscore_support(yt, yp, zero_division=0)
    return {
        "n": len(y_true),
        "macro_f1": float(f1_score(yt, yp, average="macro", zero_division=0)),
        "micro_f1": float(f1_score(yt, yp, average="micro", zero_division=0)),
        "samples_f1": float(f1_score(yt, yp, average="samples", zero_division=0)),
        "hamming_loss": float(hamming_loss(yt, yp)),
        "subset_accuracy": float(accuracy_score(yt, yp)),
        "per_class": _per_class(labels, p, r, f, s),
    }


def _differing_sentences(cols: Mapping[str, Sequence]) -> set[tuple[str, int, int, str]]:
    """Sentences whose actors have different gold stances."""
    by_sentence: dict[tuple[str, int, int, str], set[str]] = {}
    for a, s, e, t, lab in zip(
        cols["article_id"], cols["start"], cols["end"], cols["sentence"], cols["label"], strict=True
    ):
        by_sentence.setdefault((a, s, e, t), set()).add(str(lab))
    return {k for k, v in by_sentence.items() if len(v) > 1}


def subset_metrics(
    cols: Mapping[str, Sequence],
    scored: Sequence[int],
    y_true: Sequence[str],
    y_pred: Sequence[str],
    labels: Sequence[str],
    n_boot: int = 1000,
    seed: int = 0,
) -> dict[str, dict[str, Any]]:
    """Stance metrics on the scored examples whose sentence holds several actors:
    ``multi_actor`` (two or more) and ``multi_actor_differing`` (actors with different gold
    stances); a subset without examples is left out. ``cols``: the examples' ``n_actors``,
    ``article_id``, ``start``, ``end``, ``sentence`` and ``label`` columns; ``scored``: the
    indices of the examples ``y_true`` and ``y_pred`` hold, in order."""
    n_act = np.array(cols["n_actors"])[scored]
    differing = _differing_sentences(cols)
    keys = list(zip(cols["article_id"], cols["start"], cols["end"], cols["sentence"], strict=True))
    subsets = {
        "multi_actor": [k for k, n in enumerate(n_act) if n >= 2],
        "multi_actor_differing": [k for k, i in enumerate(scored) if keys[i] in differing],
    }
    return {
        name: classification_metrics(
            [y_true[k] for k in idx],
            [y_pred[k] for k in idx],
            labels,
            n_boot=n_boot,
            seed=seed,
        )
        for name, idx in subsets.items()
        if idx
    }


SCALARS = (
    "macro_f1",
    "accuracy",
    "f1_pn",
    "micro_f1",
    "samples_f1",
    "hamming_loss",
    "subset_accuracy",
    "ece",
    "ece_before_temperature",
)


def aggregate_folds(folds: Sequence[dict[str, Any]]) -> dict[str, dict[str, float]]:
    """Mean and sample standard deviation of each scalar metric over folds."""
    out = {}
    for key in SCALARS:
        values = [f[key] for f in folds if f.get(key) is not None and not np.isnan(f[key])]
        if values:
            out[key] = {
                "mean": float(np.mean(values)),
                "sd": float(np.std(values, ddof=1)) if len(values) > 1 else 0.0,
                "n_folds": len(values),
            }
    return out
