"""Audit class "bad overrides and options": one line each, before anything loads."""

from __future__ import annotations

import contextlib
import io
import json
import logging
from pathlib import Path

from audit import Outcome, one_line

OVERRIDES = [
    "split.n_splits=2.5",
    "split.n_splits=1",
    "model.window=-3",
    "seed=-1",
    "n_boot=-1",
    "splitter=nope",
    "model=transformer model.max_length=0",
    "model=transformer model.epochs=0",
    "model=embedding_logreg model.C=-1",
]


class _Errors(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def _cli(args: list[str]) -> tuple[int, list[str]]:
    from framing.cli import main

    handler = _Errors()
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.ERROR)  # the suite silences the rest; errors are what we count
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            code = main(args)
    finally:
        root.removeHandler(handler)
        root.setLevel(level)
    return code, handler.messages


def run(work: Path) -> list[Outcome]:
    from hydra import compose, initialize_config_dir

    import framing.run as fr
    from framing.config_checks import ConfigError
    from framing.io import OutputDirError

    out = []
    for override in OVERRIDES:
        try:
            with initialize_config_dir(str(fr.CONFIG_DIR), version_base="1.3"):
                cfg = compose("config", overrides=[*override.split(), "data.path=/nonexistent"])
            fr.run(cfg, work / "run")
            out.append(Outcome(override, False, note="ran"))
        except ConfigError as exc:
            out.append(Outcome(override, one_line(exc, override.split()[-1].split("=")[0])))
        except Exception as exc:
            out.append(Outcome(override, False, note=f"{type(exc).__name__}: {exc}"[:120]))
    blocker = work / "a-file"
    blocker.write_text("x")
    try:
        fr.run(compose_default(), blocker / "run")
        out.append(Outcome("run into an unwritable folder", False))
    except OutputDirError as exc:
        out.append(Outcome("run into an unwritable folder", one_line(exc, "a-file")))
    src = work / "in.jsonl"
    src.write_text(json.dumps({"id": "a", "text": "Russia spoke."}) + "\n")
    for name, args, must in [
        ("segment --actors missing.yaml", ["--actors", str(work / "missing.yaml")], "missing.yaml"),
        ("segment --splitter nope", ["--splitter", "nope"], "nope"),
    ]:
        code, errors = _cli(["segment", str(src), "-o", str(work / "o.jsonl"), *args])
        ok = code == 2 and len(errors) == 1 and must in errors[0] and "\n" not in errors[0]
        out.append(Outcome(name, ok, note="; ".join(errors)[:120]))
    code, errors = _cli(
        ["predict", "--input", str(src), "-o", str(blocker / "p.jsonl"), "--model", str(work)]
    )
    out.append(
        Outcome("predict into an unwritable folder", code == 2 and "a-file" in " ".join(errors))
    )
    for name, metrics in [("list", [1]), ("wrong types", {"headline": "x"}), ("empty", {})]:
        runs = work / f"runs_{name.replace(' ', '_')}"
        (runs / "good").mkdir(parents=True)
        (runs / "good" / "metrics.json").write_text(json.dumps({"headline": {"value": 0.5}}))
        (runs / "bad").mkdir()
        (runs / "bad" / "metrics.json").write_text(json.dumps(metrics))
        code, errors = _cli(["compare", str(runs)])
        out.append(Outcome(f"compare: metrics.json {name}", code == 0 and not errors))
    return out


def compose_default():
    from hydra import compose, initialize_config_dir

    import framing.run as fr

    with initialize_config_dir(str(fr.CONFIG_DIR), version_base="1.3"):
        return compose("config")
