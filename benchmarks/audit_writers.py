"""Audit class "concurrent and sharded writers" of `framing predict`.

Two shards started on one output (the second must stop with one line naming the
holder, the first finish alone with all its articles), two shards on their own outputs
at once then concatenated (every article exactly once), and a run after a SIGKILLed
one (the dead run's lock and leftovers must neither block it nor linger).
"""

from __future__ import annotations

import os
import signal
import time
from collections import Counter
from pathlib import Path

from audit import Outcome
from audit_interrupts import (
    CHUNK,
    N,
    article,
    cli,
    ids_of,
    interrupt,
    leftovers,
    start,
    train_model,
    write_input,
)


def run(work: Path) -> list[Outcome]:
    from framing.engine import shard_of

    model = train_model(work.parent / "audit_interrupts")
    source = write_input(work / "articles.jsonl", N)
    every = [article(i)["id"] for i in range(N)]
    out = []

    # 1. two shards, one output: shard 0 holds it (waiting for input), shard 1 starts
    target = work / "same.jsonl"
    fifo = work / "feed.jsonl"
    os.mkfifo(fifo)
    first = start(cli(model, fifo, target, "--shard", "0/2"))
    lock = target.with_name(f".{target.name}.lock")
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and not (
        lock.exists() and lock.read_text().startswith(f"{first.pid} ")
    ):
        time.sleep(0.05)
    second = start(cli(model, source, target, "--shard", "1/2"))
    _, err2 = second.communicate(timeout=300)
    with fifo.open("w", encoding="utf-8") as feed:
        feed.write(source.read_text(encoding="utf-8"))
    first.communicate(timeout=300)
    shard0 = [a for a in every if shard_of(a, 2) == 0]
    kept = ids_of(target) if target.exists() else []
    refused = second.returncode == 2 and err2.strip().count("\n") == 0 and "another run" in err2
    out.append(
        Outcome(
            "two shards on one output at once: the second refused",
            refused and first.returncode == 0 and kept == shard0,
            sum(1 for a in shard0 if a not in kept),
            note=err2.strip()[-200:],
        )
    )

    # 2. two shards on their own outputs, at once, then concatenated
    outs = [work / f"out.shard-{i}-of-2.jsonl" for i in range(2)]
    procs = [start(cli(model, source, o, "--shard", f"{i}/2")) for i, o in enumerate(outs)]
    codes = [p.wait(timeout=300) for p in procs]
    merged = Counter(a for o in outs if o.exists() for a in ids_of(o))
    lost = sum(1 for a in every if a not in merged) + sum(n - 1 for n in merged.values())
    out.append(Outcome("two shards, own outputs, concatenated", codes == [0, 0] and not lost, lost))

    # 3. a run after a SIGKILLed one: its lock and temp files do not block or linger
    target = work / "after_kill.jsonl"
    interrupt(work, model, target, N // 2, signal.SIGKILL, CHUNK)
    (work / f".{target.name}.abcdefgh.tmp").write_bytes(b"x" * 1000)  # a dead run's temp
    again = start(cli(model, source, target))
    _, err = again.communicate(timeout=300)
    lost = N - len(set(ids_of(target))) if target.exists() else N
    clean = not [p for p in leftovers(work) if p.startswith(f".{target.name}")]
    out.append(
        Outcome(
            "a run after a SIGKILLed one (no --resume): not blocked, leftovers removed",
            again.returncode == 0 and clean and not lost,
            lost,
            note=err.strip()[-200:],
        )
    )
    return out
