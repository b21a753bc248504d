"""`framing predict` survives kill -9 (durable parts, exact --resume) and locks its output.

Kills are real: the CLI runs in a subprocess reading its articles from a FIFO, so the
test knows how many articles the run has seen when it sends the signal.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from run_helpers import trained_run

from framing.engine import shard_of
from framing.inference import predict_files
from framing.io import OutputLock
from framing.prediction_writer import OutputWriter, parts_dir
from framing.predictions import PredictError

ROOT = Path(__file__).resolve().parent.parent
N = 120
CHUNK = 10


def article(i: int) -> dict:
    return {
        "id": f"a{i:04d}",
        "text": f"Russia sent {i} aid trucks to Idlib on Monday. "
        f"HTS fighters blocked road number {i % 7} near the border. "
        f"Assad's former ministers fled to Moscow, officials said.",
    }


@pytest.fixture(scope="session")
def stance_run(tmp_path_factory) -> Path:
    return trained_run(tmp_path_factory.getbasetemp(), "stance")


@pytest.fixture(scope="session")
def inputs(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("durable") / "articles.jsonl"
    path.write_text("".join(json.dumps(article(i)) + "\n" for i in range(N)), encoding="utf-8")
    return path


def cli(model: Path, source: Path, out: Path, *extra: str) -> list[str]:
    return [
        sys.executable,
        "-m",
        "framing.cli",
        "-q",
        "predict",
        "--model",
        str(model),
        "--input",
        str(source),
        "-o",
        str(out),
        "--batch-size",
        "1",
        "--chunk",
        str(CHUNK),
        "--no-progress",
        *extra,
    ]


def env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(ROOT)}


def durable(out: Path) -> set[str]:
    """The article ids in the committed parts of ``out``."""
    ids = set()
    for part in parts_dir(out).glob("[0-9]*.jsonl"):
        with part.open(encoding="utf-8") as fh:
            ids.update(json.loads(line)["article_id"] for line in fh)
    return ids


def killed_at(tmp_path: Path, model: Path, out: Path, k: int, sig: int) -> int:
    """Run the CLI on a FIFO, feed it ``k`` articles, wait until their whole chunks are
    durable, send ``sig``; the exit code."""
    fifo = tmp_path / f"feed{sig}.jsonl"
    os.mkfifo(fifo)
    proc = subprocess.Popen(cli(model, fifo, out), env=env(), stderr=subprocess.PIPE)
    with fifo.open("w", encoding="utf-8") as feed:
        for i in range(k):
            feed.write(json.dumps(article(i)) + "\n")
        feed.flush()
        deadline = time.monotonic() + 90
        while len(durable(out)) < k // CHUNK * CHUNK and time.monotonic() < deadline:
            time.sleep(0.02)
        assert len(durable(out)) >= k // CHUNK * CHUNK
        time.sleep(0.2)  # the articles of the chunk in memory are predicted too
        proc.send_signal(sig)
        code = proc.wait(timeout=90)
    return code


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith((".tmp", ".parts", ".lock")))


def test_sigkill_then_resume_writes_the_uninterrupted_file(tmp_path, stance_run, inputs):
    out = tmp_path / "out.jsonl"
    k = 55  # five whole chunks durable, five articles in memory
    assert killed_at(tmp_path, stance_run, out, k, signal.SIGKILL) == -signal.SIGKILL
    assert not out.exists()  # a reader never sees a half-written output
    parts = parts_dir(out)
    done = durable(out)  # whole chunks (or 10 s of work each): at most one lost
    assert {article(i)["id"] for i in range(50)} <= done <= {article(i)["id"] for i in range(k)}
    # the parts do not depend on the format: the same progress, resumed into each format
    for suffix in (".csv", ".parquet"):
        shutil.copytree(parts, parts_dir(out.with_suffix(suffix)))
    for suffix in (".jsonl", ".csv", ".parquet"):
        full = tmp_path / f"full{suffix}"
        predict_files([inputs], full, [stance_run], batch_size=1, progress=False)
        resumed = out.with_suffix(suffix)
        stats = predict_files(
            [inputs], resumed, [stance_run], batch_size=1, resume=True, progress=False
        )
        assert (stats.skipped_done, stats.articles_written) == (len(done), N - len(done))
        if suffix == ".parquet":
            assert pq.read_table(resumed).equals(pq.read_table(full))
        else:
            assert resumed.read_bytes() == full.read_bytes()
    assert leftovers(tmp_path) == []


def test_sigterm_keeps_whole_articles_and_resume_finishes(tmp_path, stance_run, inputs):
    full = tmp_path / "full.jsonl"
    predict_files([inputs], full, [stance_run], batch_size=1, progress=False)
    out = tmp_path / "out.jsonl"
    assert killed_at(tmp_path, stance_run, out, 35, signal.SIGTERM) == 130
    kept = {json.loads(line)["article_id"] for line in out.open()}
    assert {article(i)["id"] for i in range(30)} <= kept  # durable chunks and the rest
    assert not parts_dir(out).exists()
    subprocess.run(cli(stance_run, inputs, out, "--resume"), env=env(), check=True)
    assert out.read_bytes() == full.read_bytes()


def test_dead_runs_leftovers_are_removed_but_not_other_outputs(tmp_path, stance_run, inputs):
    out = tmp_path / "out.jsonl"
    dead = [tmp_path / ".out.jsonl.abcd_123.tmp", tmp_path / ".out.jsonl.errors.jsonl.zzzzzzzz.tmp"]
    other = [tmp_path / ".out.jsonl.x.jsonl.abcdefgh.tmp", tmp_path / ".other.jsonl.abcdefgh.tmp"]
    for p in dead + other:
        p.write_text("junk")
    parts_dir(out).mkdir()
    (parts_dir(out) / "000000.jsonl").write_text("{}\n")
    predict_files([inputs], out, [stance_run], progress=False)
    assert [p.exists() for p in dead] == [False, False]
    assert all(p.exists() for p in other)  # not this output's temp files
    assert not parts_dir(out).exists()  # without --resume: an earlier run's progress, dropped
    assert len({json.loads(line)["article_id"] for line in out.open()}) == N


def test_a_second_writer_of_the_same_output_stops(tmp_path, stance_run, inputs):
    out = tmp_path / "out.jsonl"
    held = OutputLock(out).acquire()  # a live run holds the output
    with pytest.raises(PredictError, match=rf"another run \(pid {os.getpid()} on"):
        predict_files([inputs], out, [stance_run], progress=False)
    held.release()
    assert not out.exists()
    # the lock dies with its holder: the next run goes ahead
    predict_files([inputs], out, [stance_run], progress=False)
    assert out.exists()


def test_two_shards_on_one_output_the_second_stops(tmp_path, stance_run, inputs):
    """Shard 0 holds the output while it waits for input; shard 1 on the same output
    stops with one line and exit 2; shard 0 then finishes alone."""
    out = tmp_path / "out.jsonl"
    fifo = tmp_path / "feed.jsonl"
    os.mkfifo(fifo)
    first = subprocess.Popen(cli(stance_run, fifo, out, "--shard", "0/2"), env=env())
    lock = out.with_name(".out.jsonl.lock")
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline and not (
        lock.exists() and lock.read_text().startswith(f"{first.pid} ")
    ):
        time.sleep(0.05)
    second = subprocess.run(
        cli(stance_run, inputs, out, "--shard", "1/2"), env=env(), capture_output=True, text=True
    )
    with fifo.open("w", encoding="utf-8") as feed:
        feed.write("".join(json.dumps(article(i)) + "\n" for i in range(N)))
    assert first.wait(timeout=90) == 0
    assert second.returncode == 2
    message = second.stderr.strip()
    assert "\n" not in message and f"another run (pid {first.pid} on" in message
    rows = [json.loads(line)["article_id"] for line in out.open()]
    blocks = [a for k, a in enumerate(rows) if k == 0 or rows[k - 1] != a]
    assert blocks == [a for a in (article(i)["id"] for i in range(N)) if shard_of(a, 2) == 0]


def test_resume_refuses_parts_of_a_run_with_other_models(tmp_path):
    out = tmp_path / "out.jsonl"
    fields = ["article_id", "p_x", "stance_model"]
    writer = OutputWriter(out, fields, model_ids={"stance_model": "m1"}, chunk_articles=1)
    writer.write_article([{"article_id": "a", "p_x": 0.5, "stance_model": "m1"}])
    writer.close()  # as after a crash: the part stays, the output is not written
    assert not out.exists() and (parts_dir(out) / "000000.jsonl").exists()
    with pytest.raises(PredictError, match="cannot resume: the interrupted run used other"):
        OutputWriter(out, fields, model_ids={"stance_model": "m2"}, resume=True)
    again = OutputWriter(out, fields, model_ids={"stance_model": "m1"}, resume=True)
    assert again.done == {"a"}
    again.commit()
    assert json.loads(out.read_text())["article_id"] == "a"
