"""Every config group option composes, and models instantiate (framing/conf/, not framing/conf/hydra)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from hydra.utils import get_object, instantiate
from omegaconf import OmegaConf
from run_helpers import build_tiny_corpus, compose_cfg, write_newsmtsc, write_persent, write_semeval

from framing.actors import ActorLexicon
from framing.labels import task_labels
from framing.mixing import load_sources
from framing.run import CONFIG_DIR, ConfigError, load_examples
from framing.segment import Segmenter

GROUPS = ("model", "task", "split", "data", "actors", "experiment")
MODEL_METHODS = ("fit", "predict_proba", "save", "params")


def options(group: str) -> list[str]:
    return sorted(p.stem for p in (CONFIG_DIR / group).glob("*.yaml"))


ALL_OPTIONS = [(g, name) for g in GROUPS for name in options(g)]


def _raw(group: str, name: str) -> dict:
    return yaml.safe_load((CONFIG_DIR / group / f"{name}.yaml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def data_files(tmp_path_factory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("config_data")
    return {
        "corpus": build_tiny_corpus(root / "corpus", n_articles=3),
        "newsmtsc": write_newsmtsc(root / "newsmtsc.jsonl", bad_lines=False),
        "semeval2016": write_semeval(root / "semeval.tsv", bad_row=False),
        "persent": write_persent(root / "persent.csv"),
    }


def _overrides(group: str, name: str, data_files) -> list[str]:
    out = [f"{group}={name}"]
    if group == "data" and "sources" in _raw("data", name):  # several sources (framing.mixing)
        for src, cfg in _raw("data", name)["sources"].items():
            out.append(f"data.sources.{src}.path={data_files[cfg.get('format', 'corpus')]}")
    elif group == "data":
        fmt = _raw("data", name).get("format", "corpus")
        out.append(f"data.path={data_files[fmt]}")
    if group == "split" and name == "cross_dataset":
        out.append(f"split.test_data.path={data_files['corpus']}")
    return out


def test_every_group_has_options():
    for group in GROUPS:
        assert options(group), f"framing/conf/{group}/ is empty"
    assert "kfold" in options("split") and "stance" in options("task")


def test_default_config_composes():
    cfg = compose_cfg()
    assert cfg.task.name == "stance" and cfg.model.name == "tfidf_logreg"
    assert cfg.split.name == "kfold" and cfg.data.name == "syria" and cfg.actors.name == "syria"
    assert isinstance(cfg.seed, int) and cfg.n_boot > 0
    assert OmegaConf.missing_keys(cfg) == set()


@pytest.mark.parametrize(("group", "name"), ALL_OPTIONS, ids=[f"{g}/{n}" for g, n in ALL_OPTIONS])
def test_option_composes(group, name, data_files):
    cfg = compose_cfg(*_overrides(group, name, data_files))
    assert OmegaConf.missing_keys(cfg) == set(), "a ??? value is left"
    resolved = OmegaConf.to_container(cfg, resolve=True)
    for key in ("data", "actors", "task", "model", "split", "seed"):
        assert key in resolved
    if group in ("model", "task", "split", "data"):
        assert cfg[group].name == name, (
            f"framing/conf/{group}/{name}.yaml names itself {cfg[group].name}"
        )


@pytest.mark.parametrize("name", options("model"))
def test_model_instantiates(name):
    cfg = compose_cfg(f"model={name}")
    target = cfg.model._target_
    try:
        get_object(target)  # a class, or a classmethod of one (EnsembleModel.from_config)
    except ImportError as exc:  # pragma: no cover - only a networked transformer may skip
        if "transformer" in name or target.startswith("framing.models.hf."):
            pytest.skip(f"{target} cannot be imported here: {exc}")
        raise
    for task in options("task"):
        labels = task_labels(task)
        if name == "vader" and task != "stance":  # a stance-only baseline refuses other tasks
            with pytest.raises(Exception, match="stance only"):
                instantiate(cfg.model, task=task, labels=labels, multilabel=False, _convert_="all")
            continue
        model = instantiate(cfg.model, task=task, labels=labels, multilabel=False, _convert_="all")
        for method in MODEL_METHODS:
            assert callable(getattr(model, method, None)), f"{name} lacks {method}()"
        assert model.task == task and list(model.labels) == labels
        assert model.multilabel is False
        params = model.params()
        assert isinstance(params, dict) and params.get("name") == name
        assert isinstance(model.kind, str) and model.kind


@pytest.mark.parametrize("name", options("task"))
def test_task_labels(name):
    cfg = compose_cfg(f"task={name}")
    labels = list(cfg.task.labels)
    assert len(labels) >= 2 and len(set(labels)) == len(labels)
    assert isinstance(cfg.task.get("multilabel", False), bool)


def test_stance_labels_match_the_public_set_maps():
    from framing.public_sets import NEWSMTSC_POLARITY, SEMEVAL_STANCE

    labels = set(compose_cfg("task=stance").task.labels)
    assert set(NEWSMTSC_POLARITY.values()) == labels == set(SEMEVAL_STANCE.values())


@pytest.mark.parametrize("name", options("actors"))
def test_actor_config_builds_a_lexicon(name):
    cfg = compose_cfg(f"actors={name}")
    lexicon = ActorLexicon.from_config(OmegaConf.to_container(cfg.actors, resolve=True))
    found = lexicon.find("Officials in Russia said the Kremlin would talk to HTS.")
    assert {m.actor for m in found} >= {"Russia", "HTS"}


@pytest.mark.parametrize("name", options("split"))
def test_split_names_a_known_split(name):
    extra = ["split.test_data.path=/x"] if name == "cross_dataset" else []
    cfg = compose_cfg(f"split={name}", *extra)
    assert cfg.split.name in ("kfold", "heldout", "cross_dataset")


@pytest.mark.parametrize("name", options("data"))
def test_data_config_loads_examples(name, data_files):
    cfg = compose_cfg(*_overrides("data", name, data_files))
    if "sources" in cfg.data:
        examples, test_ids, extra, report = load_sources(
            cfg.data, "stance", list(cfg.task.labels), False, Segmenter(), 0
        )
        assert len(extra) > 0 and {r["name"] for r in report} == set(cfg.data.sources)
        cfg.data = cfg.data.sources[cfg.data.target]
    else:
        examples, test_ids = load_examples(
            cfg.data, "stance", list(cfg.task.labels), False, Segmenter()
        )
    assert len(examples) > 0
    assert set(examples["label"]) <= set(cfg.task.labels)
    if cfg.data.get("format", "corpus") == "corpus":
        assert len(test_ids["fixed"]) == 3


@pytest.mark.parametrize(
    "name", [n for n in options("data") if _raw("data", n).get("path") == "???"]
)
def test_data_config_without_path_is_a_config_error(name):
    cfg = compose_cfg(f"data={name}")
    with pytest.raises(ConfigError, match="has no path"):
        load_examples(cfg.data, "stance", ["negative", "neutral", "positive"], False, Segmenter())


@pytest.mark.parametrize("name", options("experiment"))
def test_experiment_recipes(name):
    raw = _raw("experiment", name)
    cfg = compose_cfg(f"experiment={name}")
    assert OmegaConf.missing_keys(cfg) == set()
    # entries are overrides ({"override /task": "stance"}) or another recipe ("stance_joint")
    defaults = {k: v for d in raw.get("defaults", []) if isinstance(d, dict) for k, v in d.items()}
    for parent in (d for d in raw.get("defaults", []) if isinstance(d, str)):
        assert parent in options("experiment"), f"{name} builds on unknown recipe {parent}"
    if "override /task" in defaults:
        assert cfg.task.name == defaults["override /task"]
    if "override /split" in defaults:
        assert cfg.split.name == defaults["override /split"]
    sweep = raw.get("hydra", {}).get("sweeper", {}).get("params", {})
    for group, values in sweep.items():
        for value in str(values).split(","):
            assert value.strip() in options(group), f"{name} sweeps unknown {group}={value}"


def test_transformer_yaml_and_python_defaults_agree():
    """framing/conf/model/transformer.yaml and TransformerModel() give one set of defaults."""
    import inspect

    from framing.models.hf import TransformerModel

    defaults = {
        name: p.default
        for name, p in inspect.signature(TransformerModel).parameters.items()
        if p.default is not inspect.Parameter.empty
    }
    raw = _raw("model", "transformer")
    raw.pop("_target_")
    assert raw.pop("seed") == "${seed}"  # the run's seed; TransformerModel has its own default
    unknown = sorted(set(raw) - set(defaults))
    assert not unknown, f"transformer.yaml sets {unknown}, which TransformerModel does not take"
    differ = {k: (v, defaults[k]) for k, v in raw.items() if v != defaults[k]}
    assert not differ, f"YAML vs Python defaults differ: {differ}"
    assert set(defaults) - set(raw) <= {"seed", "task", "labels", "multilabel", "temperature"}
