"""Small I/O helpers: atomic writes, JSONL streaming, the errors file.

Every output file of the package is written through :class:`TempFile` (directly, or
through :func:`atomic_write`), so an interrupted job never leaves a half-written file
under the final name. Bad input records go to ``<output>.errors.jsonl`` through
:class:`ErrorLog`.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import tempfile
import threading
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any


def target_mode(path: Path) -> int:
    """The mode the final file should get: the replaced file's, else 0o666 minus the umask."""
    try:
        return path.stat().st_mode & 0o7777
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


class DeferSignals:
    """Hold SIGINT/SIGTERM while a block runs (a write, a rename); deliver them after.

    Only in the main thread (elsewhere signals cannot be caught and nothing is held).
    """

    SIGNALS = tuple(s for s in (signal.SIGINT, getattr(signal, "SIGTERM", None)) if s is not None)

    def __enter__(self) -> DeferSignals:
        self.received: list[int] = []
        self.previous: dict[int, Any] = {}
        if threading.current_thread() is not threading.main_thread():
            return self
        for sig in self.SIGNALS:
            with contextlib.suppress(ValueError, OSError):  # unusual platforms
                self.previous[sig] = signal.signal(sig, self._hold)
        return self

    def _hold(self, signum: int, frame: Any) -> None:
        self.received.append(signum)

    def __exit__(self, *exc: object) -> None:
        for sig, handler in self.previous.items():
            signal.signal(sig, handler)
        for sig in dict.fromkeys(self.received):
            signal.raise_signal(sig)  # handled now by the restored handler


class TempFile:
    """A temporary file next to ``path`` (with the mode the final file should get),
    renamed over ``path`` by :meth:`commit` or removed by :meth:`discard`.

    The one atomic writer of the package: :func:`atomic_write` wraps it for a block,
    streaming writers (prediction outputs, error logs) hold one open across a run.
    """

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(
            prefix=f".{self.path.name}.", suffix=".tmp", dir=self.path.parent
        )
        os.close(fd)
        self.tmp = Path(tmp)
        try:
            os.chmod(self.tmp, target_mode(self.path))
        except BaseException:
            self.discard()
            raise

    def commit(self) -> None:
        os.replace(self.tmp, self.path)

    def discard(self) -> None:
        with contextlib.suppress(FileNotFoundError):
            self.tmp.unlink()


def fsync(fh: IO[Any]) -> None:
    """Flush ``fh`` to disk."""
    fh.flush()
    os.fsync(fh.fileno())


@contextlib.contextmanager
def atomic_write(
    path: str | os.PathLike[str], mode: str = "w", encoding: str | None = "utf-8"
) -> Iterator[IO[Any]]:
    """Open a temporary file next to ``path``; rename it over ``path`` on success.

    On any exception the temporary file is removed and ``path`` is untouched.
    """
    temp = TempFile(path)
    binary = "b" in mode
    try:
        with temp.tmp.open(
            mode, encoding=None if binary else encoding, newline=None if binary else ""
        ) as fh:
            yield fh
            fsync(fh)
        temp.commit()
    except BaseException:
        temp.discard()
        raise


def walk_files(root: str | os.PathLike[str]) -> Iterator[Path | OSError]:
    """Every file below ``root``, sorted by path, then an :class:`OSError` (with its
    ``filename``) for each folder that cannot be listed, instead of skipping it silently
    as ``Path.rglob`` does. Hidden files and folders (``.name``) are left out."""
    errors: list[OSError] = []
    found: list[Path] = []
    for folder, dirs, files in os.walk(root, onerror=errors.append):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        found.extend(Path(folder) / name for name in files if not name.startswith("."))
    yield from sorted(found)
    yield from errors


class OutputDirError(ValueError):
    """An output folder that cannot be written (one line naming it)."""


def ensure_writable_dir(folder: str | os.PathLike[str]) -> Path:
    """Create ``folder`` if needed and check a file can be written in it, before any work
    (a read-only or misnamed output folder is found before a model is loaded)."""
    folder = Path(folder)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=folder, prefix=".framing-write-test-"):
            pass
    except OSError as exc:
        raise OutputDirError(
            f"{folder}: cannot write output here ({exc.strerror or exc})"
        ) from None
    return folder


def dumps(record: dict[str, Any]) -> str:
    """One JSON line (no trailing newline), UTF-8 kept readable."""
    return json.dumps(record, ensure_ascii=False)


def write_jsonl(path: str | os.PathLike[str], records: Iterable[dict[str, Any]]) -> int:
    """Write records atomically as JSON lines; returns the number written."""
    n = 0
    with atomic_write(path) as fh:
        for record in records:
            fh.write(dumps(record) + "\n")
            n += 1
    return n


def printable(text: str) -> str:
    """``text`` with lone surrogates (bytes that were not UTF-8) as ``\\udcXX`` escapes."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return text.encode("utf-8", "backslashreplace").decode("utf-8")
    return text


class RecordError(ValueError):
    """A bad input record; ``where`` names the file and line/record."""

    def __init__(self, where: str, reason: str) -> None:
        # undecodable input (lone surrogates) shown as escapes: the message is always
        # writable, to the log and to an errors file
        where, reason = printable(where), printable(reason)
        super().__init__(f"{where}: {reason}")
        self.where = where
        self.reason = reason


def iter_jsonl(path: str | os.PathLike[str]) -> Iterator[tuple[int, dict[str, Any] | RecordError]]:
    """Yield ``(line_number, record)`` per non-blank line, or a :class:`RecordError`.

    Bad lines are yielded as errors instead of raising, so a caller can report them
    and keep the good records.
    """
    path = Path(path)
    with path.open("rb") as fh:
        for lineno, raw in enumerate(fh, 1):
            where = f"{path}:{lineno}"
            try:
                line = raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                yield (
                    lineno,
                    RecordError(where, f"not valid UTF-8 ({exc.reason} at byte {exc.start})"),
                )
                continue
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                yield lineno, RecordError(where, f"invalid JSON: {exc.msg} (column {exc.colno})")
                continue
            if not isinstance(record, dict):
                yield (
                    lineno,
                    RecordError(where, f"expected a JSON object, got {type(record).__name__}"),
                )
                continue
            yield lineno, record


def error_file(output: str | os.PathLike[str]) -> Path:
    """Where the bad records of ``output`` go: ``<output>.errors.jsonl``."""
    output = Path(output)
    return output.with_name(output.name + ".errors.jsonl")


class ErrorLog:
    """Bad input records to an errors file (one JSON object per line: ``where``,
    ``reason``, …), written atomically; the one writer of ``*.errors.jsonl`` files.

    A run rewrites the file, so it always lists the input's records that are not in the
    output; with no errors a stale file from an earlier run is removed.
    """

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        self.n = 0
        self._temp = TempFile(self.path)
        self._fh = self._temp.tmp.open("w", encoding="utf-8")

    def add(self, record: dict[str, Any] | RecordError) -> None:
        """Add one bad record: a :class:`RecordError` or a dict with ``where`` and ``reason``."""
        if isinstance(record, RecordError):
            record = {"where": record.where, "reason": record.reason}
        with DeferSignals():
            self._fh.write(dumps(record) + "\n")
            self.n += 1

    def commit(self) -> None:
        with DeferSignals():
            fsync(self._fh)
            self._fh.close()
            if self.n:
                self._temp.commit()
            else:
                self._temp.discard()
                with contextlib.suppress(FileNotFoundError):
                    self.path.unlink()

    def discard(self) -> None:
        with contextlib.suppress(Exception):
            self._fh.close()
        self._temp.discard()
