"""Evaluation splits. Every split groups by article: no article is on both sides.

* ``kfold``          stratified grouped k-fold with a seed (StratifiedGroupKFold);
* ``heldout``        one of the corpus's held-out test sets (``splits.json``): the fixed
                     test articles (``split.test=fixed``, the default) or a test-only set
                     such as ``split.test=realistic``;
* ``cross_dataset``  train on one dataset, test on another.

Test-only articles (``splits.json``'s ``test_only`` lists) are never trained on: every
split leaves them out of training, and only ``heldout`` with ``split.test=<name>`` tests
on them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from sklearn.model_selection import GroupKFold, StratifiedGroupKFold


class SplitError(ValueError):
    """A split cannot be made as configured (one clear line for the user)."""


@dataclass(frozen=True, slots=True)
class Fold:
    index: int
    train: np.ndarray
    test: np.ndarray


def _strat_labels(labels: Sequence) -> list[str]:
    return [lab[0] if isinstance(lab, list | tuple) and lab else str(lab) for lab in labels]


def kfold(
    labels: Sequence,
    groups: Sequence[str],
    n_splits: int = 5,
    seed: int = 0,
    stratified: bool = True,
) -> list[Fold]:
    n_groups = len(set(groups))
    if n_splits < 2:
        raise SplitError(f"split.n_splits must be at least 2, got {n_splits}")
    if n_groups < n_splits:
        raise SplitError(
            f"only {n_groups} article(s) in the data, fewer than split.n_splits={n_splits}"
        )
    X = np.zeros((len(groups), 1))
    if stratified:
        splitter = StratifiedGroupKFold(n_splits=n_splits, shuffle=True, random_state=seed)
        it = splitter.split(X, _strat_labels(labels), groups)
    else:
        it = GroupKFold(n_splits=n_splits, shuffle=True, random_state=seed).split(X, groups=groups)
    folds = [Fold(i, np.asarray(tr), np.asarray(te)) for i, (tr, te) in enumerate(it)]
    for f in folds:
        if len(f.test) == 0 or len(f.train) == 0:
            raise SplitError(f"fold {f.index} is empty; use fewer folds")
    return folds


FIXED = "fixed"


def never_trained(test_sets: Mapping[str, Sequence[str]]) -> set[str]:
    """Articles of every test set but the fixed one: never trained on."""
    return {a for name, ids in test_sets.items() if name != FIXED for a in ids}


def trainable(groups: Sequence[str], test_sets: Mapping[str, Sequence[str]]) -> np.ndarray:
    """Indices of the examples that are not in a test-only article."""
    excluded = never_trained(test_sets)
    return np.array([i for i, g in enumerate(groups) if g not in excluded], dtype=int)


def choose_test(
    test_sets: Mapping[str, Sequence[str]], name: str = FIXED
) -> tuple[list[str], set[str]]:
    """(test articles of the set ``name``, articles to keep out of training besides them).

    Training is the same whichever set is tested: no article of any held-out set.
    """
    if name not in test_sets and name != FIXED:
        known = ", ".join(sorted(test_sets)) or "none"
        raise SplitError(f"split.test={name!r}: splits.json has no such test set (known: {known})")
    excluded = {a for ids in test_sets.values() for a in ids}
    return list(test_sets.get(name, [])), excluded


def heldout(
    groups: Sequence[str], test_ids: Sequence[str], exclude: Sequence[str] | set[str] = ()
) -> list[Fold]:
    """Test on ``test_ids``; train on every other article except those in ``exclude``."""
    if not test_ids:
        raise SplitError(
            "split=heldout needs the corpus's fixed test split (splits.json with a 'test' list)"
        )
    test_set = set(test_ids)
    left_out = set(exclude) - test_set
    idx = np.arange(len(groups))
    is_test = np.array([g in test_set for g in groups])
    is_train = np.array([g not in test_set and g not in left_out for g in groups])
    if not is_test.any():
        raise SplitError("split=heldout: none of the test articles has examples (empty test split)")
    if not is_train.any():
        raise SplitError("split=heldout: every example is in the test split (empty training split)")
    return [Fold(0, idx[is_train], idx[is_test])]


def cross_dataset(n_train: int, n_test: int) -> list[Fold]:
    if n_train == 0 or n_test == 0:
        raise SplitError(
            f"split=cross_dataset: {'training' if n_train == 0 else 'test'} dataset has no examples"
        )
    return [Fold(0, np.arange(n_train), np.arange(n_train, n_train + n_test))]
