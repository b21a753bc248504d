"""Paired significance tests for two systems scored on the same examples.

* :func:`paired_bootstrap` resamples examples (or whole groups of them, e.g. articles)
  with replacement, the same draw for both systems, and reports the difference in
  macro-F1 (B − A) with a percentile interval and a two-sided p-value (the bootstrap
  distribution shifted to the null).
* :func:`approximate_randomization` swaps each example's two predictions with
  probability 0.5 and counts how often the shuffled difference is at least as
  large as the observed one (Noreen 1989; Riezler & Maxwell 2005).
* :func:`mcnemar` tests per-example correctness (exact binomial and χ² with
  continuity correction).

Both resampling tests are vectorised through the weighted confusion matrices of
:mod:`framing.evaluation`: a replicate is a weight vector over examples, so a
chunk of replicates costs one matrix product. p-values use add-one smoothing,
``(1 + hits) / (1 + replicates)``, so they are never exactly zero.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np

from framing.evaluation import (
    bootstrap_weights,
    group_codes,
    macro_f1,
    macro_f1_from_confusion,
    weighted_confusions,
)

# a chunk of replicates holds at most this many weights (× 8 bytes) at once
_CHUNK_CELLS = 4_000_000


def _chunks(total: int, n: int) -> Iterator[int]:
    size = max(1, min(total, _CHUNK_CELLS // max(n, 1)))
    done = 0
    while done < total:
        step = min(size, total - done)
        yield step
        done += step


def _check(
    gold: Sequence[str], pred_a: Sequence[str], pred_b: Sequence[str], labels: Sequence[str]
) -> list[str]:
    if not (len(gold) == len(pred_a) == len(pred_b)):
        raise ValueError(
            f"gold and predictions differ in length: {len(gold)}, {len(pred_a)}, {len(pred_b)}"
        )
    if not gold:
        raise ValueError("no examples to compare")
    labels = list(labels)
    unknown = (set(gold) | set(pred_a) | set(pred_b)) - set(labels)
    if unknown:
        raise ValueError(f"labels not in the label set: {sorted(map(str, unknown))}")
    return labels


def paired_bootstrap(
    gold: Sequence[str],
    pred_a: Sequence[str],
    pred_b: Sequence[str],
    labels: Sequence[str],
    n_boot: int = 10_000,
    seed: int = 0,
    level: float = 0.95,
    groups: Sequence[Any] | None = None,
) -> dict[str, Any]:
    """Paired bootstrap of the macro-F1 difference B − A (with ``groups``, one key per
    example such as its article, whole groups are resampled: a cluster bootstrap).

    Returns ``difference`` (observed), ``ci`` (percentile interval at ``level``),
    ``p_value`` (two-sided: share of replicates whose centred difference is at
    least as far from 0 as the observed one, add-one smoothed), ``n_boot``, ``seed``.
    """
    labels = _check(gold, pred_a, pred_b, labels)
    gold, pred_a, pred_b = list(gold), list(pred_a), list(pred_b)
    observed = macro_f1(gold, pred_b, labels) - macro_f1(gold, pred_a, labels)
    n = len(gold)
    seeds = np.random.SeedSequence(seed).generate_state(-(-n_boot // max(1, _CHUNK_CELLS // n)))
    codes = group_codes(groups, n)
    deltas = []
    for k, size in enumerate(_chunks(n_boot, n)):
        weights = bootstrap_weights(n, size, int(seeds[k]), codes)
        f_a = macro_f1_from_confusion(weighted_confusions(gold, pred_a, labels, weights))
        f_b = macro_f1_from_confusion(weighted_confusions(gold, pred_b, labels, weights))
        deltas.append(f_b - f_a)
    d = np.concatenate(deltas)
    alpha = (1 - level) / 2
    low, high = np.nanquantile(d, [alpha, 1 - alpha])
    # shift the bootstrap distribution to the null (mean difference 0)
    hits = int(np.sum(np.abs(d - observed) >= abs(observed) - 1e-12))
    return {
        "difference": float(observed),
        "ci": {"low": float(low), "high": float(high), "level": level},
        "p_value": (1 + hits) / (1 + len(d)),
        "n_boot": int(n_boot),
        "seed": int(seed),
    }


def approximate_randomization(
    gold: Sequence[str],
    pred_a: Sequence[str],
    pred_b: Sequence[str],
    labels: Sequence[str],
    n_rounds: int = 10_000,
    seed: int = 0,
) -> dict[str, Any]:
    """Approximate randomisation test of the macro-F1 difference B − A (two-sided).

    In each round every example's two predictions are swapped with probability
    0.5; the p-value is the add-one smoothed share of rounds whose absolute
    difference is at least the observed absolute difference.
    """
    labels = _check(gold, pred_a, pred_b, labels)
    gold, pred_a, pred_b = list(gold), list(pred_a), list(pred_b)
    observed = macro_f1(gold, pred_b, labels) - macro_f1(gold, pred_a, labels)
    n = len(gold)
    ones = np.ones((1, n))
    conf_a = weighted_confusions(gold, pred_a, labels, ones)[0]
    conf_b = weighted_confusions(gold, pred_b, labels, ones)[0]
    rng = np.random.default_rng(seed)
    hits = 0
    for size in _chunks(n_rounds, n):
        swap = (rng.random((size, n)) < 0.5).astype(float)
        # confusion counts of the swapped systems: A keeps its rows except the swapped ones
        moved_a = weighted_confusions(gold, pred_a, labels, swap)
        moved_b = weighted_confusions(gold, pred_b, labels, swap)
        shuffled_a = conf_a - moved_a + moved_b
        shuffled_b = conf_b - moved_b + moved_a
        stat = np.abs(macro_f1_from_confusion(shuffled_b) - macro_f1_from_confusion(shuffled_a))
        hits += int(np.sum(stat >= abs(observed) - 1e-12))
    return {
        "difference": float(observed),
        "p_value": (1 + hits) / (1 + n_rounds),
        "n_rounds": int(n_rounds),
        "seed": int(seed),
    }


def mcnemar(gold: Sequence[Any], pred_a: Sequence[Any], pred_b: Sequence[Any]) -> dict[str, Any]:
    """McNemar's test on per-example correctness of A and B.

    ``only_a`` / ``only_b``: examples that only A / only B gets right. Reports the
    exact two-sided binomial p-value and the χ² statistic with continuity
    correction and its p-value; ``p_value`` is the exact one.
    """
    from scipy.stats import binomtest, chi2

    if not (len(gold) == len(pred_a) == len(pred_b)):
        raise ValueError("gold and predictions differ in length")
    right_a = np.array([p == g for p, g in zip(pred_a, gold, strict=True)])
    right_b = np.array([p == g for p, g in zip(pred_b, gold, strict=True)])
    only_a = int(np.sum(right_a & ~right_b))
    only_b = int(np.sum(~right_a & right_b))
    discordant = only_a + only_b
    if discordant == 0:
        exact_p, stat, chi2_p = 1.0, 0.0, 1.0
    else:
        exact_p = float(binomtest(only_b, discordant, 0.5, alternative="two-sided").pvalue)
        stat = max(0, abs(only_a - only_b) - 1) ** 2 / discordant
        chi2_p = float(chi2.sf(stat, 1))
    return {
        "only_a": only_a,
        "only_b": only_b,
        "both_right": int(np.sum(right_a & right_b)),
        "both_wrong": int(np.sum(~right_a & ~right_b)),
        "exact_p": min(1.0, exact_p),
        "chi2": float(stat),
        "chi2_p": chi2_p,
        "p_value": min(1.0, exact_p),
    }
