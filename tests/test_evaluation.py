"""Metric code against hand-computed cases (framing.evaluation)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from sklearn.metrics import confusion_matrix, f1_score

from framing.evaluation import (
    aggregate_folds,
    bootstrap_macro_f1,
    bootstrap_weights,
    classification_metrics,
    f1_pn,
    macro_f1,
    macro_f1_from_confusion,
    multilabel_metrics,
    weighted_confusions,
)
from framing.plots import plot_confusion

LABELS = ["negative", "neutral", "positive"]
POS, NEG, NEU = "positive", "negative", "neutral"

# Hand-computed case (10 examples):
#   i     0    1    2    3    4    5    6    7    8    9
#   gold  pos  pos  pos  pos  neg  neg  neu  neu  neu  neu
#   pred  pos  pos  pos  neu  neg  pos  neu  neu  neg  neg
# positive: TP=3 (0,1,2) FP=1 (5)   FN=1 (3)    P=3/4 R=3/4 F1=3/4
# negative: TP=1 (4)     FP=2 (8,9) FN=1 (5)    P=1/3 R=1/2 F1=2PR/(P+R)=(1/3)/(5/6)=2/5
# neutral:  TP=2 (6,7)   FP=1 (3)   FN=2 (8,9)  P=2/3 R=1/2 F1=(2/3)/(7/6)=4/7
# macro-F1 = (3/4 + 2/5 + 4/7) / 3 = (105 + 56 + 80) / 420 / 3 = 241/420
# accuracy = 6/10 ; F1pn = (3/4 + 2/5) / 2 = 23/40
GOLD = [POS, POS, POS, POS, NEG, NEG, NEU, NEU, NEU, NEU]
PRED = [POS, POS, POS, NEU, NEG, POS, NEU, NEU, NEG, NEG]
MACRO = 241 / 420
ACCURACY = 0.6
F1PN = 23 / 40
PER_CLASS = {
    POS: (3 / 4, 3 / 4, 3 / 4, 4),
    NEG: (1 / 3, 1 / 2, 2 / 5, 2),
    NEU: (2 / 3, 1 / 2, 4 / 7, 4),
}


def test_macro_f1_hand_case():
    assert macro_f1(GOLD, PRED, LABELS) == pytest.approx(MACRO)


def test_macro_f1_ignores_labels_nobody_used():
    # a fourth label that is neither gold nor predicted does not drag the mean down
    assert macro_f1(GOLD, PRED, [*LABELS, "sarcastic"]) == pytest.approx(MACRO)


def test_macro_f1_empty_is_nan():
    assert math.isnan(macro_f1([], [], LABELS))


def test_f1_pn_hand_case():
    assert f1_pn(GOLD, PRED, LABELS) == pytest.approx(F1PN)


def test_f1_pn_none_without_positive_and_negative():
    assert f1_pn(["a", "b"], ["a", "a"], ["a", "b"]) is None


def test_classification_metrics_hand_case():
    m = classification_metrics(GOLD, PRED, LABELS, n_boot=0)
    assert m["n"] == 10
    assert m["macro_f1"] == pytest.approx(MACRO)
    assert m["accuracy"] == pytest.approx(ACCURACY)
    assert m["f1_pn"] == pytest.approx(F1PN)
    assert "macro_f1_ci" not in m  # n_boot=0: no interval
    assert "per_actor" not in m
    assert list(m["per_class"]) == LABELS
    for lab, (p, r, f, s) in PER_CLASS.items():
        got = m["per_class"][lab]
        assert got["precision"] == pytest.approx(p)
        assert got["recall"] == pytest.approx(r)
        assert got["f1"] == pytest.approx(f)
        assert got["support"] == s


def test_classification_metrics_per_actor_and_ci():
    # first 5 examples about Russia, last 5 about HTS
    actors = ["Russia"] * 5 + ["HTS"] * 5
    m = classification_metrics(GOLD, PRED, LABELS, actors, n_boot=200, seed=3)
    assert set(m["per_actor"]) == {"Russia", "HTS"}
    # Russia: gold pos pos pos pos neg / pred pos pos pos neu neg
    #   positive P=1 R=3/4 F1=6/7; negative F1=1; neutral P=0 R=0 F1=0 (predicted once)
    #   macro over the present labels = (6/7 + 1 + 0) / 3 = 13/21
    assert m["per_actor"]["Russia"] == {"macro_f1": pytest.approx(13 / 21), "n": 5}
    assert m["per_actor"]["HTS"]["n"] == 5
    ci = m["macro_f1_ci"]
    assert ci["n_boot"] == 200 and ci["level"] == 0.95
    assert ci["low"] <= m["macro_f1"] <= ci["high"]


def test_per_actor_absent_for_framing_rows():
    m = classification_metrics(GOLD, PRED, LABELS, [""] * 10, n_boot=0)
    assert "per_actor" not in m


def test_bootstrap_ci_contains_point_and_is_reproducible():
    rng = np.random.default_rng(0)
    gold = list(rng.choice(LABELS, size=120))
    pred = [g if rng.random() < 0.7 else rng.choice(LABELS) for g in gold]
    point = macro_f1(gold, pred, LABELS)
    a = bootstrap_macro_f1(gold, pred, LABELS, n_boot=300, seed=11)
    b = bootstrap_macro_f1(gold, pred, LABELS, n_boot=300, seed=11)
    c = bootstrap_macro_f1(gold, pred, LABELS, n_boot=300, seed=12)
    assert a == b
    assert a != c
    assert a["low"] <= point <= a["high"]
    assert 0.0 <= a["low"] < a["high"] <= 1.0
    wide = bootstrap_macro_f1(gold, pred, LABELS, n_boot=300, seed=11, level=0.99)
    assert wide["low"] <= a["low"] and a["high"] <= wide["high"]


def test_bootstrap_of_nothing_is_nan():
    ci = bootstrap_macro_f1([], [], LABELS, n_boot=10)
    assert math.isnan(ci["low"]) and math.isnan(ci["high"])


def test_bootstrap_weights_are_resampling_counts():
    w = bootstrap_weights(7, 5, seed=1)
    assert w.shape == (5, 7)
    assert np.all(w.sum(axis=1) == 7)
    assert np.array_equal(w, bootstrap_weights(7, 5, seed=1))


def test_weighted_confusions_with_unit_weights_is_the_confusion_matrix():
    conf = weighted_confusions(GOLD, PRED, LABELS, np.ones((1, len(GOLD))))
    assert conf.shape == (1, 3, 3)
    assert np.array_equal(conf[0], confusion_matrix(GOLD, PRED, labels=LABELS))


def test_macro_f1_from_confusion_equals_sklearn():
    conf = confusion_matrix(GOLD, PRED, labels=LABELS)
    assert macro_f1_from_confusion(conf) == pytest.approx(MACRO)
    assert macro_f1_from_confusion(conf) == pytest.approx(
        f1_score(GOLD, PRED, labels=LABELS, average="macro")
    )


@pytest.mark.parametrize("seed", range(5))
def test_macro_f1_from_confusion_equals_sklearn_random(seed):
    rng = np.random.default_rng(seed)
    labels = ["a", "b", "c", "d"]
    gold = list(rng.choice(labels[:3], size=40))  # "d" never gold
    pred = list(rng.choice(labels, size=40, p=[0.3, 0.3, 0.3, 0.1]))
    present = [lab for lab in labels if lab in set(gold) | set(pred)]
    expected = f1_score(gold, pred, labels=present, average="macro", zero_division=0)
    conf = confusion_matrix(gold, pred, labels=labels)
    assert macro_f1_from_confusion(conf) == pytest.approx(expected)
    # batched (..., K, K) gives one value per matrix
    batch = np.stack([conf, conf.T])
    got = macro_f1_from_confusion(batch)
    assert got.shape == (2,)
    assert got[0] == pytest.approx(expected)
    assert got[1] == pytest.approx(
        f1_score(pred, gold, labels=present, average="macro", zero_division=0)
    )


def test_macro_f1_from_empty_confusion_is_nan():
    assert np.isnan(macro_f1_from_confusion(np.zeros((3, 3))))


def test_aggregate_folds_mean_and_sd():
    folds = [
        {"macro_f1": 0.5, "accuracy": 0.6, "f1_pn": None},
        {"macro_f1": 0.7, "accuracy": 0.8, "f1_pn": 0.4},
        {"macro_f1": 0.6, "accuracy": float("nan"), "f1_pn": 0.6},
    ]
    agg = aggregate_folds(folds)
    # macro_f1: mean 0.6; deviations -0.1, 0.1, 0 → sample variance 0.02/2 → sd 0.1
    assert agg["macro_f1"]["mean"] == pytest.approx(0.6)
    assert agg["macro_f1"]["sd"] == pytest.approx(0.1)
    assert agg["macro_f1"]["n_folds"] == 3
    # NaN and None values are left out
    assert agg["accuracy"] == {
        "mean": pytest.approx(0.7),
        "sd": pytest.approx(0.1414213),
        "n_folds": 2,
    }
    assert agg["f1_pn"]["n_folds"] == 2
    assert "micro_f1" not in agg


def test_aggregate_single_fold_has_zero_sd():
    agg = aggregate_folds([{"macro_f1": 0.42}])
    assert agg["macro_f1"] == {"mean": 0.42, "sd": 0.0, "n_folds": 1}


def test_multilabel_metrics_hand_case():
    # labels a, b, c
    #   gold [a]    [a, b]  [c]
    #   pred [a]    [b]     [c, a]
    # a: TP=1 FP=1 FN=1 → F1 = 2/(2+1+1) = 1/2 ; b: TP=1 → F1 1 ; c: TP=1 → F1 1
    # macro = (1/2 + 1 + 1)/3 = 5/6 ; micro: TP=3 FP=1 FN=1 → 6/8 = 3/4
    # samples: row0 1 ; row1 P=1 R=1/2 → 2/3 ; row2 P=1/2 R=1 → 2/3 → mean 7/9
    # hamming: 2 wrong cells of 9 → 2/9 ; subset accuracy 1/3
    m = multilabel_metrics([["a"], ["a", "b"], ["c"]], [["a"], ["b"], ["c", "a"]], ["a", "b", "c"])
    assert m["n"] == 3
    assert m["macro_f1"] == pytest.approx(5 / 6)
    assert m["micro_f1"] == pytest.approx(3 / 4)
    assert m["samples_f1"] == pytest.approx(7 / 9)
    assert m["hamming_loss"] == pytest.approx(2 / 9)
    assert m["subset_accuracy"] == pytest.approx(1 / 3)
    assert m["per_class"]["a"] == {
        "precision": pytest.approx(0.5),
        "recall": pytest.approx(0.5),
        "f1": pytest.approx(0.5),
        "support": 2,
    }
    assert m["per_class"]["b"]["support"] == 1


def test_plot_confusion_writes_png(tmp_path):
    path = plot_confusion(GOLD, PRED, LABELS, tmp_path / "sub" / "cm.png", title="t")
    assert path == tmp_path / "sub" / "cm.png"
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert [p.name for p in path.parent.iterdir()] == ["cm.png"]  # no temp file left


def _semeval_eval_pl_f_avg(gold: list[str], guess: list[str]) -> float:
    """SemEval-2016 task 6's ``eval.pl``, transcribed: per class P = tp/guessed, R = tp/gold,
    F = 2PR/(P+R) (0 when undefined), over all tweets; the score is the mean of the F of
    FAVOR and AGAINST."""
    fs = []
    for cat in ("FAVOR", "AGAINST"):
        tp = sum(g == p == cat for g, p in zip(gold, guess, strict=True))
        n_guess, n_gold = guess.count(cat), gold.count(cat)
        p = tp / n_guess if n_guess else 0.0
        r = tp / n_gold if n_gold else 0.0
        fs.append(2 * p * r / (p + r) if p + r else 0.0)
    return sum(fs) / 2


def test_f1_pn_is_semevals_official_f_avg():
    """NONE predicted as FAVOR is a FAVOR false positive; FAVOR predicted as NONE a miss."""
    to_task = {"AGAINST": "negative", "NONE": "neutral", "FAVOR": "positive"}
    gold = ["FAVOR", "FAVOR", "FAVOR", "AGAINST", "AGAINST", "NONE", "NONE", "NONE", "AGAINST"]
    guess = ["FAVOR", "NONE", "AGAINST", "AGAINST", "AGAINST", "FAVOR", "NONE", "AGAINST", "NONE"]
    expected = _semeval_eval_pl_f_avg(gold, guess)
    # by hand: FAVOR P 1/2 R 1/3 F 0.4; AGAINST P 2/4 R 2/3 F 4/7
    assert expected == pytest.approx((0.4 + 4 / 7) / 2)
    got = f1_pn([to_task[g] for g in gold], [to_task[p] for p in guess], LABELS)
    assert got == pytest.approx(expected)
    # a class never guessed scores 0, as in eval.pl
    assert f1_pn(["positive", "negative"], ["neutral", "negative"], LABELS) == pytest.approx(0.5)


def test_f_avg_sorts_tables_as_f1_pn():
    from framing.tables import _canonical

    assert _canonical("f_avg") == _canonical("F_avg") == _canonical("favg") == "f1_pn"
