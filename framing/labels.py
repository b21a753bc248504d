"""Label sets. The defaults live in ``configs/task/*.yaml``, not in code."""

from __future__ import annotations

from pathlib import Path

import yaml

CONFIG_DIR = Path(__file__).resolve().parent.parent / "configs"


def task_labels(task: str, config_dir: Path = CONFIG_DIR) -> list[str]:
    """The label list of ``configs/task/<task>.yaml``."""
    path = config_dir / "task" / f"{task}.yaml"
    if not path.is_file():
        raise FileNotFoundError(f"no task config {path}")
    with path.open(encoding="utf-8") as fh:
        labels = (yaml.safe_load(fh) or {}).get("labels")
    if not labels:
        raise ValueError(f"{path}: no 'labels' list")
    return [str(x) for x in labels]
