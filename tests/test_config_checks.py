"""Issue #15, finding 10: bad overrides, options and outputs are one clear line each."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from hydra import compose, initialize_config_dir

import framing.run as fr
from framing.cli import main
from framing.config_checks import ConfigError, check_config
from framing.io import OutputDirError
from framing.readers import read_path

ROOT = Path(__file__).resolve().parent.parent


def _cfg(*overrides: str):
    with initialize_config_dir(str(fr.CONFIG_DIR), version_base="1.3"):
        return compose("config", overrides=list(overrides))


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ("split.n_splits=2.5", "split.n_splits=2.5: must be an integer >= 2"),
        ("split.n_splits=1", "split.n_splits=1: must be an integer >= 2"),
        ("model.window=-3", "model.window=-3: must be an integer >= 0"),
        ("seed=-1", "seed=-1: must be an integer"),
        ("n_boot=-1", "n_boot=-1: must be an integer >= 0"),
        ("splitter=nope", "splitter='nope': unknown sentence splitter"),
        ("seed=abc", "seed='abc'"),
    ],
)
def test_a_bad_override_is_one_line_before_anything_loads(tmp_path, override, message):
    cfg = _cfg(override, "data.path=/nonexistent/corpus")  # never read: checked first
    with pytest.raises(ConfigError) as exc:
        fr.run(cfg, tmp_path / "run")
    assert message in str(exc.value) and "\n" not in str(exc.value)


def test_the_default_config_passes():
    check_config(_cfg())
    check_config(_cfg("model=transformer", "task=framing"))


def test_framing_run_prints_one_line_and_exits_2(tmp_path):
    proc = subprocess.run(
        [sys.executable, "-m", "framing.run", "seed=-1", f"hydra.run.dir={tmp_path}/run"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        timeout=300,
    )
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert "framing-run: error: seed=-1: must be an integer" in proc.stderr


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["--actors", "nope.yaml"], "nope.yaml: no such actors file"),
        (["--splitter", "nope"], "nope"),
    ],
)
def test_segment_options_are_one_line(tmp_path, caplog, options, message):
    src = tmp_path / "in.jsonl"
    src.write_text(json.dumps({"id": "a", "text": "Russia spoke."}) + "\n")
    with caplog.at_level(logging.ERROR):
        assert main(["segment", str(src), "-o", str(tmp_path / "o.jsonl"), *options]) == 2
    errors = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert len(errors) == 1 and message in errors[0] and "\n" not in errors[0]


# ---------------------------------------------------------------- compare
GOOD = {"task": "stance", "model": "m", "headline": {"metric": "macro_f1", "value": 0.5}}


@pytest.mark.parametrize(
    ("metrics", "message"),
    [
        ([1, 2], "expected a JSON object, got list"),
        ({"headline": "high"}, "'headline' must be an object"),
        ({"headline": {"value": "0.7"}}, "is not a number"),
        ({}, "no headline metric"),
    ],
)
def test_compare_skips_a_malformed_metrics_file_with_one_warning(
    tmp_path, caplog, capsys, metrics, message
):
    (tmp_path / "good").mkdir()
    (tmp_path / "good" / "metrics.json").write_text(json.dumps(GOOD))
    (tmp_path / "bad").mkdir()
    (tmp_path / "bad" / "metrics.json").write_text(json.dumps(metrics))
    with caplog.at_level(logging.WARNING):
        assert main(["compare", str(tmp_path)]) == 0
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1 and message in warnings[0] and "skipped" in warnings[0]
    assert "bad" in warnings[0]
    out = capsys.readouterr().out
    assert "good" in out and "0.5" in out


def _unlistable(monkeypatch, bad: Path) -> None:
    real = os.scandir

    def scandir(path="."):
        if Path(path) == bad:
            raise PermissionError(13, "Permission denied", str(path))
        return real(path)

    monkeypatch.setattr(os, "scandir", scandir)


def test_an_unlistable_input_folder_is_an_error_not_silence(tmp_path, monkeypatch):
    (tmp_path / "ok").mkdir()
    (tmp_path / "ok" / "a.jsonl").write_text(json.dumps({"id": "a", "text": "Text."}) + "\n")
    (tmp_path / "locked").mkdir()
    _unlistable(monkeypatch, tmp_path / "locked")
    items = list(read_path(tmp_path))
    assert [getattr(i, "id", None) for i in items] == ["a", None]
    assert str(tmp_path / "locked") in items[1].where and "cannot list" in items[1].reason


def test_compare_warns_about_an_unlistable_folder(tmp_path, monkeypatch, caplog):
    (tmp_path / "good").mkdir()
    (tmp_path / "good" / "metrics.json").write_text(json.dumps(GOOD))
    (tmp_path / "locked").mkdir()
    _unlistable(monkeypatch, tmp_path / "locked")
    with caplog.at_level(logging.WARNING):
        assert main(["compare", str(tmp_path)]) == 0
    assert any(
        "locked" in r.getMessage() and "cannot list" in r.getMessage() for r in caplog.records
    )


# ---------------------------------------------------------------- output folders
def test_an_unwritable_output_is_refused_before_the_model_loads(tmp_path, monkeypatch):
    from framing import inference as fp

    def never(*_a, **_k):
        raise AssertionError("the model was loaded")

    monkeypatch.setattr(fp, "load_model", never)
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    with pytest.raises(OutputDirError, match="a-file"):
        fp.predict_files([tmp_path], blocker / "out.jsonl", ["unused"], progress=False)
    if os.geteuid() != 0:  # root writes into read-only folders
        ro = tmp_path / "ro"
        ro.mkdir(mode=0o555)
        with pytest.raises(OutputDirError, match="ro"):
            fp.predict_files([tmp_path], ro / "out.jsonl", ["unused"], progress=False)


def test_run_refuses_an_unwritable_output_folder(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    with pytest.raises(OutputDirError, match="cannot write output here"):
        fr.run(_cfg(), blocker / "run")
