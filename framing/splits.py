"""Evaluation splits. Every split groups by article: no article is on both sides.

* ``kfold``          stratified grouped k-fold with a seed (StratifiedGroupKFold);
* ``heldout``        one of the corpus's held-out test sets (``splits.json``): the fixed
                     test articles (``split.test=fixed``, the default) or a test-only set
                     such as ``split.test=realistic``;
* ``cross_dataset``  train on one dataset, test on one or several others (one fold each).

Test-only articles (``splits.json``'s ``test_only`` lists) are never trained on: every
split leaves them out of training, and only ``heldout`` with ``split.test=<name>`` tests
on them.

:data:`SPLITS` maps a split config's ``name`` to its builder: adding a split is one
function here, one entry in :data:`SPLITS` and one YAML in ``framing/conf/split/``;
:func:`make_folds` builds the folds a run's ``split`` config names.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
from sklearn.model_selection import GroupKFold, StratifiedGroupKFold

if TYPE_CHECKING:
    from omegaconf import DictConfig


class SplitError(ValueError):
    """A split cannot be made as configured (one clear line for the user)."""


@dataclass(frozen=True, slots=True)
class Fold:
    index: int
    train: np.ndarray
    test: np.ndarray
    name: str = ""  # the test set it scores (cross-dataset runs with several test files)


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


def cross_dataset(n_train: int, n_test: int | Mapping[str, int]) -> list[Fold]:
    """One fold per test set (``n_test``: its size, or ``{name: size}`` for several); every
    fold trains on the same ``n_train`` examples, the test sets follow them in order."""
    sizes = n_test if isinstance(n_test, Mapping) else {"test": n_test}
    if n_train == 0:
        raise SplitError("split=cross_dataset: training dataset has no examples")
    folds, start = [], n_train
    for i, (name, n) in enumerate(sizes.items()):
        if n == 0:
            raise SplitError(f"split=cross_dataset: test dataset {name!r} has no examples")
        folds.append(Fold(i, np.arange(n_train), np.arange(start, start + n), str(name)))
        start += n
    if not folds:
        raise SplitError("split=cross_dataset: split.test_data names no test dataset")
    return folds


# ---------------------------------------------------------------------------
# the registry: split config → (folds, examples, refit indices)
SplitResult = tuple[list[Fold], Any, np.ndarray]


def _without_test_only(examples: Any, test_sets: Mapping[str, Sequence[str]]) -> Any:
    """``examples`` less those of test-only articles (never trained on)."""
    if not never_trained(test_sets or {}):
        return examples
    from framing.examples import columns

    groups = columns(examples, ["article_id"])["article_id"]
    return examples.select(trainable(groups, test_sets))


def _kfold_split(cfg: Mapping[str, Any], seed: int, examples: Any, test_sets, load_test):
    from framing.examples import columns

    examples = _without_test_only(examples, test_sets)
    cols = columns(examples, ["article_id", "label"])
    folds = kfold(
        cols["label"],
        cols["article_id"],
        int(cfg.get("n_splits", 5)),
        seed,
        bool(cfg.get("stratified", True)),
    )
    return folds, examples, np.arange(len(cols["article_id"]))


def _heldout_split(cfg: Mapping[str, Any], seed: int, examples: Any, test_sets, load_test):
    from framing.examples import columns

    test_ids, exclude = choose_test(test_sets or {}, str(cfg.get("test", FIXED)))
    folds = heldout(columns(examples, ["article_id"])["article_id"], test_ids, exclude)
    return folds, examples, folds[0].train


def _cross_dataset_split(cfg: Mapping[str, Any], seed: int, examples: Any, test_sets, load_test):
    from datasets import concatenate_datasets

    examples = _without_test_only(examples, test_sets)
    tests = load_test()  # {test set name: examples}
    n_train = len(examples)
    combined = concatenate_datasets(
        [examples, *(t.cast(examples.features) for t in tests.values())]
    )
    folds = cross_dataset(n_train, {name: len(t) for name, t in tests.items()})
    return folds, combined, folds[0].train


# name → builder(split_cfg, seed, examples, test_sets, load_test) -> (folds, examples, refit
# indices); ``test_sets`` is ``{name: article ids}`` (:mod:`framing.sources`), ``load_test()``
# gives ``{test set name: examples}`` of ``split.test_data`` (cross-dataset only)
SPLITS: dict[str, Callable[..., SplitResult]] = {
    "kfold": _kfold_split,
    "heldout": _heldout_split,
    "cross_dataset": _cross_dataset_split,
}


def make_folds(cfg: DictConfig, examples, test_sets, segmenter, task, labels, multilabel):
    """Folds of ``cfg.split`` (see :data:`SPLITS`), the examples they index and the indices
    the final model is refit on; ``split.test_data`` is loaded only if the split asks."""
    from framing.sources import ConfigError, load_data_sets

    name = cfg.split.get("name", "kfold")
    builder = SPLITS.get(name)
    if builder is None:
        raise ConfigError(f"unknown split.name {name!r}; choose {', '.join(SPLITS)}")

    def load_test():
        spec = cfg.split.get("test_data")
        return load_data_sets(spec, name, "split.test_data", task, labels, multilabel, segmenter)

    return builder(cfg.split, int(cfg.seed), examples, test_sets, load_test)
