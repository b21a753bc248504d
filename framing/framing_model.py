"""The public model object: :func:`load_model` → :class:`FramingModel`.

A saved stance or framing model (a run folder with ``model/`` or a model folder) with
its manifest, its own segmenter (the actor config and splitter it was trained with)
and :meth:`FramingModel.predict` / :meth:`FramingModel.predict_proba` over sentences.
Articles are predicted by :mod:`framing.engine`.
"""

from __future__ import annotations

import logging
import os
import warnings
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from framing.labels import decide
from framing.version import package_version

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

    from framing.segment import Segmenter

log = logging.getLogger("framing.predict")

DEFAULT_BATCH_SIZE = 2048  # pairs per predict_proba call


class ModelVersionWarning(UserWarning):
    """A model was trained with a different version of the package than the running one."""


# ---------------------------------------------------------------------------
# models
def _model_id(manifest: dict[str, Any], directory: Path) -> str:
    """A short, stable id: the model's name and a hash of all its files (weights included)."""
    from framing.models import model_fingerprint

    name = str(manifest.get("model", {}).get("name") or manifest.get("kind") or "model")
    digest = model_fingerprint(directory)[:10]
    return f"{name}@{digest}"


def _normalize_sentence(text: str) -> str:
    from framing.text.unicode import normalize_unicode

    return " ".join(normalize_unicode(text).split())


