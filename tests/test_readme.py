"""README commands: every shell block that calls ``framing`` or ``framing-run`` carries a
marker, ``<!-- readme-test: run -->`` (run here, must exit 0) or
``<!-- readme-test: skip (reason) -->`` (too long, or needs the user's own files).
Nothing is skipped silently: a block without a marker fails the test."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BLOCK = re.compile(r"(?:<!-- readme-test: (?P<mark>[^\n]*?) -->\n)?```bash\n(?P<body>.*?)```", re.S)
# ``framing`` / ``framing-run`` in command position (line start, after && ; |, or a path)
CALLS = re.compile(r"(?:^|&&|;|\|)\s*(?:\S*/)?framing(?:-run)?(?:\s|$)", re.M)
ENTRY = {
    "framing": [sys.executable, "-m", "framing.cli"],
    "framing-run": [sys.executable, "-c", "from framing.run import main; main()"],
}


def _blocks() -> list[tuple[str | None, str, int]]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    return [
        (m["mark"], m["body"], text.count("\n", 0, m.start("body")) + 1)
        for m in BLOCK.finditer(text)
        if CALLS.search(m["body"])
    ]


def _commands(body: str) -> list[str]:
    joined = re.sub(r"\\\n\s*", " ", body)
    return [line.split("  #")[0].strip() for line in joined.splitlines() if line.strip()]


def test_every_framing_block_is_marked_run_or_skip_with_a_reason() -> None:
    blocks = _blocks()
    assert blocks, "no framing commands found in README.md"
    for mark, _, line in blocks:
        assert mark is not None, f"README.md:{line}: framing commands without a readme-test marker"
        assert mark == "run" or re.fullmatch(r"skip \(.+\)", mark), f"README.md:{line}: {mark!r}"
    assert sum(mark == "run" for mark, _, _ in blocks) >= 3


RUN = [(body, line) for mark, body, line in _blocks() if mark == "run"]


@pytest.mark.parametrize(("body", "line"), RUN, ids=[f"README.md:{line}" for _, line in RUN])
def test_readme_command_runs(body: str, line: int, tmp_path: Path) -> None:
    for name in ("tests", "experiments", "data"):  # the paths the commands name, read-only
        (tmp_path / name).symlink_to(ROOT / name)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "TQDM_DISABLE": "1"}
    for command in _commands(body):
        argv = shlex.split(command)
        assert argv[0] in ENTRY, f"README.md:{line}: not a framing command: {command}"
        done = subprocess.run(
            [*ENTRY[argv[0]], *argv[1:]],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert done.returncode == 0, f"README.md:{line}: {command}\n{done.stderr[-2000:]}"
        assert "Traceback" not in done.stderr
