"""split.validation_data (framing/validation_data.py): a benchmark's dev files reach the
model's fit(validation=); a model that cannot take them is refused in one line."""

from __future__ import annotations

import pytest
from run_helpers import build_tiny_corpus, newsmtsc_records, run_cfg, write_newsmtsc
from test_extend import FirstLabel

from framing.run import ConfigError, run

SEEN: dict[str, list[str]] = {}


class DevRecorder(FirstLabel):
    """The toy model of tests/test_extend.py, recording the validation examples it gets."""

    def fit(self, examples, validation=None):
        SEEN["validation"] = [] if validation is None else list(validation["example_id"])
        return self


TOY = ("model=majority", f"model._target_={__name__}.DevRecorder", "~model.classifier")


def _cfg(tmp_path, *overrides):
    corpus = build_tiny_corpus(tmp_path / "corpus", n_articles=6)
    test = write_newsmtsc(tmp_path / "test.jsonl", bad_lines=False)
    return run_cfg(
        corpus,
        "split=cross_dataset",
        "split.test_data.format=newsmtsc",
        f"split.test_data.path={test}",
        "save_model=false",
        "n_boot=20",
        *overrides,
    )


def test_validation_files_reach_fit(tmp_path):
    dev_a = write_newsmtsc(tmp_path / "dev_a.jsonl", bad_lines=False)
    dev_b = write_newsmtsc(tmp_path / "dev_b.jsonl", bad_lines=False)
    cfg = _cfg(
        tmp_path,
        *TOY,
        "~model.features",
        f"split.validation_data={{rw: {{format: newsmtsc, path: {dev_a}}}, "
        f"mt: {{format: newsmtsc, path: {dev_b}}}}}",
    )
    SEEN.clear()
    run(cfg, tmp_path / "run")
    n_targets = sum(len(r["targets"]) for r in newsmtsc_records())
    assert len(SEEN["validation"]) == 2 * n_targets  # both dev files, every target


def test_without_validation_data_fit_gets_none(tmp_path):
    SEEN.clear()
    run(_cfg(tmp_path, *TOY, "~model.features"), tmp_path / "run")
    assert SEEN["validation"] == []


def test_a_model_without_validation_is_refused_in_one_line(tmp_path):
    dev = write_newsmtsc(tmp_path / "dev.jsonl", bad_lines=False)
    cfg = _cfg(
        tmp_path,
        "model=tfidf_logreg",
        f"split.validation_data={{format: newsmtsc, path: {dev}}}",
    )
    with pytest.raises(ConfigError, match=r"split.validation_data: model 'tfidf_logreg' cannot"):
        run(cfg, tmp_path / "run")


def test_validation_data_without_format_names_the_setting(tmp_path):
    cfg = _cfg(tmp_path, *TOY, "~model.features", "split.validation_data={path: dev.jsonl}")
    with pytest.raises(ConfigError, match=r"split.validation_data.format is not set"):
        run(cfg, tmp_path / "run")
