"""PerSenT (Bastan et al. 2020, "Author's Sentiment Prediction"; CC BY 4.0): entity-level
sentiment of news articles about people, mapped onto stance examples.

The release is one CSV per split (``train.csv``, ``dev.csv``, ``random_test.csv``,
``fixed_test.csv``) with a row per document: ``DOCUMENT_INDEX``, ``TITLE``,
``TARGET_ENTITY``, ``DOCUMENT`` (paragraphs separated by newlines), ``MASKED_DOCUMENT``,
``TRUE_SENTIMENT`` (the document's label) and ``Paragraph0`` … ``ParagraphN`` (each
paragraph's label, empty when it was not annotated); labels are Negative / Neutral /
Positive → negative / neutral / positive.

**One example per (paragraph, target entity)**: the paragraph is the text, the target
entity the actor, and its spans the paragraph's occurrences of the entity's full name
or surname (a paragraph that names it only by pronoun has none; the model still sees
the entity's name as the actor). Paragraphs are the non-empty lines of ``DOCUMENT``,
counted from 0 as the ``Paragraph<i>`` columns; unlabelled paragraphs are skipped. The
document is the group, so a split never separates its paragraphs. Document-level
labels (``TRUE_SENTIMENT``) are not used: a whole article is far longer than the
sentences the package classifies.
"""

from __future__ import annotations

import csv
import logging
import re
import sys
from pathlib import Path

from datasets import Dataset

from framing.examples import example_features, example_row
from framing.tasks import TaskError

log = logging.getLogger(__name__)
PERSENT_LABELS = {"negative": "negative", "neutral": "neutral", "positive": "positive"}
REQUIRED = ("DOCUMENT_INDEX", "TARGET_ENTITY", "DOCUMENT")
PARAGRAPH = re.compile(r"Paragraph(\d+)$")


def entity_spans(text: str, entity: str) -> list[list[int]]:
    """Spans of ``entity``'s full name and (for a multi-word name) its last word in ``text``."""
    names = {entity.strip()}
    parts = entity.split()
    if len(parts) > 1:
        names.add(parts[-1])
    spans: set[tuple[int, int]] = set()
    for name in sorted(names, key=len, reverse=True):
        if not name:
            continue
        for m in re.finditer(rf"(?<!\w){re.escape(name)}(?!\w)", text):
            if not any(s <= m.start() < e for s, e in spans):
                spans.add((m.start(), m.end()))
    return [list(s) for s in sorted(spans)]


def persent_examples(path: str | Path) -> Dataset:
    path = Path(path)
    csv.field_size_limit(min(sys.maxsize, 2**31 - 1))  # whole articles in one field
    rows = []
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        fields = reader.fieldnames or []
        missing = [c for c in REQUIRED if c not in fields]
        if missing:
            raise TaskError(
                f"{path}: PerSenT file needs columns {', '.join(REQUIRED)} (missing {missing})"
            )
        para_cols = {int(m.group(1)): c for c in fields if (m := PARAGRAPH.match(c))}
        for n, rec in enumerate(reader, 2):  # line 1 is the header
            doc_id = str(rec.get("DOCUMENT_INDEX") or "").strip()
            entity = str(rec.get("TARGET_ENTITY") or "").strip()
            if not doc_id or not entity:
                log.warning("%s: row %d: no DOCUMENT_INDEX or TARGET_ENTITY, skipped", path, n)
                continue
            paragraphs = [
                p.strip() for p in str(rec.get("DOCUMENT") or "").split("\n") if p.strip()
            ]
            for i, col in sorted(para_cols.items()):
                raw = str(rec.get(col) or "").strip()
                if not raw:
                    continue
                label = PERSENT_LABELS.get(raw.lower())
                if label is None:
                    log.warning("%s: row %d: %s label %r unknown, skipped", path, n, col, raw)
                    continue
                if i >= len(paragraphs):
                    log.warning(
                        "%s: row %d: %s is labelled but the document has %d paragraphs, skipped",
                        path,
                        n,
                        col,
                        len(paragraphs),
                    )
                    continue
                text = paragraphs[i]
                rows.append(
                    example_row(
                        example_id=f"persent:{doc_id}:{i}",
                        article_id=f"persent:{doc_id}",
                        sentence=text,
                        actor=entity,
                        target_spans=entity_spans(text, entity),
                        other_spans=[],
                        label=label,
                        sentence_index=i,
                        n_actors=1,
                    )
                )
    if not rows:
        raise TaskError(f"{path}: no labelled PerSenT paragraphs")
    return Dataset.from_list(rows, features=example_features("stance"))
