"""The fast predict path of a fitted TF-IDF pipeline (prediction only, never saved).

:class:`FastPredictor` gives what ``pipeline.predict_proba(examples_frame(examples))``
gives for a fitted ``target → features → clf`` pipeline of
:class:`framing.models.sklearn.SklearnModel`, without building DataFrames: the target
features column by column, each TF-IDF view through :class:`CachedTfidf` and the actor
through :class:`FastOneHot` (:mod:`framing.models.cached_tfidf`), stacked as the
``ColumnTransformer`` stacks them. Any other pipeline predicts through scikit-learn.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from scipy import sparse
from sklearn.compose import ColumnTransformer
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder
from sklearn.utils import check_array

from framing.examples import columns
from framing.models.cached_tfidf import CachedTfidf, FastOneHot
from framing.models.features import TargetFeatures


class FastPredictor:
    """``predict_proba`` of a fitted ``target → features → clf`` pipeline, fast.

    Gives what ``pipeline.predict_proba(examples_frame(examples))`` gives, computed
    without the DataFrames: :meth:`TargetFeatures.transform_columns` for the marked
    text and the window, :class:`CachedTfidf` for each TF-IDF view and
    :class:`FastOneHot` for the actor, stacked as the ``ColumnTransformer`` stacks
    them. Built from the fitted steps when first needed and never saved (a loaded
    model builds its own). :meth:`compile` returns ``None`` for any other pipeline.
    """

    def __init__(self, pipeline: Pipeline, steps: list[tuple[str, Any, Any]]) -> None:
        self.target: TargetFeatures = pipeline.named_steps["target"]
        self.clf = pipeline.steps[-1][1]
        self.steps = steps

    @classmethod
    def compile(cls, pipeline: Any) -> FastPredictor | None:
        if not isinstance(pipeline, Pipeline) or [name for name, _ in pipeline.steps] != [
            "target",
            "features",
            "clf",
        ]:
            return None
        target, ct = pipeline.named_steps["target"], pipeline.named_steps["features"]
        if (
            type(target) is not TargetFeatures
            or type(ct) is not ColumnTransformer
            or not getattr(ct, "sparse_output_", False)
            or ct.transformer_weights
            or not hasattr(ct, "transformers_")
        ):
            return None
        steps: list[tuple[str, Any, Any]] = []
        for name, trans, column in ct.transformers_:
            if isinstance(trans, str):
                if trans == "drop":
                    continue
                return None  # "passthrough"
            if isinstance(trans, TfidfVectorizer) and column in ("text", "window"):
                steps.append((name, CachedTfidf(trans), column))
            elif isinstance(trans, OneHotEncoder) and list(column) == ["actor"]:
                steps.append((name, FastOneHot(trans), column))
            else:
                return None
        return cls(pipeline, steps) if steps else None

    def features(self, examples: Any) -> Any:
        """The feature matrix the pipeline's ``features`` step gives for ``examples``."""
        ex = columns(examples, ("sentence", "target_spans", "other_spans", "actor"))
        cols: dict[str, Any] = self.target.transform_columns(
            ex["sentence"], ex["target_spans"], ex["other_spans"]
        )
        cols["actor"] = [a if type(a) is str else str(a) for a in ex["actor"]]
        blocks = []
        for _, fast, column in self.steps:
            if isinstance(fast, FastOneHot):
                blocks.append(fast.transform(cols["actor"], column))
            else:
                blocks.append(fast.transform(cols[column]))
        # as ColumnTransformer stacks them (check_array only changes non-float blocks)
        return sparse.hstack(
            [
                b
                if sparse.issparse(b) and b.dtype == np.float64
                else check_array(b, accept_sparse=True, ensure_all_finite=False)
                for b in blocks
            ]
        ).tocsr()

    def predict_proba(self, examples: Any) -> Any:
        return self.clf.predict_proba(self.features(examples))
