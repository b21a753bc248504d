"""The package stands on its own: shipped configs and suites, user config dirs, optional
extras with one-line errors, and a light start (no torch for help or scikit-learn models)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from run_helpers import start_framing_run_cases, tiny_corpus, trained_run

import framing.sources
from framing.extras import MissingExtra, require
from framing.resources import CHECK_SUITES, CONFIG_DIR, PACKAGE_DIR
from framing.sources import ConfigError, load_examples

HEAVY = ("torch", "transformers", "datasets", "sklearn")


def heavy_imports(code: str, cwd: Path) -> list[str]:
    """Run ``code`` in a fresh interpreter; the heavy modules it left in sys.modules."""
    probe = (
        "import sys, json, atexit\n"
        f"atexit.register(lambda: print(json.dumps([m for m in {HEAVY!r} if m in sys.modules])))\n"
        f"{code}\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, cwd=cwd, check=False
    )
    assert out.stdout.strip(), out.stderr
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_configs_and_suites_live_in_the_package():
    assert CONFIG_DIR.parent == PACKAGE_DIR == Path(framing.sources.__file__).parent
    for group in ("actors", "data", "model", "split", "task", "experiment"):
        assert list((CONFIG_DIR / group).glob("*.yaml")), group
    assert (CONFIG_DIR / "config.yaml").is_file()
    assert (CHECK_SUITES / "stance.yaml").is_file()


@pytest.mark.parametrize("flag", ["--help", "--version"])
def test_help_and_version_import_nothing_heavy(flag, tmp_path):
    code = f"from framing.cli import main\nmain([{flag!r}])"
    assert heavy_imports(code, tmp_path) == []


def test_scikit_learn_model_predicts_without_torch(tmp_path_factory, tmp_path):
    run = trained_run(tmp_path_factory.getbasetemp(), "stance")
    code = (
        "import framing\n"
        f"m = framing.load_model({str(run)!r})\n"
        "print(m.predict(['Russia praised HTS for the handover.']))\n"
    )
    assert heavy_imports(code, tmp_path) == ["sklearn"]


def test_missing_extra_is_one_line_naming_it(monkeypatch):
    # both: an earlier test may have imported the submodule already
    monkeypatch.setitem(sys.modules, "vaderSentiment", None)
    monkeypatch.setitem(sys.modules, "vaderSentiment.vaderSentiment", None)
    with pytest.raises(MissingExtra, match=r'pip install "framing\[vader\]"'):
        require("vaderSentiment.vaderSentiment", "vader", "the VADER baseline")
    monkeypatch.setitem(sys.modules, "trafilatura", None)
    with pytest.raises(MissingExtra, match=r"reading HTML needs .*framing\[html\]"):
        require("trafilatura", "html", "reading HTML")


def test_predict_html_without_the_extra_exits_with_one_line(tmp_path_factory, tmp_path):
    run = trained_run(tmp_path_factory.getbasetemp(), "stance")
    page = tmp_path / "a.html"
    page.write_text("<html><body><p>Russia kept its base in Tartus.</p></body></html>")
    code = (
        "import sys; sys.modules['trafilatura'] = None\n"
        "from framing.cli import main\n"
        f"sys.exit(main(['predict', '--model', {str(run)!r}, '--input', {str(page)!r}, "
        f"'-o', {str(tmp_path / 'p.jsonl')!r}, '--no-progress']))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 2
    last = out.stderr.strip().splitlines()[-1]
    assert last == (
        "framing predict: error: reading HTML needs the optional package 'trafilatura': "
        'pip install "framing[html]"'
    )
    assert "Traceback" not in out.stderr


def test_relative_data_path_outside_the_clone_names_data_path(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(framing.sources, "CLONE_ROOT", None)  # as from a wheel install
    with pytest.raises(ConfigError, match=r"^data.path 'data/syria' does not exist \(relative"):
        load_examples({"name": "syria", "path": "data/syria"}, "stance", ["a"], False, None)


def test_user_config_dir_adds_options_without_copying_ours(tmp_path_factory, tmp_path):
    corpus = tiny_corpus(tmp_path_factory.getbasetemp())
    user = tmp_path / "my_configs"
    (user / "model").mkdir(parents=True)
    mine = yaml.safe_load((CONFIG_DIR / "model" / "majority.yaml").read_text())
    mine["name"] = "my_majority"
    (user / "model" / "my_majority.yaml").write_text(yaml.safe_dump(mine))
    common = [
        "model=my_majority",
        f"data.path={corpus}",
        "n_boot=10",
        "split.n_splits=2",
        "save_model=false",
    ]
    cases = {
        "config_dir": ["--config-dir", str(user), *common, f"hydra.run.dir={tmp_path / 'a'}"],
        "searchpath": [
            f"hydra.searchpath=[file://{user}]",
            *common,
            f"hydra.run.dir={tmp_path / 'b'}",
        ],
    }
    proc = start_framing_run_cases(cases, tmp_path)
    proc.communicate(timeout=600)
    codes = json.loads((tmp_path / "codes.json").read_text())
    for name, out in (("config_dir", "a"), ("searchpath", "b")):
        assert codes[name] == 0, (tmp_path / f"{name}.err").read_text()[-2000:]
        config = yaml.safe_load((tmp_path / out / "config.yaml").read_text())
        assert config["model"]["name"] == "my_majority"
        assert config["actors"]  # the packaged groups still compose alongside