class FramingModel:
    """A saved stance or framing model, ready for new text.

    Made by :func:`load_model`. Attributes: ``task`` (``"stance"`` or ``"framing"``),
    ``labels``, ``multilabel``, ``manifest`` (the saved manifest), ``trained_with``
    (the ``framing`` version that trained the model), ``model_id``, ``path`` and
    ``model`` (the underlying model object with ``predict_proba(examples)``).

    :meth:`predict` and :meth:`predict_proba` take sentences as strings and return a
    :class:`pandas.DataFrame` with **one row per (sentence, actor) pair** for a stance
    model and one row per sentence for a framing model; column ``sentence_index`` is
    the position of the sentence in the input list.
    """

    def __init__(self, model: Any, manifest: dict[str, Any], path: str | os.PathLike[str]) -> None:
        self.model = model
        self.manifest = manifest
        self.path = Path(path)
        self.task: str = str(model.task)
        self.labels: list[str] = [str(x) for x in model.labels]
        self.multilabel: bool = bool(getattr(model, "multilabel", False))
        self.trained_with: str = str(manifest.get("versions", {}).get("framing", "unknown"))
        self.model_id: str = _model_id(manifest, self.path)
        self._segmenter: Segmenter | None = None

    def __repr__(self) -> str:
        return (
            f"FramingModel(task={self.task!r}, id={self.model_id!r}, labels={self.labels}, "
            f"trained_with={self.trained_with!r}, path={str(self.path)!r})"
        )

    @property
    def splitter(self) -> str:
        return str(self.manifest.get("input_format", {}).get("splitter", "sentencex"))

    @property
    def segmenter(self) -> Segmenter:
        """The clean → split → match path with the model's own actor config and splitter."""
        if self._segmenter is None:
            from framing.segment import Segmenter

            actors = self.manifest.get("actors") or None  # {}: a model saved without one
            if actors is None:
                log.warning(
                    "%s: the manifest has no actor config (e.g. a model trained on a public "
                    "set); using the packaged default, give --actors / actors= to choose",
                    self.path,
                )
            self._segmenter = Segmenter(actors, splitter=self.splitter)
        return self._segmenter

    @property
    def actors(self) -> list[str]:
        """The canonical actor names of the model's lexicon."""
        return self.segmenter.lexicon.names

    # ------------------------------------------------------------------
    def predict_examples(
        self, examples: Mapping[str, Sequence[Any]], batch_size: int = DEFAULT_BATCH_SIZE
    ) -> np.ndarray:
        """Probabilities ``(n, len(labels))`` for examples (a mapping of lists with keys
        ``sentence``, ``target_spans``, ``other_spans``, ``actor``), fed in chunks of
        ``batch_size``; the model batches further inside as it needs."""
        import numpy as np

        n = len(examples["sentence"])
        out = np.empty((n, len(self.labels)), dtype=float)
        for i in range(0, n, batch_size):
            chunk = {k: list(v[i : i + batch_size]) for k, v in examples.items()}
            proba = np.asarray(self.model.predict_proba(chunk), dtype=float)
            if proba.shape != (len(chunk["sentence"]), len(self.labels)):
                raise RuntimeError(
                    f"model {self.model_id} returned probabilities of shape {proba.shape} for "
                    f"{len(chunk['sentence'])} examples and {len(self.labels)} labels"
                )
            out[i : i + batch_size] = proba
        return out

    def decide(self, proba: np.ndarray) -> list[Any]:
        """Labels from probabilities: the argmax, or for multi-label every label ≥ 0.5
        (the argmax when none is)."""
        return decide(proba, self.labels, self.multilabel)

    def _score(
        self, sentences: Sequence[str] | str, actors: Sequence[Any] | None
    ) -> tuple[list[dict[str, Any]], np.ndarray]:
        if isinstance(sentences, str):
            sentences = [sentences]
        sentences = list(sentences)
        if actors is not None:
            if self.task != "stance":
                raise ValueError(f"actors are for stance models; this is a {self.task} model")
            if isinstance(actors, str) or len(actors) != len(sentences):
                raise ValueError(
                    "actors must hold one entry per sentence: a list of actor names, "
                    "one name, or None for the lexicon's matches"
                )
        from framing.corpus import Sentence
        from framing.examples import ModelInputs

        segmenter = self.segmenter
        lexicon = segmenter.lexicon
        known = set(lexicon.names)
        unknown: set[str] = set()
        keys: list[dict[str, Any]] = []
        inputs = ModelInputs()
        for i, raw in enumerate(sentences):
            text = _normalize_sentence(str(raw))
            # the one matching path of framing segment (role nouns, senses), no date
            sentence = segmenter.match([Sentence("", i, 0, len(text), text)], text)[0]
            if self.task == "stance":
                wanted = actors[i] if actors is not None else None
                if wanted is None:
                    names = sentence.actors
                else:
                    names = [wanted] if isinstance(wanted, str) else [str(a) for a in wanted]
                    unknown.update(a for a in names if a not in known)
                for actor in names:
                    target = inputs.add_stance(sentence, actor)
                    keys.append(
                        {"sentence_index": i, "sentence": text, "actor": actor, "mentions": target}
                    )
            else:
                inputs.add_framing(sentence)
                keys.append({"sentence_index": i, "sentence": text, "actor": "", "mentions": []})
        if unknown:
            log.warning(
                "actors %s are not in the model's lexicon (%s); predicted without mention spans",
                sorted(unknown),
                ", ".join(sorted(known)),
            )
        import numpy as np

        if not keys:
            return keys, np.empty((0, len(self.labels)))
        return keys, self.predict_examples(inputs.columns)

    @property
    def label_column(self) -> str:
        """The name of the predicted-label column: ``stance`` or ``frame`` (one name across
        :meth:`predict`, :func:`analyze_articles` and ``framing predict`` files)."""
        return "stance" if self.task == "stance" else "frame"

    def _frame(self, keys: list[dict[str, Any]], proba: np.ndarray, with_label: bool):
        import pandas as pd

        df = pd.DataFrame(keys, columns=["sentence_index", "sentence", "actor", "mentions"])
        if with_label:
            df[self.label_column] = self.decide(proba)
        for j, lab in enumerate(self.labels):
            df[f"p_{lab}"] = proba[:, j]
        return df

    def predict_proba(
        self, sentences: Sequence[str] | str, actors: Sequence[Any] | None = None
    ) -> pd.DataFrame:
        """Probabilities per (sentence, actor) pair, as a DataFrame.

        Columns: ``sentence_index`` (position in ``sentences``), ``sentence`` (the text
        as the model saw it: unicode repaired, whitespace collapsed), ``actor`` (``""``
        for a framing model), ``mentions`` (the actor's spans in the sentence) and
        ``p_<label>`` per label.

        ``actors`` (stance only): ``None`` takes the actors the model's lexicon finds in
        each sentence (a sentence with none gives no row); otherwise one entry per
        sentence — a list of actor names, one name, or ``None`` for the lexicon's
        matches in that sentence.
        """
        keys, proba = self._score(sentences, actors)
        return self._frame(keys, proba, with_label=False)

    def predict(
        self, sentences: Sequence[str] | str, actors: Sequence[Any] | None = None
    ) -> pd.DataFrame:
        """Like :meth:`predict_proba`, with the predicted label before the probabilities,
        in a column named as in ``framing predict`` files and :func:`analyze_articles`:
        ``stance`` for a stance model, ``frame`` for a framing model (a list of labels
        for a multi-label model); :attr:`label_column` holds the name."""
        keys, proba = self._score(sentences, actors)
        return self._frame(keys, proba, with_label=True)


def load_model(path: str | os.PathLike[str] | FramingModel) -> FramingModel:
    """Load a saved model from a run folder (with ``model/``) or a model folder.

    Only safe formats are read (scikit-learn pipelines through skops with a fixed list of
    trusted types, transformers through safetensors; never pickle): a model holding any
    other type is refused with ``ValueError``. The ``framing`` version that trained the
    model is logged and kept in ``trained_with``; a :class:`ModelVersionWarning` is
    issued when it differs from the running version.
    """
    if isinstance(path, FramingModel):
        return path
    from framing.models import load_saved_model, resolve_model_dir

    directory = resolve_model_dir(path)
    model, manifest = load_saved_model(directory)
    loaded = FramingModel(model, manifest, directory)
    running = package_version()
    log.info(
        "%s model %s from %s: trained with framing %s (running %s)",
        loaded.task,
        loaded.model_id,
        directory,
        loaded.trained_with,
        running,
    )
    if loaded.trained_with != running:
        warnings.warn(
            f"{directory}: model trained with framing {loaded.trained_with}, running {running}; "
            "predictions may differ from those measured at training",
            ModelVersionWarning,
            stacklevel=2,
        )
    return loaded
