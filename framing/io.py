"""Small I/O helpers: atomic writes, JSONL streaming, the errors file.

Every output file of the package is written through :class:`TempFile` (directly, or
through :func:`atomic_write`), so an interrupted job never leaves a half-written file
under the final name; a saved folder the same way through :func:`atomic_folder`. Bad input records go to ``<output>.errors.jsonl`` through
:class:`ErrorLog`.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import signal
import socket
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


@contextlib.contextmanager
def atomic_folder(path: str | os.PathLike[str]) -> Iterator[Path]:
    """A temporary folder next to ``path`` to fill; renamed to ``path`` on success.

    ``path`` must not exist or be an empty folder (else ``ValueError``, checked before
    anything is written); on any exception the temporary folder is removed."""
    path = Path(path)
    if path.exists() and (not path.is_dir() or any(path.iterdir())):
        raise ValueError(f"{path}: exists and is not an empty folder (choose a new one)")
    path.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{path.name}.", dir=path.parent))
    try:
        yield staging
        if path.exists():
            path.rmdir()  # empty, checked above
        staging.rename(path)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
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


def first_in_file(where: str, seen: set[str], kind: str = "") -> str | None:
    """The file of ``where`` (``file:line``) the first time ``kind`` is asked about in it,
    recorded in ``seen``; ``None`` after that: for one warning of a kind per input file."""
    file = where.split(":", 1)[0]
    if f"{kind}\0{file}" in seen:
        return None
    seen.add(f"{kind}\0{file}")
    return file


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


class LockedError(ValueError):
    """Another live process holds the lock (one line naming the file and the holder)."""


class OutputLock:
    """An exclusive lock on one output, held from :meth:`acquire` to :meth:`release`.

    The lock is ``fcntl.flock`` on ``.<output name>.lock`` next to the output: the OS
    drops it when the process dies, even on SIGKILL, so a dead run never blocks the next
    one. The file holds ``<pid> <host>`` of the holder, for the error message, and is
    removed on release. Without
    ``fcntl`` (Windows) nothing is locked. Like every ``flock``, it is not reliable
    across hosts on NFS.
    """

    def __init__(self, output: str | os.PathLike[str]) -> None:
        self.output = Path(output)
        self.path = self.output.with_name(f".{self.output.name}.lock")
        self._fd: int | None = None

    def acquire(self) -> OutputLock:
        try:
            import fcntl
        except ImportError:  # pragma: no cover - not POSIX
            return self
        self.path.parent.mkdir(parents=True, exist_ok=True)
        while True:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                holder = os.pread(fd, 200, 0).decode("utf-8", "replace").split()
                os.close(fd)
                who = f"pid {holder[0]} on {holder[1]}" if len(holder) == 2 else "another process"
                raise LockedError(
                    f"{self.output}: another run ({who}) is writing this output; "
                    f"give each run (each --shard) its own output"
                ) from None
            try:  # the holder we waited for may have removed the file: lock the current one
                if os.stat(self.path).st_ino == os.fstat(fd).st_ino:
                    break
            except FileNotFoundError:
                pass
            os.close(fd)
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()} {socket.gethostname()}\n".encode(), 0)
        self._fd = fd
        return self

    def release(self) -> None:
        """Remove the lock file, then drop the lock (a killed holder leaves the file,
        unlocked: the next run takes it over)."""
        if self._fd is not None:
            with contextlib.suppress(FileNotFoundError):
                self.path.unlink()
            os.close(self._fd)
            self._fd = None

    def __enter__(self) -> OutputLock:
        return self.acquire()

    def __exit__(self, *exc: object) -> None:
        self.release()


def remove_dead_temps(path: str | os.PathLike[str]) -> list[Path]:
    """Remove the :class:`TempFile` leftovers of ``path`` (``.<name>.XXXXXXXX.tmp``) that
    no live process is writing. Call it holding ``path``'s :class:`OutputLock`: every
    writer of a locked output holds that lock, so its temp files are a dead run's."""
    path = Path(path)
    pattern = re.compile(rf"\.{re.escape(path.name)}\.[a-z0-9_]{{8}}\.tmp")
    removed = []
    with contextlib.suppress(FileNotFoundError):
        for entry in os.scandir(path.parent):
            if pattern.fullmatch(entry.name) and entry.is_file(follow_symlinks=False):
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(entry.path)
                    removed.append(Path(entry.path))
    return removed
