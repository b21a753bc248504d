"""The Python API over articles: :func:`analyze_articles`, Python objects in, a DataFrame out.

Articles come as :class:`~framing.corpus.Article` objects or dicts (``articles=``), files
and folders (``paths=``, read as ``framing predict`` reads them) or texts (``texts=``); a
bad one is logged, skipped and listed in ``df.attrs["errors"]``. The models are turned into
a :class:`~framing.engine.Predictor` by :func:`framing.inference.build_predictor`, as for
``framing predict`` files (:func:`framing.inference.predict_files`), so the rows are the
same (see :mod:`framing.predictions`).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from framing.corpus import Article
from framing.engine import ArticleFailure
from framing.framing_model import DEFAULT_BATCH_SIZE, FramingModel, load_model
from framing.inference import build_predictor
from framing.io import RecordError
from framing.predictions import PredictError

if TYPE_CHECKING:
    import pandas as pd

    from framing.readers import Columns

log = logging.getLogger("framing.predict")


def _as_list(items: Any, single: tuple[type, ...]) -> list[Any]:
    if items is None:
        return []
    return [items] if isinstance(items, single) else list(items)


def _checked_paths(paths: Any) -> list[Path]:
    """``paths`` as a list; a missing one is an error naming it (before any work)."""
    out = [Path(p) for p in _as_list(paths, (str, os.PathLike))]
    missing = [str(p) for p in out if not p.exists()]
    if missing:
        raise FileNotFoundError(f"no such file or folder: {', '.join(missing)}")
    return out


def _as_articles(
    articles: Any, paths: list[Path], texts: list[str], columns: Columns | None = None
) -> Iterator[Article | RecordError]:
    from framing.article_ids import unique_ids
    from framing.readers import Columns, _check_size, read_path

    columns = columns or Columns()

    def given() -> Iterator[Article | RecordError]:
        for i, item in enumerate(_as_list(articles, (Article, Mapping, str, os.PathLike))):
            where = f"articles[{i}]"
            try:
                if isinstance(item, Article):
                    yield _check_size(item, item.origin or where)
                elif isinstance(item, Mapping):
                    yield columns.to_article(dict(item), where, fallback_id=str(i))
                elif isinstance(item, str | os.PathLike):
                    raise TypeError(
                        f"{where}: a {type(item).__name__} is not an article: give files and "
                        "folders as paths=, article texts as texts="
                    )
                else:
                    yield RecordError(where, f"not an article: {type(item).__name__}")
            except RecordError as exc:
                yield exc
        for path in paths:
            yield from read_path(path, columns=columns)
        for i, text in enumerate(texts):
            where = f"texts[{i}]"
            try:
                if not isinstance(text, str):
                    raise RecordError(where, f"not a text: {type(text).__name__}")
                yield _check_size(Article.from_record({"id": str(i), "text": text}, where), where)
            except RecordError as exc:
                yield exc

    yield from unique_ids(given())


def analyze_articles(
    articles: Any = None,
    stance_model: str | os.PathLike[str] | FramingModel | None = None,
    frame_model: str | os.PathLike[str] | FramingModel | None = None,
    *,
    paths: Any = None,
    texts: Any = None,
    batch_size: int = DEFAULT_BATCH_SIZE,
    progress: bool = False,
    targets_from: str | None = None,
    keep_not_actor: bool = False,
    actors: Any = None,
    pair_detector: Any = None,
    columns: Columns | None = None,
) -> pd.DataFrame:
    """Predict stance and/or frames for articles; one row per (sentence, actor).

    Inputs, each one item or an iterable, read in this order:

    * ``articles``: :class:`~framing.corpus.Article` objects or dicts with ``id`` and
      ``text`` (and optional ``title``, ``source``, ``date``, ``url``; a dict without
      ``id`` gets its position);
    * ``paths``: files or folders in any format ``framing predict`` reads; a path that
      does not exist raises :class:`FileNotFoundError` naming it, before any prediction;
    * ``texts``: article texts (an article's id is its position in ``texts``).

    A string or path given as an article raises :class:`TypeError`: whether it names a
    file or is a text is said by the parameter, never guessed. Models: folders (run or
    model) or :func:`load_model` results. Columns as in ``framing predict`` (see
    :mod:`framing.predictions`): the predicted labels are ``stance`` and ``frame``, as in
    :meth:`FramingModel.predict`. ``targets_from``: a record field holding the stance
    targets (as ``framing predict --targets-from``). Bad articles are logged and skipped;
    they are listed in ``df.attrs["errors"]`` (``where``, ``reason``). ``keep_not_actor``,
    ``actors`` and ``pair_detector`` as in :func:`framing.inference.predict_files`.
    ``columns``: how dicts and JSONL/CSV/text files are read, a
    :class:`framing.readers.Columns` (field names, CSV mode and delimiter, encoding, as
    ``framing predict``'s ``--text-field``, ``--csv-delimiter``, ``--encoding`` …).
    """
    import pandas as pd
    from tqdm.auto import tqdm

    if isinstance(articles, str | os.PathLike):
        raise TypeError(
            f"articles={str(articles)[:60]!r}: give files and folders as paths=, "
            "article texts as texts="
        )
    checked = _checked_paths(paths)
    stance = load_model(stance_model) if stance_model is not None else None
    frame = load_model(frame_model) if frame_model is not None else None
    if stance is not None and stance.task != "stance":
        raise PredictError(f"{stance.path}: stance_model is a {stance.task} model")
    if frame is not None and frame.task != "framing":
        raise PredictError(f"{frame.path}: frame_model is a {frame.task} model")
    predictor = build_predictor(
        [m for m in (stance, frame) if m is not None],
        batch_size,
        targets_from=targets_from,
        keep_not_actor=keep_not_actor,
        actors=actors,
        pair_detector=pair_detector,
    )
    rows: list[dict[str, Any]] = []
    errors: list[dict[str, Any]] = []
    items = _as_articles(
        articles, checked, [] if texts is None else _as_list(texts, (str,)), columns
    )
    if progress:
        items = tqdm(items, unit=" articles", desc="analyze")
    for result in predictor.run(items):
        if isinstance(result, ArticleFailure):
            log.warning("%s: %s", result.where, result.reason)
            errors.append(result.to_record())
        else:
            rows.extend(result.rows)
    df = pd.DataFrame.from_records(rows, columns=predictor.fields)
    df.attrs["errors"] = errors
    return df
