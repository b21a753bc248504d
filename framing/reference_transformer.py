"""A fine-tuned cross-encoder pair detector: is this actor referred to in this sentence?

The transformer counterpart of :class:`framing.reference_model.ReferenceDetector`
(issue #12, item 2: "measure whether a learned detector beats the rules"). One input
per (sentence, actor): the first segment holds the actor's name, what the lexicon found
(``era:after rule:Assad prev:Russia``, :class:`~framing.reference_model.ReferenceExample`'s
tokens) and the previous sentence; the second segment is the sentence. A fine-tuned
:class:`~framing.models.hf.TransformerModel` (labels ``absent`` / ``present``, the
packaged all-MiniLM-L6-v2 by default) reads both, so an unnamed reference ("the men in
Damascus", "the drafters") can be read against the sentence before it, which word
features cannot.

:func:`train_transformer_detector` fits it on the examples of one or more corpora, with
an article-grouped validation share held out for early stopping, temperature scaling and
the threshold (the lowest of :data:`framing.pair_detector.THRESHOLDS` keeping pair
precision ≥ 0.95 for the rules OR the model, as the TF-IDF detector's cross-validation
chooses it). Saved with ``save_pretrained`` (safetensors) and read back strictly
(:meth:`TransformerReferenceDetector.load`).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from framing.io import atomic_write
from framing.models.safe_load import ModelFolderError

if TYPE_CHECKING:
    from framing.reference_model import ReferenceExample

log = logging.getLogger(__name__)

ABSENT, PRESENT = "absent", "present"
SETTINGS_FILE = "transformer_detector.json"
DEFAULTS: dict[str, Any] = {
    "checkpoint": "default",
    "max_length": 160,
    "epochs": 3.0,
    "learning_rate": 5e-5,
    "batch_size": 32,
    "patience": 1,
    "seed": 13,
}


def detector_rows(
    examples: Sequence[ReferenceExample], actors: Sequence[str]
) -> dict[str, list[Any]]:
    """The encoder's inputs, one row per (example, actor), example-major: columns
    ``actor`` (first segment), ``sentence`` (second), ``label`` and ``article_id``."""
    rows: dict[str, list[Any]] = {"actor": [], "sentence": [], "label": [], "article_id": []}
    for e in examples:
        for actor in actors:
            context = f"{actor} ; {e.tokens} ; {e.previous}".strip(" ;")
            rows["actor"].append(context)
            rows["sentence"].append(e.text)
            rows["label"].append(PRESENT if actor in e.gold else ABSENT)
            rows["article_id"].append(e.article_id)
    return rows


class TransformerReferenceDetector:
    """(actor; the rules' tokens; previous sentence) × sentence → P(actor referred to).

    ``actors``: the actors to score (default: those in the training gold); the other
    keyword arguments are :class:`~framing.models.hf.TransformerModel` options over
    :data:`DEFAULTS`."""

    kind = "transformer"

    def __init__(self, actors: Sequence[str] = (), **params: Any) -> None:
        self._actors = sorted(actors)
        self.params = {**DEFAULTS, **params}
        self.model: Any = None
        self.validation_proba: np.ndarray | None = None  # set by fit

    @property
    def actors(self) -> list[str]:
        return list(self._actors)

    def _transformer(self) -> Any:
        from framing.models.hf import TransformerModel

        return TransformerModel(
            name="pair-detector",
            task="stance",
            input_format="pair",
            labels=[ABSENT, PRESENT],
            **self.params,
        )

    def fit(
        self,
        examples: Sequence[ReferenceExample],
        validation: Sequence[ReferenceExample],
    ) -> TransformerReferenceDetector:
        """Fine-tune on ``examples``; epochs chosen and the temperature fitted on
        ``validation`` (other articles)."""
        from datasets import Dataset

        if not self._actors:
            self._actors = sorted(set().union(*(e.gold for e in examples)))
        if not self._actors:
            raise ValueError("pair detector: no gold actor in the training examples")
        self.model = self._transformer()
        self.model.fit(
            Dataset.from_dict(detector_rows(examples, self._actors)),
            Dataset.from_dict(detector_rows(validation, self._actors)),
        )
        # the validation rows were scored to fit the temperature; keep them
        scored = getattr(self.model, "validation_proba_", None)
        self.validation_proba = None if scored is None else self._by_actor(scored)
        return self

    def _by_actor(self, proba: np.ndarray) -> np.ndarray:
        """Row-per-(example, actor) probabilities as ``[n examples, n actors]`` P(present)."""
        return proba[:, 1].reshape(-1, len(self._actors))

    def predict_proba(self, examples: Sequence[ReferenceExample]) -> np.ndarray:
        """``[n examples, n actors]`` probabilities, actors in :attr:`actors` order."""
        if self.model is None:
            raise RuntimeError("pair detector: not fitted")
        if not examples:
            return np.zeros((0, len(self._actors)))
        return self._by_actor(self.model.predict_proba(detector_rows(examples, self._actors)))

    def save(self, directory: Path) -> None:
        self.model.save(directory)
        settings = {"actors": self._actors, "params": self.model.params()}
        with atomic_write(directory / SETTINGS_FILE) as fh:
            json.dump(settings, fh, indent=2)

    @classmethod
    def load(cls, directory: Path) -> TransformerReferenceDetector:
        """Read strictly (safetensors, no custom code, every tensor present); a missing or
        damaged folder is one :class:`ModelFolderError` line naming it."""
        from framing.models.hf import TransformerModel

        path = directory / SETTINGS_FILE
        try:
            settings = json.loads(path.read_text(encoding="utf-8"))
            actors, params = list(settings["actors"]), dict(settings["params"])
        except FileNotFoundError:
            raise ModelFolderError(f"{path}: missing (not a transformer pair detector)") from None
        except (OSError, UnicodeDecodeError, json.JSONDecodeError, KeyError, TypeError) as exc:
            raise ModelFolderError(f"{path}: unreadable ({exc})") from None
        detector = cls(actors)
        detector.model = TransformerModel.load(
            directory, {"model": params, "task": "stance", "labels": [ABSENT, PRESENT]}
        )
        return detector


def train_transformer_detector(
    examples: Sequence[ReferenceExample],
    validation_share: float = 0.15,
    salient: bool = True,
    **params: Any,
) -> tuple[TransformerReferenceDetector, float, dict[str, Any]]:
    """Fit on the examples outside an article-grouped ``validation_share`` and choose the
    threshold on that share (rules OR model, kept as the pipeline keeps them:
    ``salient``); returns the detector, its threshold and the validation scores."""
    from framing.models.hf_trainer import grouped_validation
    from framing.pair_detector import THRESHOLDS, choose_threshold
    from framing.reference_model import actor_sets, pair_prf, salient_only

    groups = [e.article_id for e in examples]
    seed = int({**DEFAULTS, **params}["seed"])
    fit_idx, val_idx = grouped_validation(groups, validation_share, seed)
    if not len(val_idx):
        raise ValueError(
            f"pair detector: {len(set(groups))} training article(s); a validation share "
            "needs at least 4"
        )
    fit = [examples[i] for i in fit_idx]
    held = [examples[i] for i in val_idx]
    detector = TransformerReferenceDetector(**params).fit(fit, held)
    proba = detector.validation_proba
    if proba is None or len(proba) != len(held):  # no temperature fitted: score them here
        proba = detector.predict_proba(held)
    predicted = {t: actor_sets(detector.actors, proba, t) for t in THRESHOLDS}
    if salient:
        predicted = {t: salient_only(held, sets) for t, sets in predicted.items()}
    threshold, scores = choose_threshold(held, predicted)
    info = {
        "validation": {
            "articles": len({e.article_id for e in held}),
            "sentences": len(held),
            "salient": salient,
            "rules": pair_prf(held, [e.rule_actors for e in held]),
            "rules_or_model": {str(t): s for t, s in scores.items()},
        },
        "history": detector.model.history,
    }
    log.info("pair detector: threshold %s on %d validation sentences", threshold, len(held))
    return detector, threshold, info
