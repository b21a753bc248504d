"""The calibration folds of a ``CalibratedClassifierCV`` (the ``tfidf_svm`` baseline).

:func:`fit_calibration_folds` sets the classifier's ``cv`` before fitting: fewer folds
when the rarest class has fewer examples than folds, and, given the examples' article
ids and a splitter, shuffled ``StratifiedGroupKFold`` folds that keep each article's
sentences on one side. Used by :meth:`framing.models.sklearn.SklearnModel.build`.
"""

from __future__ import annotations

import collections
import copy
import logging
from collections.abc import Sequence
from typing import Any

import numpy as np
from sklearn.calibration import CalibratedClassifierCV
from sklearn.model_selection import StratifiedGroupKFold

# the scikit-learn baselines' logger: the warnings read as they did inside models.sklearn
log = logging.getLogger("framing.models.sklearn")


def fit_calibration_folds(
    clf: CalibratedClassifierCV, y: Sequence, name: str, groups: Sequence | None = None
) -> Any:
    """Calibration folds need every class in each fold: fewer folds for rare classes.

    ``cv`` may be a number of folds (scikit-learn then uses *unshuffled* stratified
    folds, which follow the training file's order: warned) or a splitter with
    ``n_splits`` such as a shuffled, seeded ``StratifiedKFold`` (framing/conf/model/tfidf_svm.yaml).

    With ``groups`` (the examples' article ids) and a splitter, the folds are a shuffled
    ``StratifiedGroupKFold`` with the splitter's ``n_splits`` and ``random_state``: the
    sentences of one article never sit on both sides of a calibration fold (they did with
    plain stratified folds, costing held-out macro-F1). The fold indices are computed here
    and passed as ``cv``; the original ``cv`` is returned so the caller can put it back
    after fitting (the saved model then holds no index arrays). ``None`` otherwise.
    """
    cv = clf.cv
    n_splits = cv if isinstance(cv, int) else getattr(cv, "n_splits", None)
    if n_splits is None:
        return
    if isinstance(cv, int):
        log.warning(
            "model %s: calibration cv=%d gives unshuffled folds in training-file order; "
            "give a shuffled StratifiedKFold (see framing/conf/model/tfidf_svm.yaml)",
            name,
            cv,
        )
    rarest = min(collections.Counter(y).values())
    if rarest < 2:
        raise ValueError(
            f"model {name}: a class has a single training example; calibration needs two"
        )
    if rarest < n_splits:
        log.warning(
            "model %s: rarest class has %d examples, calibrating with %d folds",
            name,
            rarest,
            rarest,
        )
        if isinstance(cv, int):
            clf.set_params(cv=rarest)
        else:
            fewer = copy.copy(cv)
            fewer.n_splits = rarest
            clf.set_params(cv=fewer)
        n_splits = rarest
    if groups is None or isinstance(cv, int) or len(set(groups)) < n_splits:
        return None
    folds = StratifiedGroupKFold(
        n_splits=n_splits, shuffle=True, random_state=getattr(cv, "random_state", None)
    ).split(np.zeros(len(y)), list(y), list(groups))
    clf.set_params(cv=list(folds))
    return cv
