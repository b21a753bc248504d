"""scikit-learn objects to and from skops files: atomic writes, trusted types only."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from framing.io import TempFile


def dump_skops(obj: Any, path: Path) -> None:
    """Save with skops through a temporary file (atomic)."""
    import skops.io as sio

    temp = TempFile(path)
    try:
        sio.dump(obj, temp.tmp)
        temp.commit()
    except BaseException:
        temp.discard()
        raise


def load_skops(path: Path, trusted: Sequence[str] = ()) -> Any:
    """Load a skops file; refuses any type beyond skops' defaults and ``trusted`` (never pickle)."""
    import skops.io as sio

    untrusted = sio.get_untrusted_types(file=path)
    unexpected = sorted(set(untrusted) - set(trusted))
    if unexpected:
        raise ValueError(f"{path}: refusing to load untrusted types {unexpected}")
    return sio.load(path, trusted=[t for t in untrusted if t in trusted])
