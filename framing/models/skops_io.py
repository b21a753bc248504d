"""scikit-learn objects to and from skops files: atomic writes, trusted types only."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from framing.io import TempFile
from framing.models.safe_load import ModelFolderError, loader_error


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

    if not path.is_file():
        raise ModelFolderError(f"{path}: missing (the saved model)")
    try:
        untrusted = sio.get_untrusted_types(file=path)
    except Exception as exc:  # a truncated or foreign file: zipfile, KeyError, json errors
        raise loader_error(path, exc) from None
    unexpected = sorted(set(untrusted) - set(trusted))
    if unexpected:
        raise ModelFolderError(f"{path}: refusing to load untrusted types {unexpected}")
    try:
        return sio.load(path, trusted=[t for t in untrusted if t in trusted])
    except Exception as exc:
        raise loader_error(path, exc) from None
