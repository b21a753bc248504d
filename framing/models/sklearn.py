"""scikit-learn baselines: plain Pipelines, persisted with skops.

* majority                — ``DummyClassifier(strategy="prior")``;
* TF-IDF + classifier     — word and character n-grams of the target-marked
  sentence, word n-grams of the target's context window, the actor as a
  one-hot feature; any scikit-learn classifier (logistic regression, a linear
  SVM calibrated for probabilities, …) given by Hydra ``_target_``;
* VADER                   — :class:`VaderStance`, a no-training lexicon baseline
  over the target's context window (stance only).

``per_actor=True`` (stance only) fits the whole pipeline once per target actor
(:class:`framing.models.per_target.PerTargetClassifier`), as SemEval-2016's
official baseline does.

For the framing task target marking, the window, the actor feature and
``per_actor`` are switched off (there is no target).

Beside it: :mod:`framing.models.calibration_folds` chooses the folds a calibrated
classifier (``tfidf_svm``) fits on; :mod:`framing.models.fast_predict` predicts with a
fitted TF-IDF pipeline without building DataFrames.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.calibration import CalibratedClassifierCV
from sklearn.compose import ColumnTransformer
from sklearn.multiclass import OneVsRestClassifier
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import MultiLabelBinarizer, OneHotEncoder

from framing.examples import columns
from framing.extras import require
from framing.models.calibration_folds import fit_calibration_folds
from framing.models.compact_tfidf import CompactTfidfVectorizer
from framing.models.fast_predict import FastPredictor
from framing.models.features import (
    MARKINGS,
    TargetFeatures,
    as_label_matrix,
    context_window,
    examples_frame,
)
from framing.models.per_target import PerTargetClassifier

log = logging.getLogger(__name__)
MODEL_FILE = "model.skops"
# the only types a saved model may hold beyond those skops trusts by default
TRUSTED_TYPES = [
    "framing.models.features.TargetFeatures",
    "framing.models.sklearn.VaderStance",
    "framing.models.sklearn.ConstantFeature",
    "framing.models.per_target.PerTargetClassifier",
    "framing.models.compact_tfidf.CompactTfidfVectorizer",
    # scikit-learn's own calibration internals (tfidf_svm), not trusted by skops by default
    "sklearn.calibration._CalibratedClassifier",
    "sklearn.calibration._SigmoidCalibration",
    # the calibration folds' splitter (a plain parameter object, no code)
    "sklearn.model_selection._split.StratifiedKFold",
]


class ConstantFeature(BaseEstimator):
    """A single constant column: the input of models that ignore the text (majority)."""

    def fit(self, X: Any, y: Any = None) -> ConstantFeature:
        return self

    def transform(self, X: Any) -> np.ndarray:
        return np.zeros((len(X), 1))


class VaderStance(ClassifierMixin, BaseEstimator):
    """Stance from VADER sentiment of the words around the target (no training).

    The compound score ``c`` of the target's context window (the whole sentence
    when the target has no mention) gives scores ``[-c, threshold - |c|, c]``
    for negative / neutral / positive, turned into probabilities by a softmax
    with ``temperature``.
    """

    def __init__(self, window: int = 8, threshold: float = 0.05, temperature: float = 0.2) -> None:
        self.window = window
        self.threshold = threshold
        self.temperature = temperature

    def fit(self, X: pd.DataFrame, y: Sequence[str]) -> VaderStance:
        self.classes_ = np.array(["negative", "neutral", "positive"])
        missing = set(self.classes_) - set(y)
        if missing:
            log.warning("VADER baseline: training labels lack %s", sorted(missing))
        return self

    def _texts(self, X: pd.DataFrame) -> list[str]:
        out = []
        for sentence, spans in zip(X["sentence"], X["target_spans"], strict=True):
            if len(spans) and self.window:
                out.append(
                    " ".join(w[2:] for w in context_window(sentence, spans, self.window).split())
                )
            else:
                out.append(sentence)
        return out

    def predict_proba(self, X: pd.DataFrame) -> np.ndarray:
        vader = require("vaderSentiment.vaderSentiment", "vader", "the VADER baseline")
        analyzer = vader.SentimentIntensityAnalyzer()
        c = np.array([analyzer.polarity_scores(t)["compound"] for t in self._texts(X)])
        scores = np.stack([-c, self.threshold - np.abs(c), c], axis=1) / self.temperature
        scores -= scores.max(axis=1, keepdims=True)
        e = np.exp(scores)
        return e / e.sum(axis=1, keepdims=True)

    def predict(self, X: pd.DataFrame) -> np.ndarray:
        return self.classes_[self.predict_proba(X).argmax(axis=1)]


class SklearnModel:
    """A task-aware scikit-learn model with the package's model interface.

    ``fit(examples)``, ``predict_proba(examples)`` (columns in ``labels`` order),
    ``save(dir)`` and ``load(dir)``; ``examples`` is a :class:`datasets.Dataset`
    (or a mapping of columns) as built by :mod:`framing.tasks`.
    """

    kind = "sklearn"

    def __init__(
        self,
        classifier: BaseEstimator,
        name: str = "sklearn",
        features: str = "tfidf",
        target_marking: str = "replace",
        window: int = 5,
        actor_feature: bool = True,
        word_ngrams: Sequence[int] = (1, 2),
        char_ngrams: Sequence[int] = (2, 5),
        min_df: int = 1,
        max_features: int | None = None,
        task: str = "stance",
        labels: Sequence[str] = (),
        multilabel: bool = False,
        per_actor: bool = False,
    ) -> None:
        if features not in ("tfidf", "none", "raw"):
            raise ValueError(
                f"model {name}: unknown features {features!r}; choose tfidf, raw or none"
            )
        if target_marking not in MARKINGS:
            raise ValueError(
                f"model {name}: unknown target_marking {target_marking!r}; choose one of {', '.join(MARKINGS)}"
            )
        if isinstance(classifier, VaderStance) and task != "stance":
            raise ValueError(f"model {name}: the VADER baseline predicts stance only, not {task}")
        self.classifier = classifier
        self.name = name
        self.features = features
        self.task = task
        self.labels = list(labels)
        self.multilabel = multilabel
        stance = task == "stance"
        self.target_marking = target_marking if stance else "none"
        self.window = int(window) if stance else 0
        self.actor_feature = bool(actor_feature) and stance
        self.word_ngrams = tuple(word_ngrams)
        self.char_ngrams = tuple(char_ngrams)
        self.min_df = min_df
        self.max_features = max_features
        self.per_actor = bool(per_actor) and stance and not multilabel
        self.pipeline: Pipeline | PerTargetClassifier | None = None
        self._binarizer: MultiLabelBinarizer | None = None
        self._fast: FastPredictor | None = None
        self._fast_for: Pipeline | None = None  # the pipeline ``_fast`` was compiled from
        self._calibration_cv: Any = None  # the configured cv, put back after grouped folds

    # ------------------------------------------------------------------
    def params(self) -> dict[str, Any]:
        """What the model was configured with (saved in the manifest)."""
        return {
            "name": self.name,
            "features": self.features,
            "target_marking": self.target_marking,
            "window": self.window,
            "actor_feature": self.actor_feature,
            "word_ngrams": list(self.word_ngrams),
            "char_ngrams": list(self.char_ngrams),
            "classifier": type(self.classifier).__name__,
            "per_actor": self.per_actor,
        }

    def build(
        self,
        y: Sequence | None = None,
        groups: Sequence | None = None,
        actors: Sequence | None = None,
    ) -> Pipeline | PerTargetClassifier:
        """The unfitted pipeline; ``y`` and ``groups`` (article ids) shape the calibration
        folds of a ``CalibratedClassifierCV`` (see :func:`fit_calibration_folds`).

        With ``per_actor`` the pipeline is wrapped in a :class:`PerTargetClassifier`; the
        calibration folds are then drawn inside each target's clone by the configured
        splitter, their number cut to the rarest class of any target (``actors``).
        """
        clf = clone(self.classifier)
        self._calibration_cv = None
        if y is not None and isinstance(clf, CalibratedClassifierCV) and not self.multilabel:
            if self.per_actor and actors is not None:
                strata = [f"{a}\t{label}" for a, label in zip(actors, y, strict=True)]
                fit_calibration_folds(clf, strata, self.name)
            else:
                self._calibration_cv = fit_calibration_folds(clf, y, self.name, groups)
        pipeline = self._pipeline(clf)
        return PerTargetClassifier(pipeline) if self.per_actor else pipeline

    def _pipeline(self, clf: Any) -> Pipeline:
        if self.multilabel:
            clf = OneVsRestClassifier(clf)
        if self.features == "none":
            return Pipeline([("constant", ConstantFeature()), ("clf", clf)])
        if self.features == "raw":  # the classifier reads the example frame itself (VADER)
            return Pipeline([("clf", clf)])
        columns = [
            (
                "word",
                CompactTfidfVectorizer(
                    ngram_range=self.word_ngrams,
                    sublinear_tf=True,
                    min_df=self.min_df,
                    max_features=self.max_features,
                ),
                "text",
            ),
            (
                "char",
                CompactTfidfVectorizer(
                    analyzer="char_wb",
                    ngram_range=self.char_ngrams,
                    sublinear_tf=True,
                    min_df=self.min_df,
                    max_features=self.max_features,
                ),
                "text",
            ),
        ]
        if self.window:
            columns.append(
                (
                    "window",
                    CompactTfidfVectorizer(
                        ngram_range=(1, 2), sublinear_tf=True, token_pattern=r"\S+"
                    ),
                    "window",
                )
            )
        if self.actor_feature:
            columns.append(("actor", OneHotEncoder(handle_unknown="ignore"), ["actor"]))
        return Pipeline(
            [
                ("target", TargetFeatures(self.target_marking, self.window)),
                ("features", ColumnTransformer(columns)),
                ("clf", clf),
            ]
        )

    def fit(self, examples: Any) -> SklearnModel:
        X = examples_frame(examples)
        y = columns(examples, ["label"])["label"]
        names = examples.column_names if hasattr(examples, "column_names") else list(examples)
        groups = columns(examples, ["article_id"])["article_id"] if "article_id" in names else None
        self.pipeline = self.build(y, groups, X["actor"].tolist() if self.per_actor else None)
        if self.multilabel:
            self._binarizer = MultiLabelBinarizer(classes=self.labels)
            self.pipeline.fit(X, self._binarizer.fit_transform(y))
        else:
            self.pipeline.fit(X, y)
        if self._calibration_cv is not None:  # the folds were index arrays: keep the splitter
            self._classifier_step().set_params(cv=self._calibration_cv)
        return self

    def predict_proba(self, examples: Any) -> np.ndarray:
        if self.pipeline is None:
            raise RuntimeError(f"model {self.name} is not fitted")
        fast = self.fast_predictor()
        if fast is not None:
            proba = np.asarray(fast.predict_proba(examples), dtype=float)
        else:
            proba = np.asarray(self.pipeline.predict_proba(examples_frame(examples)), dtype=float)
        if self.multilabel:
            return proba  # columns already in label order (MultiLabelBinarizer(classes=labels))
        classes = [str(c) for c in self.pipeline.classes_]
        return as_label_matrix(proba, classes, self.labels)

    def _classifier_step(self) -> Any:
        """The pipeline's ``clf`` step (per actor: the unfitted template's)."""
        pipeline = self.pipeline
        if isinstance(pipeline, PerTargetClassifier):
            pipeline = pipeline.estimator
        assert isinstance(pipeline, Pipeline)
        return pipeline.steps[-1][1]

    def fast_predictor(self) -> FastPredictor | None:
        """The fast predict path for the fitted pipeline (built once; ``None`` when the
        pipeline is not the TF-IDF kind, which then predicts through scikit-learn)."""
        if self._fast_for is not self.pipeline:
            self._fast = FastPredictor.compile(self.pipeline)
            self._fast_for = self.pipeline
        return self._fast

    # ------------------------------------------------------------------
    def save(self, directory: str | Path) -> None:
        from framing.models.skops_io import dump_skops

        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        if self.pipeline is None:
            raise RuntimeError(f"model {self.name} is not fitted")
        dump_skops(self.pipeline, directory / MODEL_FILE)

    @classmethod
    def load(cls, directory: str | Path, manifest: dict[str, Any]) -> SklearnModel:
        """Load a saved pipeline; refuses any type outside skops' defaults and ours."""
        from framing.models.skops_io import load_skops

        pipeline = load_skops(Path(directory) / MODEL_FILE, TRUSTED_TYPES)
        params = manifest.get("model", {})
        model = cls.__new__(cls)
        model.pipeline = pipeline
        model.classifier = model._classifier_step()
        model.name = params.get("name", "sklearn")
        model.features = params.get("features", "tfidf")
        model.task = manifest["task"]
        model.labels = list(manifest["labels"])
        model.multilabel = bool(manifest.get("multilabel", False))
        model.target_marking = params.get("target_marking", "none")
        model.window = int(params.get("window", 0))
        model.actor_feature = bool(params.get("actor_feature", False))
        model.word_ngrams = tuple(params.get("word_ngrams", (1, 2)))
        model.char_ngrams = tuple(params.get("char_ngrams", (2, 5)))
        model.min_df, model.max_features = 1, None
        model.per_actor = isinstance(pipeline, PerTargetClassifier)
        model._binarizer = None
        model._fast = model._fast_for = None
        return model
