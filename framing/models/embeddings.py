"""Frozen sentence embeddings + logistic regression: the cheap strong middle.

Features (stance): the embedding of the sentence, the embedding of the words
around the target's mentions (its context window; the actor's name when it has
no mention), and the actor one-hot — so the same sentence can get different
labels for different actors. Framing uses the sentence embedding alone.

The encoder is a sentence-transformers model from ``checkpoint`` (default: the
packaged all-MiniLM-L6-v2); it is referenced, not copied, by the saved model.
The classifier is saved with skops.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from framing.examples import columns
from framing.models.features import context_window
from framing.models.hf_setup import resolve_checkpoint

log = logging.getLogger(__name__)
MODEL_FILE = "classifier.skops"


@lru_cache(maxsize=2)
def _encoder(path: str, device: str | None):
    from sentence_transformers import SentenceTransformer

    from framing.models.safe_load import refuse_remote_code

    refuse_remote_code(path)
    return SentenceTransformer(path, device=device or "cpu", trust_remote_code=False)


def encode_into(
    cache: dict[str, np.ndarray],
    texts: Sequence[str],
    checkpoint: str,
    device: str | None = None,
    batch_size: int = 64,
) -> None:
    """Add to ``cache`` the normalised embeddings of the ``texts`` it does not hold yet
    (each encoded once, with a progress bar when there are many)."""
    missing = list(dict.fromkeys(t for t in texts if t not in cache))
    if missing:
        enc = _encoder(resolve_checkpoint(checkpoint), device)
        vecs = enc.encode(
            missing,
            batch_size=batch_size,
            convert_to_numpy=True,
            normalize_embeddings=True,
            show_progress_bar=len(missing) > 500,
        )
        cache.update(zip(missing, vecs, strict=True))


class EmbeddingLogReg:
    kind = "embedding_logreg"

    def __init__(
        self,
        checkpoint: str = "default",
        name: str = "embedding_logreg",
        window: int = 5,
        actor_feature: bool = True,
        C: float = 1.0,
        class_weight: str | None = None,
        batch_size: int = 64,
        device: str | None = None,
        task: str = "stance",
        labels: Sequence[str] = (),
        multilabel: bool = False,
        actors: Sequence[str] = (),
    ) -> None:
        self.checkpoint = checkpoint
        self.name = name
        self.task = task
        self.window = int(window) if task == "stance" else 0
        self.actor_feature = bool(actor_feature) and task == "stance"
        self.C = float(C)
        self.class_weight = class_weight
        self.batch_size = int(batch_size)
        self.device = device
        self.labels = list(labels)
        self.multilabel = bool(multilabel)
        self.actors = list(actors)
        self.classifier = None
        self._cache: dict[str, np.ndarray] = {}

    def params(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "checkpoint": self.checkpoint,
            "window": self.window,
            "actor_feature": self.actor_feature,
            "C": self.C,
            "class_weight": self.class_weight,
            "actors": self.actors,
            "target_marking": "window" if self.window else "none",
        }

    def _embed(self, texts: list[str]) -> np.ndarray:
        encode_into(self._cache, texts, self.checkpoint, self.device, self.batch_size)
        return np.stack([self._cache[t] for t in texts]) if texts else np.zeros((0, 1))

    def features(self, examples: Any) -> np.ndarray:
        c = columns(examples, ["sentence", "target_spans", "actor"])
        parts = [self._embed(c["sentence"])]
        if self.window:
            ctx = []
            for sentence, spans, actor in zip(
                c["sentence"], c["target_spans"], c["actor"], strict=True
            ):
                words = context_window(sentence, spans, self.window).split() if len(spans) else []
                ctx.append(" ".join(w[2:] for w in words) or actor or sentence)
            parts.append(self._embed(ctx))
        if self.actor_feature:
            onehot = np.zeros((len(c["actor"]), len(self.actors)))
            index = {a: i for i, a in enumerate(self.actors)}
            for r, a in enumerate(c["actor"]):
                if a in index:
                    onehot[r, index[a]] = 1.0
            parts.append(onehot)
        return np.hstack(parts)

    def fit(self, examples: Any) -> EmbeddingLogReg:
        from sklearn.linear_model import LogisticRegression
        from sklearn.multiclass import OneVsRestClassifier
        from sklearn.preprocessing import MultiLabelBinarizer

        y = columns(examples, ["label", "actor"])
        if self.actor_feature:
            self.actors = sorted(set(y["actor"]) | set(self.actors))
        X = self.features(examples)
        clf = LogisticRegression(C=self.C, max_iter=3000, class_weight=self.class_weight)
        if self.multilabel:
            self.classifier = OneVsRestClassifier(clf).fit(
                X, MultiLabelBinarizer(classes=self.labels).fit_transform(y["label"])
            )
        else:
            self.classifier = clf.fit(X, y["label"])
        return self

    def predict_proba(self, examples: Any, batch_size: int | None = None) -> np.ndarray:
        from framing.models.features import as_label_matrix

        if self.classifier is None:
            raise RuntimeError(f"model {self.name} is not fitted")
        proba = self.classifier.predict_proba(self.features(examples))
        if self.multilabel:
            return np.asarray(proba, dtype=float)
        return as_label_matrix(proba, [str(c) for c in self.classifier.classes_], self.labels)

    def save(self, directory: str | Path) -> None:
        from framing.models.skops_io import dump_skops

        dump_skops(self.classifier, Path(directory) / MODEL_FILE)

    @classmethod
    def load(cls, directory: str | Path, manifest: dict[str, Any]) -> EmbeddingLogReg:
        from framing.models.skops_io import load_skops

        classifier = load_skops(Path(directory) / MODEL_FILE)
        p = manifest.get("model", {})
        model = cls(
            checkpoint=p.get("checkpoint", "default"),
            name=p.get("name", "embedding_logreg"),
            window=p.get("window", 5),
            actor_feature=p.get("actor_feature", True),
            C=p.get("C", 1.0),
            task=manifest["task"],
            labels=manifest["labels"],
            multilabel=manifest.get("multilabel", False),
            actors=p.get("actors", []),
        )
        model.classifier = classifier
        return model
