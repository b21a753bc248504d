"""Reading a Parquet file (``.parquet``; pyarrow): one article per row, streamed in
batches. One reader of :data:`framing.readers.READERS`.

Data sets on the Hugging Face hub and many corpus exports come as Parquet. Columns are
named as in JSONL (``--text-field``, …); a struct column is a nested object, so its
members are named with dots (``--source-field source.name``); a timestamp or date column
is a day. A bad row is one error naming it (``file:row 12``) and the rows after it are
read on; a file pyarrow cannot open is one error.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from framing.corpus import Article
from framing.io import RecordError

if TYPE_CHECKING:
    from framing.readers import Columns

BATCH_ROWS = 1024


def read_parquet(path: Path, columns: Columns) -> Iterator[Article | RecordError]:
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        parquet = pq.ParquetFile(path)
    except (OSError, pa.ArrowException) as exc:
        yield RecordError(str(path), f"not a readable Parquet file ({exc})")
        return
    row = 0
    with parquet:
        for batch in parquet.iter_batches(batch_size=BATCH_ROWS):
            for record in batch.to_pylist():
                row += 1
                yield columns.article_or_error(record, f"{path}:row {row}", f"{path.stem}:{row}")
