"""Evaluation splits (framing.splits): grouped k-fold, held-out, cross-dataset."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pytest

from framing.splits import (
    Fold,
    SplitError,
    choose_test,
    cross_dataset,
    heldout,
    kfold,
    never_trained,
    trainable,
)


def _grouped_data(n_articles: int = 9, per_article: int = 4):
    """Article a<k> holds ``per_article`` examples of one label; labels cycle x, y, z."""
    labels, groups = [], []
    for k in range(n_articles):
        lab = "xyz"[k % 3]
        for _ in range(per_article):
            labels.append(lab)
            groups.append(f"a{k}")
    return labels, groups


def _fold_sets(folds):
    return [tuple(sorted(f.test.tolist())) for f in folds]


@pytest.mark.parametrize("stratified", [True, False])
def test_kfold_groups_by_article_and_covers_every_example_once(stratified):
    labels, groups = _grouped_data(10, 3)
    folds = kfold(labels, groups, n_splits=3, seed=5, stratified=stratified)
    assert [f.index for f in folds] == [0, 1, 2]
    assert all(isinstance(f, Fold) for f in folds)
    tested = np.concatenate([f.test for f in folds])
    assert sorted(tested.tolist()) == list(range(len(labels)))
    for f in folds:
        assert len(f.train) + len(f.test) == len(labels)
        assert not set(f.train.tolist()) & set(f.test.tolist())
        train_articles = {groups[i] for i in f.train}
        test_articles = {groups[i] for i in f.test}
        assert not train_articles & test_articles, "an article is on both sides"


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_kfold_stratification_keeps_every_label_in_every_fold(seed):
    labels, groups = _grouped_data(9, 4)  # 3 articles per label, 3 folds
    for f in kfold(labels, groups, n_splits=3, seed=seed):
        assert Counter(labels[i] for i in f.test) == {"x": 4, "y": 4, "z": 4}
        assert {labels[i] for i in f.train} == {"x", "y", "z"}


def test_kfold_same_seed_same_folds_and_seeds_change_folds():
    labels, groups = _grouped_data(12, 2)
    first = _fold_sets(kfold(labels, groups, n_splits=3, seed=7))
    assert first == _fold_sets(kfold(labels, groups, n_splits=3, seed=7))
    others = {tuple(_fold_sets(kfold(labels, groups, n_splits=3, seed=s))) for s in range(8)}
    assert len(others) > 1, "the seed has no effect on the folds"


def test_unstratified_kfold_is_seeded_too():
    labels, groups = _grouped_data(12, 2)
    seen = {
        tuple(_fold_sets(kfold(labels, groups, n_splits=3, seed=s, stratified=False)))
        for s in range(6)
    }
    assert len(seen) > 1


def test_kfold_multilabel_stratifies_on_first_label():
    labels, groups = _grouped_data(6, 2)
    multi = [[lab, "extra"] for lab in labels]
    folds = kfold(multi, groups, n_splits=2, seed=0)
    assert len(folds) == 2
    for f in folds:
        assert {multi[i][0] for i in f.test} == {"x", "y", "z"}


def test_kfold_too_few_articles():
    labels, groups = _grouped_data(3, 5)
    with pytest.raises(SplitError, match=r"only 3 article\(s\).*n_splits=5"):
        kfold(labels, groups, n_splits=5)


@pytest.mark.parametrize("n", [0, 1])
def test_kfold_needs_two_folds(n):
    labels, groups = _grouped_data(6, 1)
    with pytest.raises(SplitError, match="at least 2"):
        kfold(labels, groups, n_splits=n)


def test_heldout_uses_the_fixed_test_articles():
    groups = ["a", "a", "b", "c", "c", "d"]
    (fold,) = heldout(groups, ["c", "zzz"])  # unknown ids are harmless
    assert fold.index == 0
    assert fold.test.tolist() == [3, 4]
    assert fold.train.tolist() == [0, 1, 2, 5]


def test_heldout_errors():
    groups = ["a", "b"]
    with pytest.raises(SplitError, match="splits.json"):
        heldout(groups, [])
    with pytest.raises(SplitError, match="empty test split"):
        heldout(groups, ["x"])
    with pytest.raises(SplitError, match="empty training split"):
        heldout(groups, ["a", "b"])


TEST_SETS = {"fixed": ["c"], "realistic": ["d", "e"]}


def test_test_only_articles_are_left_out_of_training():
    groups = ["a", "a", "b", "c", "c", "d", "e", "e"]
    assert never_trained(TEST_SETS) == {"d", "e"}
    assert trainable(groups, TEST_SETS).tolist() == [0, 1, 2, 3, 4]
    assert trainable(groups, {"fixed": ["c"]}).tolist() == list(range(8))
    # the fixed test: trains on neither the fixed nor the realistic articles
    (fold,) = heldout(groups, *choose_test(TEST_SETS))
    assert fold.test.tolist() == [3, 4] and fold.train.tolist() == [0, 1, 2]
    # the realistic test: the same training examples
    (fold,) = heldout(groups, *choose_test(TEST_SETS, "realistic"))
    assert fold.test.tolist() == [5, 6, 7] and fold.train.tolist() == [0, 1, 2]


def test_choose_test_errors():
    with pytest.raises(SplitError, match=r"split.test='nope'.*known: fixed, realistic"):
        choose_test(TEST_SETS, "nope")
    # a corpus without a fixed split keeps heldout's own message
    assert choose_test({}) == ([], set())
    with pytest.raises(SplitError, match="splits.json"):
        heldout(["a"], *choose_test({}))


def test_cross_dataset():
    (fold,) = cross_dataset(3, 2)
    assert fold.train.tolist() == [0, 1, 2]
    assert fold.test.tolist() == [3, 4]
    with pytest.raises(SplitError, match="training"):
        cross_dataset(0, 2)
    with pytest.raises(SplitError, match="test"):
        cross_dataset(2, 0)
