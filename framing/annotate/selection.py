"""Active learning: which (sentence, actor) pairs to label next.

A strategy is a function ``(proba, texts, n, rng) -> indices`` (the chosen rows, best
first), picked by name from :data:`STRATEGIES`; add one by adding a function there.

* ``uncertainty`` least confidence: the lowest top probability first;
* ``margin``      the smallest gap between the two most likely labels first;
* ``random``      a seeded random sample (the baseline every curve is judged against);
* ``diverse``     the ``4n`` most uncertain, clustered (k-means on TF-IDF of the
  sentences) into ``n`` groups, the most uncertain of each group: uncertain *and*
  not ``n`` near-copies of one sentence.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

Strategy = Callable[[np.ndarray, Sequence[str], int, np.random.Generator], list[int]]


def least_confidence(proba: np.ndarray) -> np.ndarray:
    """1 − the top probability: higher is less sure."""
    return 1.0 - proba.max(axis=1)


def margin_gap(proba: np.ndarray) -> np.ndarray:
    """The gap between the two most likely labels: lower is less sure."""
    top2 = np.sort(proba, axis=1)[:, -2:]
    return top2[:, 1] - top2[:, 0]


def uncertainty(
    proba: np.ndarray, texts: Sequence[str], n: int, rng: np.random.Generator
) -> list[int]:
    return list(np.argsort(-least_confidence(proba), kind="stable")[:n])


def margin(proba: np.ndarray, texts: Sequence[str], n: int, rng: np.random.Generator) -> list[int]:
    return list(np.argsort(margin_gap(proba), kind="stable")[:n])


def random(proba: np.ndarray, texts: Sequence[str], n: int, rng: np.random.Generator) -> list[int]:
    return list(rng.permutation(len(proba))[:n])


def diverse(proba: np.ndarray, texts: Sequence[str], n: int, rng: np.random.Generator) -> list[int]:
    from sklearn.cluster import KMeans
    from sklearn.feature_extraction.text import TfidfVectorizer

    candidates = uncertainty(proba, texts, 4 * n, rng)
    if len(candidates) <= n:
        return candidates
    try:
        vectors = TfidfVectorizer(sublinear_tf=True, token_pattern=r"(?u)\b\w+\b").fit_transform(
            [texts[i] for i in candidates]
        )
    except ValueError:  # no word at all: nothing to diversify on
        return candidates[:n]
    seed = int(rng.integers(2**31 - 1))
    groups = KMeans(n_clusters=n, n_init=1, random_state=seed).fit_predict(vectors)
    chosen: dict[int, int] = {}
    for i, group in zip(candidates, groups, strict=True):  # candidates are most uncertain first
        chosen.setdefault(int(group), int(i))
    picked = sorted(chosen.values(), key=candidates.index)
    rest = [i for i in candidates if i not in set(picked)]
    return (picked + rest)[:n]


STRATEGIES: dict[str, Strategy] = {
    "uncertainty": uncertainty,
    "margin": margin,
    "random": random,
    "diverse": diverse,
}


def select(
    proba: np.ndarray, texts: Sequence[str], n: int, strategy: str, seed: int = 0
) -> list[int]:
    """Indices of the ``n`` rows ``strategy`` would have labelled next, best first."""
    if strategy not in STRATEGIES:
        raise ValueError(f"unknown strategy {strategy!r}; choose one of {', '.join(STRATEGIES)}")
    proba = np.asarray(proba, dtype=float)
    n = min(n, len(proba))
    if n <= 0:
        return []
    return [int(i) for i in STRATEGIES[strategy](proba, texts, n, np.random.default_rng(seed))]
