"""Paired significance tests: known answers, symmetry, an exact permutation check."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from framing.evaluation import macro_f1
from framing.significance import approximate_randomization, mcnemar, paired_bootstrap

LABELS = ["negative", "neutral", "positive"]


def _system(gold: list[str], accuracy: float, seed: int) -> list[str]:
    """Predictions right on exactly ``accuracy`` of the examples, a wrong label elsewhere."""
    rng = np.random.default_rng(seed)
    n = len(gold)
    right = np.zeros(n, bool)
    right[rng.choice(n, int(round(accuracy * n)), replace=False)] = True
    out = []
    for g, ok in zip(gold, right, strict=True):
        out.append(g if ok else str(rng.choice([lab for lab in LABELS if lab != g])))
    return out


@pytest.fixture(scope="module")
def gold() -> list[str]:
    rng = np.random.default_rng(7)
    return [str(x) for x in rng.choice(LABELS, 400)]


def test_identical_systems_give_no_difference(gold: list[str]) -> None:
    pred = _system(gold, 0.7, 1)
    boot = paired_bootstrap(gold, pred, pred, LABELS, n_boot=2000, seed=3)
    ar = approximate_randomization(gold, pred, pred, LABELS, n_rounds=2000, seed=3)
    assert boot["difference"] == 0.0 and ar["difference"] == 0.0
    assert boot["ci"]["low"] == boot["ci"]["high"] == 0.0
    assert boot["p_value"] > 0.5 and ar["p_value"] > 0.5
    assert mcnemar(gold, pred, pred)["p_value"] == 1.0


def test_clearly_better_system_is_significant(gold: list[str]) -> None:
    weak, strong = _system(gold, 0.5, 1), _system(gold, 0.9, 2)
    expected = macro_f1(gold, strong, LABELS) - macro_f1(gold, weak, LABELS)
    boot = paired_bootstrap(gold, weak, strong, LABELS, n_boot=2000, seed=0)
    ar = approximate_randomization(gold, weak, strong, LABELS, n_rounds=2000, seed=0)
    assert boot["difference"] == pytest.approx(expected) and expected > 0.3
    assert boot["ci"]["low"] > 0.2 and boot["ci"]["low"] < expected < boot["ci"]["high"]
    assert boot["p_value"] < 0.01 and ar["p_value"] < 0.01
    # add-one smoothing: never zero
    assert boot["p_value"] == pytest.approx(1 / 2001) and ar["p_value"] == pytest.approx(1 / 2001)
    mc = mcnemar(gold, weak, strong)
    assert mc["only_b"] > mc["only_a"] and mc["p_value"] < 0.01 and mc["chi2_p"] < 0.01


def test_swapping_the_systems_negates_the_difference(gold: list[str]) -> None:
    a, b = _system(gold, 0.6, 4), _system(gold, 0.65, 5)
    ab = paired_bootstrap(gold, a, b, LABELS, n_boot=1000, seed=9)
    ba = paired_bootstrap(gold, b, a, LABELS, n_boot=1000, seed=9)
    assert ab["difference"] == pytest.approx(-ba["difference"])
    assert ab["ci"]["low"] == pytest.approx(-ba["ci"]["high"])
    assert ab["p_value"] == pytest.approx(ba["p_value"])
    ar_ab = approximate_randomization(gold, a, b, LABELS, n_rounds=1000, seed=9)
    ar_ba = approximate_randomization(gold, b, a, LABELS, n_rounds=1000, seed=9)
    assert ar_ab["p_value"] == pytest.approx(ar_ba["p_value"])


def test_same_seed_same_answer(gold: list[str]) -> None:
    a, b = _system(gold, 0.6, 4), _system(gold, 0.65, 5)
    assert paired_bootstrap(gold, a, b, LABELS, n_boot=500, seed=1) == paired_bootstrap(
        gold, a, b, LABELS, n_boot=500, seed=1
    )
    assert approximate_randomization(
        gold, a, b, LABELS, n_rounds=500, seed=1
    ) == approximate_randomization(gold, a, b, LABELS, n_rounds=500, seed=1)


def _plain_macro_f1(gold: list[str], pred: list[str]) -> float:
    """Macro-F1 over the labels present in gold or predictions, written out by hand."""
    scores = []
    for lab in sorted(set(gold) | set(pred)):
        tp = sum(g == p == lab for g, p in zip(gold, pred, strict=True))
        fp = sum(p == lab != g for g, p in zip(gold, pred, strict=True))
        fn = sum(g == lab != p for g, p in zip(gold, pred, strict=True))
        scores.append(2 * tp / (2 * tp + fp + fn))
    return sum(scores) / len(scores)


def test_approximate_randomization_matches_the_exact_permutation_test() -> None:
    gold = ["negative", "neutral", "positive", "negative", "positive", "neutral", "negative"]
    a = ["negative", "negative", "positive", "neutral", "neutral", "neutral", "positive"]
    b = ["negative", "neutral", "positive", "negative", "positive", "positive", "negative"]
    observed = abs(_plain_macro_f1(gold, b) - _plain_macro_f1(gold, a))
    assert observed == pytest.approx(abs(macro_f1(gold, b, LABELS) - macro_f1(gold, a, LABELS)))
    hits = 0
    for swap in itertools.product([False, True], repeat=len(gold)):
        sa = [y if s else x for x, y, s in zip(a, b, swap, strict=True)]
        sb = [x if s else y for x, y, s in zip(a, b, swap, strict=True)]
        hits += abs(_plain_macro_f1(gold, sb) - _plain_macro_f1(gold, sa)) >= observed - 1e-12
    exact = hits / 2 ** len(gold)
    ar = approximate_randomization(gold, a, b, LABELS, n_rounds=20_000, seed=0)
    assert ar["p_value"] == pytest.approx(exact, abs=0.015)


def test_mcnemar_known_values() -> None:
    gold = ["positive"] * 30
    a = ["positive"] * 20 + ["negative"] * 10
    b = ["positive"] * 30
    mc = mcnemar(gold, a, b)
    assert (mc["only_a"], mc["only_b"], mc["both_right"], mc["both_wrong"]) == (0, 10, 20, 0)
    assert mc["exact_p"] == pytest.approx(2 * 0.5**10)
    assert mc["chi2"] == pytest.approx((10 - 1) ** 2 / 10)
    balanced = mcnemar(["x"] * 4, ["x", "x", "y", "y"], ["y", "y", "x", "x"])
    assert balanced["exact_p"] == 1.0 and balanced["chi2"] == 0.0


def test_bad_inputs_raise() -> None:
    with pytest.raises(ValueError, match="length"):
        paired_bootstrap(["positive"], ["positive", "negative"], ["positive"], LABELS)
    with pytest.raises(ValueError, match="not in the label set"):
        approximate_randomization(["positive"], ["odd"], ["positive"], LABELS)


def test_cluster_bootstrap_resamples_whole_groups():
    from framing.evaluation import bootstrap_macro_f1, bootstrap_weights, group_codes

    groups = ["a", "a", "b", "b", "b", "c"]
    w = bootstrap_weights(6, 200, 3, group_codes(groups, 6))
    assert w.shape == (200, 6)
    assert (w[:, 0] == w[:, 1]).all() and (w[:, 2] == w[:, 3]).all() and (w[:, 3] == w[:, 4]).all()
    assert set(np.unique(w[:, 0])) <= {0.0, 1.0, 2.0, 3.0}
    # one group per example draws exactly as without groups
    one_each = group_codes(list(range(6)), 6)
    assert np.array_equal(bootstrap_weights(6, 50, 1, one_each), bootstrap_weights(6, 50, 1))
    with pytest.raises(ValueError, match="groups has 2 keys for 6 examples"):
        group_codes(["a", "b"], 6)
    # articles whose sentences are all right or all wrong: the cluster interval is wider
    labels = ["negative", "neutral", "positive"]
    gold, pred, arts = [], [], []
    for k in range(40):
        right = k % 3 != 0
        for j in range(10):
            g = labels[(k + j) % 3]
            gold.append(g)
            pred.append(g if right else labels[(k + j + 1) % 3])
            arts.append(f"art{k}")
    flat = bootstrap_macro_f1(gold, pred, labels, n_boot=500, seed=0)
    clustered = bootstrap_macro_f1(gold, pred, labels, n_boot=500, seed=0, groups=arts)
    assert clustered["high"] - clustered["low"] > 1.5 * (flat["high"] - flat["low"])
    paired = paired_bootstrap(gold, pred, gold, labels, n_boot=500, groups=arts)
    flat_paired = paired_bootstrap(gold, pred, gold, labels, n_boot=500)
    width = paired["ci"]["high"] - paired["ci"]["low"]
    assert width > 1.5 * (flat_paired["ci"]["high"] - flat_paired["ci"]["low"])
