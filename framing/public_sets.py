"""Public stance benchmarks mapped onto the package's stance examples.

* **NewsMTSC** (Hamborg & Donnay 2021), JSONL, either as in its repository (one
  sentence per line with ``sentence_normalized`` and ``targets``: ``from``, ``to``,
  ``mention``, ``polarity`` 2/4/6, ``further_mentions``; 2/4/6 → negative/neutral/positive)
  or as in its one-target-per-line release (``sentence``, ``mention``, ``from``, ``to``,
  ``polarity`` -1/0/1). Splits group by sentence: the article is not recoverable.
* **SemEval-2016 Task 6**, tab-separated ``ID  Target  Tweet  Stance``;
  AGAINST/NONE/FAVOR → negative/neutral/positive. The target is a topic that is
  usually not named, so it has no spans; the model sees it as the actor. The
  official training file is Windows-1252, the test file UTF-8: each file is read
  as UTF-8 when it decodes strictly, else as cp1252 (logged).

Both yield one example per (sentence, target), with the same columns as
:func:`framing.tasks.corpus_examples`, so any stance model trains or tests on them.
"""

from __future__ import annotations

import csv
import io
import logging
from pathlib import Path
from typing import Any

from datasets import Dataset

from framing.examples import example_features, example_row
from framing.input_files import iter_jsonl
from framing.io import RecordError
from framing.tasks import TaskError

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
    """A public-set example: the whole text is the sentence, the group its article."""
    return example_row(
        example_id=example_id,
        article_id=group,
        sentence=sentence,
        actor=actor,
        target_spans=target,
        other_spans=other,
        label=label,
        n_actors=n_targets,
    )


def newsmtsc_examples(path: str | Path) -> Dataset:
    path = Path(path)
    rows, errors = [], []
    flat: list[tuple[str, dict[str, Any]]] = []
    for lineno, rec in iter_jsonl(path):
        if isinstance(rec, RecordError):
            errors.append(rec)
            continue
        where = f"{path}:{lineno}"
        if "targets" not in rec and "polarity" in rec:  # the flat one-target-per-line release
            flat.append((where, rec))
            continue
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
        # primary_gid identifies the sentence; its article is not recoverable, so the
        # sentence is the group (all targets of a sentence stay on one side of a split)
        group = str(rec.get("primary_gid", f"{path.stem}:{lineno}"))
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
            # a target listed twice (same mention, e.g. with further mentions the first
            # entry lacks) is the same entity, not another one
            other = [
                s for j, sp in enumerate(spans) if j != i and not _overlap(sp, spans[i]) for s in sp
            ]
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
    rows.extend(_flat_newsmtsc(flat, errors))
    for err in errors:
        log.warning("%s", err)
    if not rows:
        raise TaskError(f"{path}: no NewsMTSC examples")
    return Dataset.from_list(rows, features=example_features("stance"))


def _overlap(a: list[list[int]], b: list[list[int]]) -> bool:
    return any(s < e2 and s2 < e for s, e in a for s2, e2 in b)


FLAT_POLARITY = {-1: "negative", 0: "neutral", 1: "positive"}


def _flat_newsmtsc(
    records: list[tuple[str, dict[str, Any]]], errors: list[RecordError]
) -> list[dict[str, Any]]:
    """The one-target-per-line release (``sentence``, ``mention``, ``from``, ``to``,
    ``polarity`` -1/0/1, ``id``); targets of the same sentence see each other as others."""
    by_sentence: dict[str, list[tuple[str, dict[str, Any], list[int]]]] = {}
    for where, rec in records:
        sentence = rec.get("sentence")
        try:
            start, end = int(rec["from"]), int(rec["to"])
        except (KeyError, TypeError, ValueError):
            errors.append(RecordError(where, "needs integer 'from' and 'to'"))
            continue
        if not isinstance(sentence, str) or not 0 <= start < end <= len(sentence) + 1:
            errors.append(RecordError(where, "needs 'sentence' and 'from'/'to' inside it"))
            continue
        mention = str(rec.get("mention", ""))
        if mention and sentence[start:end] != mention and sentence[start : end + 1] == mention:
            end += 1  # 'to' given as the last character, inclusive
        by_sentence.setdefault(sentence, []).append((where, rec, [start, min(end, len(sentence))]))
    rows = []
    for n, (sentence, items) in enumerate(by_sentence.items()):
        for i, (where, rec, span) in enumerate(items):
            try:
                label = FLAT_POLARITY[int(float(rec["polarity"]))]
            except (KeyError, ValueError, TypeError):
                errors.append(
                    RecordError(where, f"polarity {rec.get('polarity')!r} is not -1, 0 or 1")
                )
                continue
            other = sorted(sp for j, (_, _, sp) in enumerate(items) if j != i)
            rows.append(
                _row(
                    str(rec.get("id", f"{where}")),
                    f"newsmtsc-sentence-{n}",
                    sentence,
                    str(rec.get("mention", "target")),
                    [span],
                    other,
                    label,
                    len(items),
                )
            )
    return rows


FALLBACK_ENCODING = "cp1252"


def read_text(path: Path) -> str:
    """A text file as UTF-8 (a BOM dropped) when it decodes strictly, else as cp1252."""
    raw = path.read_bytes()
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        utf8_error = exc
    try:
        text = raw.decode(FALLBACK_ENCODING)
    except UnicodeDecodeError as exc:
        raise TaskError(
            f"{path}: neither UTF-8 (byte {utf8_error.start}) nor {FALLBACK_ENCODING} "
            f"(byte {exc.start}: {raw[exc.start : exc.start + 1]!r})"
        ) from None
    log.info(
        "%s: not UTF-8 (byte %d: %r), read as %s",
        path,
        utf8_error.start,
        raw[utf8_error.start : utf8_error.start + 1],
        FALLBACK_ENCODING,
    )
    return text


def semeval_examples(path: str | Path) -> Dataset:
    path = Path(path)
    rows = []
    with io.StringIO(read_text(path), newline="") as fh:
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
