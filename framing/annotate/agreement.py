"""Agreement between annotators on the items several of them labelled.

An *item* is one decision: a sentence's frame, or its stance toward one actor.
The coefficients come from well-kept libraries: Cohen's kappa per annotator pair
(:func:`sklearn.metrics.cohen_kappa_score`), Fleiss' kappa over the items with the
most common number of raters (:func:`statsmodels.stats.inter_rater.fleiss_kappa`,
which needs the same number per item), and Krippendorff's alpha (nominal) over all
items with two or more raters, missing ratings allowed (:mod:`krippendorff`).
"""

from __future__ import annotations

import collections
import itertools
import math
from collections.abc import Hashable, Mapping
from typing import Any

import numpy as np

Ratings = Mapping[Hashable, Mapping[str, str]]  # item → annotator → label


def _clean(value: float) -> float | None:
    return None if value is None or math.isnan(value) else round(float(value), 4)


def cohen_pairs(ratings: Ratings) -> dict[str, dict[str, Any]]:
    """Cohen's kappa for every annotator pair over the items both labelled."""
    from sklearn.metrics import cohen_kappa_score

    annotators = sorted({a for r in ratings.values() for a in r})
    out = {}
    for a, b in itertools.combinations(annotators, 2):
        both = [(r[a], r[b]) for r in ratings.values() if a in r and b in r]
        if len(both) < 2:
            continue
        x, y = zip(*both, strict=True)
        same = sum(p == q for p, q in both) / len(both)
        kappa = 1.0 if len(set(x) | set(y)) == 1 else cohen_kappa_score(x, y)
        out[f"{a}|{b}"] = {"kappa": _clean(kappa), "n": len(both), "agreement": round(same, 4)}
    return out


def fleiss(ratings: Ratings) -> dict[str, Any] | None:
    """Fleiss' kappa over the items rated by the most common number (≥ 2) of annotators."""
    from statsmodels.stats.inter_rater import aggregate_raters, fleiss_kappa

    counts = collections.Counter(len(r) for r in ratings.values() if len(r) >= 2)
    if not counts:
        return None
    m, _ = max(counts.items(), key=lambda kv: (kv[1], kv[0]))
    rows = [sorted(r.values()) for r in ratings.values() if len(r) == m]
    if len(rows) < 2:
        return None
    labels = sorted({lab for row in rows for lab in row})
    codes = np.array([[labels.index(lab) for lab in row] for row in rows])
    table, _ = aggregate_raters(codes, n_cat=len(labels))
    kappa = 1.0 if len(labels) == 1 else fleiss_kappa(table, method="fleiss")
    return {"kappa": _clean(kappa), "n_items": len(rows), "raters_per_item": m}


def krippendorff_alpha(ratings: Ratings) -> dict[str, Any] | None:
    """Krippendorff's alpha (nominal) over items with two or more ratings."""
    import krippendorff

    items = [r for r in ratings.values() if len(r) >= 2]
    if len(items) < 2:
        return None
    annotators = sorted({a for r in items for a in r})
    labels = sorted({lab for r in items for lab in r.values()})
    if len(labels) == 1:
        return {"alpha": 1.0, "n_items": len(items)}
    matrix = np.full((len(annotators), len(items)), np.nan)
    for j, r in enumerate(items):
        for a, lab in r.items():
            matrix[annotators.index(a), j] = labels.index(lab)
    alpha = krippendorff.alpha(reliability_data=matrix, level_of_measurement="nominal")
    return {"alpha": _clean(alpha), "n_items": len(items)}


def agreement(ratings: Ratings) -> dict[str, Any]:
    """All three coefficients plus raw agreement, for items with two or more annotators."""
    shared = {k: r for k, r in ratings.items() if len(r) >= 2}
    agreeing = sum(len(set(r.values())) == 1 for r in shared.values())
    return {
        "items": len(shared),
        "annotators": sorted({a for r in shared.values() for a in r}),
        "all_agree": round(agreeing / len(shared), 4) if shared else None,
        "cohen_kappa": cohen_pairs(shared),
        "fleiss_kappa": fleiss(shared),
        "krippendorff_alpha": krippendorff_alpha(shared),
    }
