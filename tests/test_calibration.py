"""Calibration (framing.calibration): ECE on hand-computed cases, temperature scaling."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.calibration import calibration_curve

from framing.calibration import (
    apply_temperature,
    calibration_metrics,
    classwise_ece,
    expected_calibration_error,
    fit_temperature,
    reliability_bins,
    run_calibration,
    temperature_nll,
    undo_temperature,
    write_calibration,
)

# four examples, three classes; by hand with 2 bins, [0, 0.5] and (0.5, 1]:
#   confidences 0.9 (right), 0.8 (wrong), 0.5 (right), 0.6 (wrong)
#   bin 1: 0.5 -> |1 - 0.5| = 0.5;  bin 2: 0.9, 0.8, 0.6 -> |1 - 2.3| = 1.3;  ECE = 1.8 / 4
PROBA = np.array(
    [[0.9, 0.05, 0.05], [0.8, 0.1, 0.1], [0.2, 0.5, 0.3], [0.6, 0.3, 0.1]], dtype=float
)
GOLD = np.array([0, 1, 1, 2])


def test_ece_by_hand():
    assert expected_calibration_error(GOLD, PROBA, n_bins=2) == pytest.approx(0.45)
    # one bin: |accuracy 0.5 - mean confidence 0.7|
    assert expected_calibration_error(GOLD, PROBA, n_bins=1) == pytest.approx(0.2)


def test_classwise_ece_by_hand():
    # class 0: |0 - 0.2| + |1 - 2.3| = 1.5;  class 1: |2 - 0.95| = 1.05;  class 2: |1 - 0.55|
    expected = np.mean([1.5 / 4, 1.05 / 4, 0.45 / 4])
    assert classwise_ece(GOLD, PROBA, n_bins=2) == pytest.approx(expected)


def test_perfectly_calibrated_and_fully_wrong():
    proba = np.tile([0.75, 0.25], (4, 1))
    assert expected_calibration_error([0, 0, 0, 1], proba) == pytest.approx(0.0)
    assert expected_calibration_error([1, 1, 1, 1], np.tile([1.0, 0.0], (4, 1))) == 1.0
    assert np.isnan(expected_calibration_error([], np.zeros((0, 3))))


def test_bins_match_scikit_learns_calibration_curve():
    rng = np.random.default_rng(0)
    confidence = rng.uniform(0.3, 1.0, 500)
    confidence[:5] = [0.4, 0.6, 0.8, 1.0, 1 / 3]  # values on bin edges
    correct = rng.uniform(size=500) < confidence**2
    bins = reliability_bins(correct, confidence, n_bins=15)
    prob_true, prob_pred = calibration_curve(correct, confidence, n_bins=15)
    nonempty = [i for i, n in enumerate(bins["count"]) if n]
    np.testing.assert_allclose([bins["accuracy"][i] for i in nonempty], prob_true)
    np.testing.assert_allclose([bins["confidence"][i] for i in nonempty], prob_pred)
    assert sum(bins["count"]) == 500 and bins["accuracy"][0] is None


def test_bad_shapes_are_reported():
    with pytest.raises(ValueError, match="proba must be"):
        expected_calibration_error([0, 1], PROBA)
    with pytest.raises(ValueError, match="gold label indices"):
        expected_calibration_error([0, 1, 2, 3], PROBA)


def _synthetic(n: int = 4000, k: int = 3, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """True logits and labels drawn from their softmax (a perfectly calibrated source)."""
    rng = np.random.default_rng(seed)
    logits = rng.normal(scale=2.0, size=(n, k))
    p = apply_temperature(logits, 1.0)
    y = np.array([rng.choice(k, p=row) for row in p])
    return logits, y


def test_over_confident_logits_get_temperature_above_one():
    logits, y = _synthetic()
    over = 3.0 * logits  # three times too sharp
    t = fit_temperature(over, y)
    assert t > 1 and t == pytest.approx(3.0, rel=0.15)
    before = expected_calibration_error(y, apply_temperature(over, 1.0))
    after = expected_calibration_error(y, apply_temperature(over, t))
    assert after < before / 3
    assert temperature_nll(over, y, t) < temperature_nll(over, y, 1.0)


def test_under_confident_logits_get_temperature_below_one():
    logits, y = _synthetic(seed=1)
    t = fit_temperature(logits / 2.0, y)
    assert t < 1 and t == pytest.approx(0.5, rel=0.15)


def test_temperature_ignores_a_per_row_shift():
    logits, y = _synthetic(n=800, seed=2)
    shifted = logits + np.arange(len(logits))[:, None]
    assert fit_temperature(shifted, y) == pytest.approx(fit_temperature(logits, y), rel=1e-4)
    assert fit_temperature(np.zeros((0, 3)), []) == 1.0


def test_undo_temperature_recovers_the_unscaled_probabilities():
    logits, _ = _synthetic(n=50, seed=3)
    scaled = apply_temperature(logits, 2.5)
    np.testing.assert_allclose(undo_temperature(scaled, 2.5), apply_temperature(logits, 1.0))
    per_row = np.where(np.arange(50) % 2, 2.5, 1.0)
    np.testing.assert_allclose(
        undo_temperature(scaled, per_row)[1::2], apply_temperature(logits, 1.0)[1::2]
    )


def test_run_calibration_reports_before_and_after(tmp_path):
    labels = ["negative", "neutral", "positive"]
    logits, y = _synthetic(n=600, seed=4)
    gold = [labels[i] for i in y]
    t = fit_temperature(3.0 * logits, y)
    proba = apply_temperature(3.0 * logits, t)
    plain = run_calibration(gold, apply_temperature(3.0 * logits, 1.0), labels)
    assert "before_temperature" not in plain
    report = write_calibration(tmp_path, gold, proba, labels, np.full(len(y), t), title="t")
    assert report["temperatures"] == [round(t, 6)]
    assert report["before_temperature"]["ece"] == pytest.approx(plain["ece"])
    assert report["ece"] < report["before_temperature"]["ece"]
    assert (tmp_path / "reliability_diagram.png").stat().st_size > 1000
    m = calibration_metrics(gold, proba, labels, n_bins=10)
    assert len(m["bins"]["count"]) == 10 and m["accuracy"] == pytest.approx(
        (proba.argmax(1) == y).mean()
    )
