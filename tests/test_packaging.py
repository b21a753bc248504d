"""Package metadata a user sees: version flag, typed marker, licence, torch requirement."""

from __future__ import annotations

import tomllib
from importlib.metadata import version
from pathlib import Path

import pytest

from framing.cli import main

ROOT = Path(__file__).resolve().parents[1]


def test_version_flag_prints_installed_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["--version"])
    assert exc.value.code == 0
    assert capsys.readouterr().out.strip() == f"framing {version('framing')}"


def test_typed_marker_and_licence_ship() -> None:
    assert (ROOT / "framing" / "py.typed").is_file()
    assert "MIT License" in (ROOT / "LICENSE").read_text()


def test_torch_is_a_range_and_the_cpu_pin_lives_in_constraints() -> None:
    meta = tomllib.loads((ROOT / "pyproject.toml").read_text())
    torch_reqs = [d for d in meta["project"]["dependencies"] if d.startswith("torch")]
    assert torch_reqs and all("==" not in d for d in torch_reqs)
    pins = (ROOT / "constraints.txt").read_text().split()
    assert "torch==2.13.0" in pins
