"""Where the files shipped inside the package live (configs, check suites), and the clone.

Everything the code reads at run time ships in the package (``framing/conf/``,
``framing/checks/suites/``), found through :mod:`importlib.resources`, so a wheel
install works from any directory. The annotated corpus (``data/syria``) is a data
folder, not package data: relative data paths fall back to the source checkout
(:data:`CLONE_ROOT`) only when ``framing`` is imported from one.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

PACKAGE_DIR = Path(str(files("framing")))
CONFIG_DIR = PACKAGE_DIR / "conf"  # Hydra's primary config directory (framing-run)
CHECK_SUITES = PACKAGE_DIR / "checks" / "suites"  # default suites of ``framing check``


def _clone_root() -> Path | None:
    root = PACKAGE_DIR.parent
    return root if (root / "pyproject.toml").is_file() and (root / "data").is_dir() else None


# The source checkout holding this package (None for a wheel install in site-packages).
CLONE_ROOT: Path | None = _clone_root()
