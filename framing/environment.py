"""Where a run or a saved model was made: code version, interpreter, machine, libraries.

One source for the environment record of a run (``metrics.json``'s ``environment``)
and the ``versions`` of a saved model's manifest.
"""

from __future__ import annotations

import datetime as _dt
import platform
import subprocess
import sys
from pathlib import Path
from typing import Any

__all__ = ["LIBRARIES", "describe_environment", "git_state", "library_versions", "utc_now"]

# the distributions whose versions are recorded (PyPI names)
LIBRARIES = (
    "framing",
    "torch",
    "transformers",
    "scikit-learn",
    "skops",
    "datasets",
    "hydra-core",
    "numpy",
)


def utc_now() -> str:
    """The current time in UTC, ISO 8601 to the second."""
    return _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds")


def library_versions(names: tuple[str, ...] = LIBRARIES) -> dict[str, str]:
    """Installed versions of ``names`` (read from metadata; the packages are not imported)."""
    from importlib.metadata import PackageNotFoundError, version

    out = {}
    for name in names:
        try:
            out[name] = version(name)
        except PackageNotFoundError:
            continue
    return out


def git_state(directory: str | Path | None = None) -> dict[str, Any]:
    """``commit`` and ``dirty`` of the git checkout holding ``directory`` (the package's
    source by default); both ``None`` outside a checkout or without git."""

    def git(*args: str) -> str | None:
        try:
            done = subprocess.run(
                ["git", "-C", str(where), *args],
                capture_output=True,
                text=True,
                timeout=10,
                check=False,
            )
        except (OSError, subprocess.SubprocessError):
            return None
        return done.stdout if done.returncode == 0 else None

    where = Path(directory) if directory else Path(__file__).resolve().parent
    commit = git("rev-parse", "HEAD")
    if commit is None:
        return {"commit": None, "dirty": None}
    status = git("status", "--porcelain", "--untracked-files=no")
    return {"commit": commit.strip(), "dirty": None if status is None else bool(status.strip())}


def device() -> str:
    """``cuda: <name>`` when torch is loaded and sees a GPU, else ``cpu``.

    torch is only asked when a model already imported it: a scikit-learn run does not
    pay for importing it, and runs on the CPU anyway.
    """
    torch = sys.modules.get("torch")
    if torch is not None and torch.cuda.is_available():
        return f"cuda: {torch.cuda.get_device_name(torch.cuda.current_device())}"
    return "cpu"


def describe_environment(started: str | None = None) -> dict[str, Any]:
    """The environment block of a run's ``metrics.json``."""
    return {
        "started": started or utc_now(),
        "git": git_state(),
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "platform": platform.platform(),
        "machine": platform.machine(),
        "device": device(),
        "versions": library_versions(),
    }
