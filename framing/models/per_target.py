"""One model per target: a scikit-learn meta-estimator that fits a clone of its
``estimator`` on each target's examples.

Stance toward a topic is said in that topic's words ("#prolife" is AGAINST abortion
and says nothing about climate change): SemEval-2016's official baseline trains one
SVM per target, and so does :class:`PerTargetClassifier`. ``X`` is the example frame
(:func:`framing.models.features.examples_frame`); its ``column`` (default ``actor``)
names each row's target. ``predict_proba`` sends every row to its target's estimator;
a target not seen in training goes to ``fallback_``, a clone fitted on all rows
(``fallback=True``, the default), or is refused with one line naming it.

A target that lacks a class in training gets probability 0 for that class; the
columns of ``predict_proba`` follow ``classes_``, the classes of all training rows.

:class:`framing.models.sklearn.SklearnModel` wraps its whole ``target → features →
clf`` pipeline in one (``per_actor: true``, framing/conf/model/tfidf_svm_per_target.yaml),
so each target has its own vocabulary, idf weights and classifier.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.utils.validation import check_is_fitted


class UnknownTargetError(ValueError):
    """A row's target has no estimator of its own and there is no fallback."""


class PerTargetClassifier(ClassifierMixin, BaseEstimator):
    """A clone of ``estimator`` per value of ``X[column]`` (see the module docstring)."""

    def __init__(self, estimator: Any, column: str = "actor", fallback: bool = True) -> None:
        self.estimator = estimator
        self.column = column
        self.fallback = fallback

    def _targets(self, X: pd.DataFrame) -> np.ndarray:
        if not isinstance(X, pd.DataFrame) or self.column not in X.columns:
            raise ValueError(
                f"{type(self).__name__}: X must be a DataFrame with a {self.column!r} column"
            )
        return X[self.column].astype(str).to_numpy()

    def fit(self, X: pd.DataFrame, y: Any) -> PerTargetClassifier:
        targets = self._targets(X)
        y = np.asarray(y)
        if len(y) != len(targets):
            raise ValueError(f"{type(self).__name__}: {len(targets)} rows but {len(y)} labels")
        self.classes_ = np.unique(y)
        self.estimators_ = {}
        for target in sorted(set(targets)):
            rows = np.flatnonzero(targets == target)
            self.estimators_[target] = clone(self.estimator).fit(X.iloc[rows], y[rows])
        self.fallback_ = clone(self.estimator).fit(X, y) if self.fallback else None
        return self

    def _proba(self, estimator: Any, X: pd.DataFrame) -> np.ndarray:
        """``estimator``'s probabilities as columns of ``classes_`` (0 for a class it lacks)."""
        proba = np.asarray(estimator.predict_proba(X), dtype=float)
        out = np.zeros((len(X), len(self.classes_)))
        index = {c: i for i, c in enumerate(self.classes_.tolist())}
        for j, c in enumerate(np.asarray(estimator.classes_).tolist()):
            out[:, index[c]] = proba[:, j]
        return out

    def predict_proba(self, X: pd.DataFrame) -> np.ndarray:
        check_is_fitted(self, "estimators_")
        targets = self._targets(X)
        out = np.zeros((len(targets), len(self.classes_)))
        for target in sorted(set(targets)):
            rows = np.flatnonzero(targets == target)
            estimator = self.estimators_.get(target, self.fallback_)
            if estimator is None:
                raise UnknownTargetError(
                    f"{type(self).__name__}: target {target!r} was not in training "
                    f"(known: {', '.join(sorted(self.estimators_))}) and fallback is off"
                )
            out[rows] = self._proba(estimator, X.iloc[rows])
        return out

    def predict(self, X: pd.DataFrame) -> np.ndarray:
        return self.classes_[self.predict_proba(X).argmax(axis=1)]
