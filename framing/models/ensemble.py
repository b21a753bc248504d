"""An ensemble of models: the average (optionally weighted) of their probabilities.

Each member keeps its own input format (a pair fine-tune and a marker fine-tune can be
averaged): :meth:`EnsembleModel.predict_proba` asks every member for its probabilities on
the same examples and averages them. Members must agree on task, labels (same names, same
order) and multilabel; otherwise the ensemble is refused with one line.

``save(directory)`` copies every member's saved folder into ``directory/members/<i>-<name>``
(so the ensemble folder is self-contained) and the manifest written by
:func:`framing.models.save_model` lists them under ``model.members`` with their weights;
:meth:`EnsembleModel.load` reads them back with :func:`framing.models.load_saved_model`
(the same safe loaders as any saved model).

    ensemble = EnsembleModel.from_saved(["runs/a/model", "runs/b/model"])
    save_model(ensemble, "runs/ens/model", actors={}, splitter="newsmtsc", n_train=0)

Or built from config and trained by ``framing-run`` like any model
(``framing/conf/model/ensemble.yaml``; ``_target_:`` :meth:`EnsembleModel.from_config`):
``members`` maps a name to a model config (its own ``_target_``), ``weights`` maps the
same names to weights (or lists them in member order). ``fit`` trains every member on the
same examples, passing each the fit options its ``fit`` takes (``validation=``).

    framing-run model=ensemble                          # tfidf_svm + transformer, 0.5 / 0.5
    framing-run experiment=semeval2016_ensemble         # the SemEval-2016 recipe
"""

from __future__ import annotations

import inspect
import shutil
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from framing.models.safe_load import ModelFolderError

MEMBERS_DIR = "members"


