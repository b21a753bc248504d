"""Public stance benchmarks mapped onto the package's stance examples.

* **NewsMTSC** (Hamborg & Donnay 2021), JSONL: one sentence per line with
  ``sentence_normalized`` and ``targets`` (``from``, ``to``, ``mention``,
  ``polarity`` 2/4/6, ``further_mentions``); polarity 2/4/6 → negative/neutral/positive.
* **SemEval-2016 Task 6**, tab-separated ``ID  Target  Tweet  Stance``;
  AGAINST/NONE/FAVOR → negative/neutral/positive. The target is a topic that is
  usually not named, so it has no spans; the model sees it as the actor.

Both yield one example per (sentence, target), with the same columns as
:func:`framing.tasks.corpus_examples`, so any stance model trains or tests on them.
"""

from __future__ import annotations

import csv
import logging
from pathlib import Path
from typing import Any

from datasets import Dataset

from framing.io import RecordError, iter_jsonl
from framing.tasks import TaskError, example_features

log = logging.getLogger(__name__)
NEWSMTSC_POLARITY = {2: "negative", 4: "neutral", 6: "positive"}
SEMEVAL_STANCE = {"AGAINST": "negative", "NONE": "neutral", "FAVOR": "positive"}


def _row(
    example_id: str,
    group: str,
    sentence: str,
    actor: str,
    target: list,
    other: list,
    label: str,
    n_targets: int,
) -> dict[str, Any]:
    return {
        "example_id": example_id,
        "article_id": group,
        "sentence_index": 0,
        "start": 0,
        "end": len(sentence),
        "sentence": sentence,
        "actor": actor,
        "target_spans": target,
        "other_spans": other,
        "actors_in_sentence": [],
        "n_actors": n_targets,
        "source": "",
        "date": "",
        "label": label,
    }


def newsmtsc_examples(path: str | Path) -> Dataset:
    path = Path(path)
    rows, errors = [], []
    for lineno, rec in iter_jsonl(path):
        if isinstance(rec, RecordError):
            errors.append(rec)
            continue
        where = f"{path}:{lineno}"
        sentence = rec.get("sentence_normalized") or rec.get("sentence")
        targets = rec.get("targets") or []
        if not isinstance(sentence, str) or not targets:
            errors.append(
                RecordError(where, "needs 'sentence_normalized' and a non-empty 'targets' list")
            )
            continue
        spans = []
        for t in targets:
            own = [[int(t["from"]), int(t["to"])]] + [
                [int(m["from"]), int(m["to"])] for m in t.get("further_mentions") or []
            ]
            spans.append(own)
        group = str(rec.get("primary_gid", f"{path.stem}:{lineno}")).split("_")[0]
        for i, t in enumerate(targets):
            try:
                label = NEWSMTSC_POLARITY[int(float(t["polarity"]))]
            except (KeyError, ValueError, TypeError):
                errors.append(
                    RecordError(
                        where, f"target {i}: polarity {t.get('polarity')!r} is not 2, 4 or 6"
                    )
                )
                continue
            other = [s for j, sp in enumerate(spans) if j != i for s in sp]
            gid = t.get("Input.gid") or f"{path.stem}:{lineno}:{i}"
            rows.append(
                _row(
                    str(gid),
                    group,
                    sentence,
                    str(t.get("mention", "target")),
                    sorted(spans[i]),
                    sorted(other),
                    label,
                    len(targets),
                )
            )
    for err in errors:
        log.warning("%s", err)
    if not rows:
        raise TaskError(f"{path}: no NewsMTSC examples")
    return Dataset.from_list(rows, features=example_features("stance"))


def semeval_examples(path: str | Path) -> Dataset:
    path = Path(path)
    rows = []
    with path.open(encoding="utf-8", errors="replace", newline="") as fh:
        reader = csv.DictReader(fh, delimiter="\t")
        missing = {"ID", "Target", "Tweet", "Stance"} - set(reader.fieldnames or [])
        if missing:
            raise TaskError(
                f"{path}: SemEval-2016 file needs columns ID, Target, Tweet, Stance (missing {sorted(missing)})"
            )
        for n, rec in enumerate(reader, 1):
            label = SEMEVAL_STANCE.get((rec.get("Stance") or "").strip().upper())
            if label is None:
                log.warning("%s: row %d: unknown stance %r, skipped", path, n, rec.get("Stance"))
                continue
            tweet = rec["Tweet"]
            rows.append(
                _row(
                    f"semeval:{rec['ID']}",
                    f"semeval:{rec['ID']}",
                    tweet,
                    rec["Target"].strip(),
                    [],
                    [],
                    label,
                    1,
                )
            )
    if not rows:
        raise TaskError(f"{path}: no SemEval-2016 examples")
    return Dataset.from_list(rows, features=example_features("stance"))
