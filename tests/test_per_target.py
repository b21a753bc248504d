"""One model per target (framing.models.per_target) and SklearnModel(per_actor=True)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from datasets import Dataset
from sklearn.base import clone
from sklearn.dummy import DummyClassifier
from sklearn.linear_model import LogisticRegression

from framing.examples import example_features, example_row
from framing.models import load_saved_model, save_model
from framing.models.per_target import PerTargetClassifier, UnknownTargetError
from framing.models.sklearn import SklearnModel

LABELS = ["negative", "neutral", "positive"]
# the same words mean opposite stances toward the two targets: a pooled linear model
# (words + a target one-hot) cannot fit both, one model per target can
FLIPPED = {
    "Atheism": {"pray every day #blessed": "negative", "no gods no masters": "positive"},
    "Feminist Movement": {"pray every day #blessed": "positive", "no gods no masters": "negative"},
}


def flipped_examples(n: int = 6) -> Dataset:
    rows = []
    for target, tweets in FLIPPED.items():
        for tweet, label in tweets.items():
            for i in range(n):
                rows.append(
                    example_row(
                        example_id=f"{target}:{label}:{i}",
                        article_id=f"{target}:{label}:{i}",
                        sentence=f"{tweet} {i}",
                        actor=target,
                        target_spans=[],
                        other_spans=[],
                        label=label,
                        n_actors=1,
                    )
                )
    return Dataset.from_list(rows, features=example_features("stance"))


def logreg_model(per_actor: bool) -> SklearnModel:
    return SklearnModel(
        LogisticRegression(C=10.0, max_iter=500),
        name="lr",
        labels=LABELS,
        per_actor=per_actor,
    )


def _accuracy(model: SklearnModel, ex: Dataset) -> float:
    pred = np.array(LABELS)[model.predict_proba(ex).argmax(axis=1)]
    return float(np.mean(pred == np.array(ex["label"])))


def test_per_actor_model_learns_what_a_pooled_model_cannot():
    ex = flipped_examples()
    per_target = logreg_model(per_actor=True).fit(ex)
    pooled = logreg_model(per_actor=False).fit(ex)
    assert isinstance(per_target.pipeline, PerTargetClassifier)
    assert sorted(per_target.pipeline.estimators_) == sorted(FLIPPED)
    assert _accuracy(per_target, ex) == 1.0
    assert _accuracy(pooled, ex) <= 0.75
    assert per_target.params()["per_actor"] is True


def test_per_actor_model_saves_and_loads_with_skops(tmp_path):
    ex = flipped_examples()
    model = logreg_model(per_actor=True).fit(ex)
    save_model(model, tmp_path / "m", actors={}, splitter="semeval2016", n_train=len(ex))
    loaded, manifest = load_saved_model(tmp_path / "m")
    assert manifest["model"]["per_actor"] is True and loaded.per_actor
    np.testing.assert_allclose(loaded.predict_proba(ex), model.predict_proba(ex))
    assert isinstance(loaded.classifier, LogisticRegression)


def test_per_actor_is_off_for_the_framing_task():
    """Framing has no target: per_actor is switched off, as the window and actor feature are."""
    model = SklearnModel(LogisticRegression(), name="x", task="framing", per_actor=True)
    assert model.per_actor is False and model.params()["per_actor"] is False


def _frame(actors: list[str]) -> pd.DataFrame:
    return pd.DataFrame({"actor": actors, "sentence": ["x"] * len(actors)})


def test_unseen_target_goes_to_the_fallback_or_is_refused():
    X, y = _frame(["A", "A", "B", "B", "B"]), ["pos", "neg", "neg", "neg", "neg"]
    clf = PerTargetClassifier(DummyClassifier(strategy="prior")).fit(X, y)
    # B lacks "pos": probability 0 for it, columns follow classes_
    assert list(clf.classes_) == ["neg", "pos"]
    np.testing.assert_allclose(clf.predict_proba(_frame(["B"])), [[1.0, 0.0]])
    np.testing.assert_allclose(clf.predict_proba(_frame(["A"])), [[0.5, 0.5]])
    np.testing.assert_allclose(clf.predict_proba(_frame(["C"])), [[0.8, 0.2]])  # pooled
    strict = clone(clf).set_params(fallback=False).fit(X, y)
    assert strict.fallback_ is None
    with pytest.raises(UnknownTargetError, match="target 'C' was not in training"):
        strict.predict_proba(_frame(["A", "C"]))
    assert list(strict.predict(_frame(["B", "A"]))) == ["neg", "neg"]


def test_rows_keep_their_order_across_targets():
    X = _frame(["A", "B", "A", "B"])
    clf = PerTargetClassifier(DummyClassifier(strategy="most_frequent")).fit(
        X, ["p", "n", "p", "n"]
    )
    assert list(clf.predict(_frame(["B", "A", "B", "A"]))) == ["n", "p", "n", "p"]


def test_x_without_the_target_column_is_refused():
    with pytest.raises(ValueError, match="DataFrame with a 'actor' column"):
        PerTargetClassifier(DummyClassifier()).fit(pd.DataFrame({"sentence": ["a"]}), ["p"])