class EnsembleModel:
    """Average of members' class probabilities (see the module docstring)."""

    kind = "ensemble"

    def __init__(
        self,
        members: Sequence[Any],
        weights: Sequence[float] | None = None,
        sources: Sequence[str | Path] | None = None,
        name: str = "ensemble",
    ) -> None:
        if not members:
            raise ValueError(f"model {name}: an ensemble needs at least one member")
        first = members[0]
        for i, member in enumerate(members[1:], start=1):
            for attr in ("task", "labels", "multilabel"):
                if getattr(member, attr) != getattr(first, attr):
                    raise ValueError(
                        f"model {name}: member {i} ({getattr(member, 'name', '?')}) has {attr} "
                        f"{getattr(member, attr)!r}, member 0 has {getattr(first, attr)!r}"
                    )
        weights = [1.0] * len(members) if weights is None else [float(w) for w in weights]
        if len(weights) != len(members) or any(w < 0 for w in weights) or sum(weights) <= 0:
            raise ValueError(
                f"model {name}: weights {weights} must be one non-negative number per member "
                f"({len(members)}), not all zero"
            )
        if sources is not None and len(sources) != len(members):
            raise ValueError(f"model {name}: {len(sources)} sources for {len(members)} members")
        self.members = list(members)
        self.weights = weights
        self.sources = [Path(s) for s in sources] if sources is not None else None
        self.name = name
        self.task = first.task
        self.labels = list(first.labels)
        self.multilabel = bool(first.multilabel)

    @classmethod
    def from_saved(
        cls,
        paths: Sequence[str | Path],
        weights: Sequence[float] | None = None,
        name: str = "ensemble",
    ) -> EnsembleModel:
        """Members read from saved model (or run) folders; ``save`` copies those folders."""
        from framing.models import load_saved_model, resolve_model_dir

        folders = [resolve_model_dir(p) for p in paths]
        members = [load_saved_model(folder)[0] for folder in folders]
        return cls(members, weights=weights, sources=folders, name=name)

    @classmethod
    def from_config(
        cls,
        members: Mapping[str, Any] | Sequence[Any],
        weights: Mapping[str, float] | Sequence[float] | None = None,
        name: str = "ensemble",
        *,
        task: str = "stance",
        labels: Sequence[str] = (),
        multilabel: bool = False,
    ) -> EnsembleModel:
        """Unfitted members built from their model configs (each with ``_target_``), with
        this ensemble's ``task``, ``labels`` and ``multilabel``: ``members`` maps a member's
        name (it replaces the config's ``name``) to its config, or lists configs (named by
        their ``name``). ``weights`` maps every member's name to its weight, or lists them
        in member order; none means equal weights."""
        from hydra.utils import instantiate

        if isinstance(members, Mapping):
            items = [(str(key), spec) for key, spec in members.items()]
        elif isinstance(members, Sequence) and not isinstance(members, str):
            items = [
                (str(spec.get("name", i)) if isinstance(spec, Mapping) else str(i), spec)
                for i, spec in enumerate(members)
            ]
        else:
            raise ValueError(f"model {name}: members must map names to model configs")
        named: dict[str, dict[str, Any]] = {}
        for key, spec in items:
            if not isinstance(spec, Mapping) or "_target_" not in spec:
                raise ValueError(
                    f"model {name}: member {key!r} is not a model config with _target_"
                )
            if key in named:
                raise ValueError(f"model {name}: two members are named {key!r}")
            named[key] = {**spec, "name": key}
        if isinstance(weights, Mapping):
            by_name = {str(key): w for key, w in weights.items()}
            if set(by_name) != set(named):
                raise ValueError(
                    f"model {name}: weights name {sorted(by_name)}, the members are {sorted(named)}"
                )
            weights = [by_name[key] for key in named]
        built = []
        for key, spec in named.items():
            try:
                built.append(
                    instantiate(
                        spec,
                        task=task,
                        labels=list(labels),
                        multilabel=multilabel,
                        _convert_="all",
                    )
                )
            except Exception as exc:  # Hydra wraps the real cause
                raise ValueError(f"model {name}: member {key!r}: {exc.__cause__ or exc}") from exc
        return cls(built, weights=weights, name=name)

    def params(self) -> dict[str, Any]:
        names = self._member_dirs()
        return {
            "name": self.name,
            "members": [
                {"path": f"{MEMBERS_DIR}/{d}", "weight": w, "kind": m.kind}
                for d, w, m in zip(names, self.weights, self.members, strict=True)
            ],
        }

    def _member_dirs(self) -> list[str]:
        return [
            f"{i}-{getattr(m, 'name', m.kind)}".replace("/", "_")
            for i, m in enumerate(self.members)
        ]

    def fit(self, examples: Any, validation: Any = None, **options: Any) -> EnsembleModel:
        """Fit every member on ``examples`` (each with its own input format). Each fit
        option (``validation``: the examples to select epochs on) goes to the members
        whose ``fit`` takes it; one that no member takes is refused before any training."""
        if validation is not None:
            options["validation"] = validation
        given = [self._fit_options(member, options) for member in self.members]
        unused = sorted(set(options) - {k for g in given for k in g})
        if unused:
            raise ValueError(f"model {self.name}: no member's fit() takes {', '.join(unused)}")
        for member, kwargs in zip(self.members, given, strict=True):
            member.fit(examples, **kwargs)
        self.sources = None  # the saved folders no longer hold these members
        return self

    @staticmethod
    def _fit_options(member: Any, options: dict[str, Any]) -> dict[str, Any]:
        params = inspect.signature(member.fit).parameters
        if any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params.values()):
            return dict(options)
        return {k: v for k, v in options.items() if k in params}

    def predict_proba(self, examples: Any) -> np.ndarray:
        total = sum(self.weights)
        out = None
        for member, weight in zip(self.members, self.weights, strict=True):
            if weight == 0:
                continue
            proba = np.asarray(member.predict_proba(examples), dtype=float) * (weight / total)
            out = proba if out is None else out + proba
        assert out is not None
        return out

    def save(self, directory: str | Path) -> None:
        from framing.models import save_model

        root = Path(directory) / MEMBERS_DIR
        if self.sources is not None and any(root.resolve() in s.parents for s in self.sources):
            raise ValueError(f"model {self.name}: cannot save over its own member folders {root}")
        if root.exists():
            shutil.rmtree(root)
        root.mkdir(parents=True)
        for sub, member, i in zip(
            self._member_dirs(), self.members, range(len(self.members)), strict=True
        ):
            if self.sources is not None:
                shutil.copytree(self.sources[i], root / sub)
            else:
                save_model(member, root / sub, actors={}, splitter="unknown", n_train=0)

    @classmethod
    def load(cls, directory: str | Path, manifest: dict[str, Any]) -> EnsembleModel:
        from framing.models import load_saved_model

        directory = Path(directory)
        params = manifest.get("model", {})
        listed = params.get("members")
        if not isinstance(listed, list) or not listed:
            raise ModelFolderError(f"{directory / 'manifest.json'}: no 'model.members' list")
        folders, weights = [], []
        for entry in listed:
            path = (directory / str(entry["path"])).resolve()
            if directory.resolve() not in path.parents:
                raise ModelFolderError(
                    f"{directory / 'manifest.json'}: member {entry['path']!r} lies outside the folder"
                )
            folders.append(path)
            weights.append(float(entry.get("weight", 1.0)))
        members = [load_saved_model(folder)[0] for folder in folders]
        try:
            model = cls(
                members, weights=weights, sources=folders, name=params.get("name", "ensemble")
            )
        except ValueError as exc:
            raise ModelFolderError(f"{directory / 'manifest.json'}: {exc}") from None
        if model.labels != list(manifest["labels"]):
            raise ModelFolderError(
                f"{directory / 'manifest.json'}: members' labels {model.labels} differ from "
                f"the manifest's {manifest['labels']}"
            )
        return model
