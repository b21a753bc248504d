"""Data sources: a data config (``name``, ``format``, ``path``) → examples.

:data:`DATASETS` maps a data config's ``format`` to its loader: adding a dataset
format is one loader (here or in its own module), one entry in :data:`DATASETS` and
one YAML in ``framing/conf/data/``. A loader takes the resolved path and the task and
returns ``(examples, test_sets)``: a :class:`datasets.Dataset` of
:func:`framing.examples.example_row` rows and the corpus's held-out test sets
``{name: article ids}`` (its ``fixed`` test split and its test-only sets, see
:mod:`framing.splits`; ``{}`` for the public sets).

Settings that name further data (``split.test_data``, ``split.validation_data``,
``eval.test_data``) hold one data config, a list of them, or ``{name: data config}``:
:func:`named_test_data` reads that shape and :func:`load_data_sets` loads each set.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from framing.config_checks import ConfigError  # re-exported: framing.run.ConfigError
from framing.resources import CLONE_ROOT

log = logging.getLogger("framing.run")
TestSets = dict[str, list[str]]  # held-out test set name → article ids


def resolve_path(path: str | os.PathLike[str]) -> Path:
    """An input path as given (relative to the working directory), else, when ``framing``
    runs from its source checkout, relative to the checkout (the shipped ``data/syria``)."""
    p = Path(path).expanduser()
    if p.is_absolute() or p.exists() or CLONE_ROOT is None:
        return p
    alt = CLONE_ROOT / p
    return alt if alt.exists() else p


def corpus_source(
    path: Path,
    task: str,
    labels: list[str],
    multilabel: bool,
    segmenter: Any,
    actors=None,
    lenient: bool = False,
    **options: Any,
) -> tuple[Any, TestSets]:
    """An annotated corpus folder (the data contract, :mod:`framing.corpus`); refused
    when ``framing validate`` would reject it, unless ``lenient`` (``data.lenient``)."""
    from framing.corpus_contract import load_training_corpus
    from framing.tasks import corpus_examples

    corpus = load_training_corpus(path, lenient=lenient)
    examples = corpus_examples(
        corpus, task, segmenter, labels, multilabel=multilabel, actors=actors
    )
    return examples, corpus.test_sets


def _stance_only(name: str, task: str) -> None:
    if task != "stance":
        raise ConfigError(f"data format {name!r} holds stance labels only, not {task}")


def newsmtsc_source(path: Path, task: str, *args: Any, **kwargs: Any) -> tuple[Any, TestSets]:
    """NewsMTSC JSONL (stance only)."""
    from framing.public_sets import newsmtsc_examples

    _stance_only("newsmtsc", task)
    return newsmtsc_examples(path), {}


def semeval_source(path: Path, task: str, *args: Any, **kwargs: Any) -> tuple[Any, TestSets]:
    """SemEval-2016 Task 6 TSV (stance only)."""
    from framing.public_sets import semeval_examples

    _stance_only("semeval2016", task)
    return semeval_examples(path), {}


def persent_source(path: Path, task: str, *args: Any, **kwargs: Any) -> tuple[Any, TestSets]:
    """PerSenT CSV (stance only): one example per labelled (paragraph, target entity)."""
    from framing.persent import persent_examples

    _stance_only("persent", task)
    return persent_examples(path), {}


# format → loader(path, task, labels, multilabel, segmenter, actors, **options) ->
# (examples, test_sets); options: ``lenient`` (data.lenient, corpus folders)
DATASETS: dict[str, Callable[..., tuple[Any, TestSets]]] = {
    "corpus": corpus_source,
    "newsmtsc": newsmtsc_source,
    "semeval2016": semeval_source,
    "persent": persent_source,
}


def load_examples(
    data_cfg: Mapping[str, Any],
    task: str,
    labels: list[str],
    multilabel: bool,
    segmenter: Any,
    actors: list[str] | None = None,
    key: str = "data",
) -> tuple[Any, TestSets]:
    """Examples of ``task`` from a data config (``format`` + ``path``), and its test sets.

    ``key``: the config key errors name (``data.sources.war`` for one of several sources)."""
    fmt = data_cfg.get("format", "corpus")
    if not data_cfg.get("path"):
        raise ConfigError(f"data config {data_cfg.get('name', '?')!r} has no path ({key}.path)")
    path = resolve_path(data_cfg["path"])
    if not path.exists():
        hint = "" if path.is_absolute() else f" (relative to {Path.cwd()}"
        if hint:
            hint += (
                "; the shipped corpus data/syria lives in the source checkout: "
                f"pass {key}.path=/absolute/path/to/it)"
            )
        raise ConfigError(f"{key}.path {str(path)!r} does not exist{hint}")
    loader = DATASETS.get(fmt)
    if loader is None:
        raise ConfigError(f"unknown {key}.format {fmt!r}; choose {', '.join(DATASETS)}")
    return loader(
        path,
        task,
        labels,
        multilabel,
        segmenter,
        actors,
        lenient=bool(data_cfg.get("lenient", False)),
    )


def named_test_data(
    test_data: Any, split_name: str = "cross_dataset", setting: str = "split.test_data"
) -> dict[str, Any]:
    """``split.test_data`` as ``{setting path: data config}``: one data config (``format`` and
    ``path``), a list of them, or named test sets (``{name: data config}``, each reported on
    its own; the single config's own ``format``/``path`` are then ignored unless ``path`` is set)."""
    from omegaconf import DictConfig, ListConfig, OmegaConf

    if isinstance(test_data, DictConfig | ListConfig):
        test_data = OmegaConf.to_container(test_data, resolve=True, throw_on_missing=False)
    if not test_data:
        raise ConfigError(f"split={split_name} needs {setting}: a data config with format and path")
    if isinstance(test_data, list):
        return {f"{setting}[{i}]": t for i, t in enumerate(test_data)}
    named = {
        f"{setting}.{k}": {"name": str(k), **v}
        for k, v in test_data.items()
        if isinstance(v, Mapping)
    }
    if named and test_data.get("path") in (None, "???"):
        return named
    return {
        setting: {k: v for k, v in test_data.items() if not isinstance(v, Mapping)},
        **named,
    }


def load_data_sets(
    spec: Any, split_name: str, setting: str, task, labels, multilabel, segmenter
) -> dict[str, Any]:
    """The examples of each data config of ``spec`` (as :func:`named_test_data` reads it),
    ``{set name: examples}``; a config without ``format`` is one line naming the setting."""
    sets = {}
    for key, data_cfg in named_test_data(spec, split_name, setting).items():
        if not data_cfg.get("format"):
            raise ConfigError(
                f"split={split_name}: {key}.format is not set; choose {', '.join(DATASETS)}"
            )
        sets[str(data_cfg.get("name") or key)] = load_examples(
            data_cfg, task, labels, multilabel, segmenter
        )[0]
    return sets
