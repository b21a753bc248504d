"""Label sets and the one decision rule from probabilities to labels.

The default label sets live in ``framing/conf/task/*.yaml``, not in code.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import yaml

from framing.resources import CONFIG_DIR


def task_labels(task: str, config_dir: Path = CONFIG_DIR) -> list[str]:
    """The label list of ``framing/conf/task/<task>.yaml``."""
    path = config_dir / "task" / f"{task}.yaml"
    if not path.is_file():
        raise FileNotFoundError(f"no task config {path}")
    with path.open(encoding="utf-8") as fh:
        labels = (yaml.safe_load(fh) or {}).get("labels")
    if not labels:
        raise ValueError(f"{path}: no 'labels' list")
    return [str(x) for x in labels]


def decide(proba: Any, labels: Sequence[str], multilabel: bool = False) -> list[Any]:
    """Labels from a probability matrix ``(n, len(labels))``: the argmax per row, or for
    multi-label every label with probability ≥ 0.5 (the argmax when none is)."""
    import numpy as np

    labels = list(labels)
    if multilabel:
        out: list[Any] = []
        for row in proba:
            chosen = [labels[j] for j in np.flatnonzero(row >= 0.5)]
            out.append(chosen or [labels[int(row.argmax())]])
        return out
    return [labels[j] for j in proba.argmax(axis=1)] if len(proba) else []
