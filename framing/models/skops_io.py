"""scikit-learn objects to and from skops files: atomic writes, trusted types only."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from framing.io import TempFile
from framing.models.safe_load import ModelFolderError, loader_error


def _skops_io() -> Any:
    """``skops.io``, imported without dragging torch in.

    On import skops lists scikit-learn's estimators (``sklearn.utils.all_estimators``),
    whose package walk imports ``sklearn.externals.array_api_compat.torch`` and with it
    torch (seconds): loading a scikit-learn model would pay for the transformer stack.
    While skops is imported, torch is made unimportable when nothing has imported it
    yet; the walk skips packages that raise ImportError, and that torch shim holds no
    estimator, so the trusted-type list is the same. Nothing caches the failed import:
    torch imports normally afterwards.
    """
    if "skops.io" in sys.modules or "torch" in sys.modules:
        import skops.io

        return skops.io
    # scikit-learn (and scipy.stats under it) first: scipy's array-API helpers look torch
    # up in sys.modules while they import and fail on the shim
    import sklearn.base  # noqa: F401

    sys.modules["torch"] = None  # type: ignore[assignment]  # `import torch` → ImportError
    try:
        import skops.io
    finally:
        if sys.modules.get("torch", 0) is None:
            del sys.modules["torch"]
    return skops.io


def dump_skops(obj: Any, path: Path) -> None:
    """Save with skops through a temporary file (atomic)."""
    sio = _skops_io()

    temp = TempFile(path)
    try:
        sio.dump(obj, temp.tmp)
        temp.commit()
    except BaseException:
        temp.discard()
        raise


def load_skops(path: Path, trusted: Sequence[str] = ()) -> Any:
    """Load a skops file; refuses any type beyond skops' defaults and ``trusted`` (never pickle)."""
    sio = _skops_io()

    if not path.is_file():
        raise ModelFolderError(f"{path}: missing (the saved model)")
    # one pass: skops audits every type while it builds the object (a second, separate
    # audit with get_untrusted_types read the whole file twice)
    from skops.io.exceptions import UntrustedTypesFoundException

    try:
        return sio.load(path, trusted=list(trusted))
    except UntrustedTypesFoundException:
        unexpected = sorted(set(sio.get_untrusted_types(file=path)) - set(trusted))
        raise ModelFolderError(f"{path}: refusing to load untrusted types {unexpected}") from None
    except Exception as exc:  # a truncated or foreign file: zipfile, KeyError, json errors
        raise loader_error(path, exc) from None
