"""framing — stance and framing classification of news.

The public API (imported lazily, so ``import framing`` stays fast):

* :func:`load_model` — a saved model (run folder or model folder) as a
  :class:`~framing.framing_model.FramingModel` with ``predict(sentences, actors=None)`` and
  ``predict_proba(sentences, actors=None)`` (DataFrames, one row per (sentence, actor)
  pair), and ``task``, ``labels``, ``manifest``, ``trained_with``;
* :func:`analyze_articles` — stance and/or frames for whole articles (``articles=``:
  ``Article`` objects or dicts with ``id``/``text``; ``paths=``: files and folders;
  ``texts=``: article texts) as a DataFrame; the predicted labels are the columns
  ``stance`` and ``frame``, as in ``FramingModel.predict``.

The command line is ``framing`` (:mod:`framing.cli`) and ``framing-run`` (:mod:`framing.run`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from framing.analyze import analyze_articles
    from framing.framing_model import FramingModel, ModelVersionWarning, load_model

__all__ = ["FramingModel", "ModelVersionWarning", "__version__", "analyze_articles", "load_model"]

_LAZY = {
    "load_model": "framing.framing_model",
    "analyze_articles": "framing.analyze",
    "FramingModel": "framing.framing_model",
    "ModelVersionWarning": "framing.framing_model",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    if name == "__version__":
        from framing.version import package_version

        return package_version()
    raise AttributeError(f"module 'framing' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
