"""PerSenT (Bastan et al. 2020, "Author's Sentiment Prediction"; CC BY 4.0): entity-level
sentiment of news articles about people, mapped onto stance examples.

The release is one CSV per split (``train.csv``, ``dev.csv``, ``random_test.csv``,
``fixed_test.csv``) with a row per document: ``DOCUMENT_INDEX``, ``TITLE``,
``TARGET_ENTITY``, ``DOCUMENT`` (paragraphs separated by newlines), ``MASKED_DOCUMENT``,
``TRUE_SENTIMENT`` (the document's label) and ``Paragraph0`` … ``ParagraphN`` (each
paragraph's label, empty when it was not annotated); labels are Negative / Neutral /
Positive → negative / neutral / positive.

**One example per (paragraph, target entity)**: the paragraph is the text, the target
entity the actor, and its spans every reference the release's ``MASKED_DOCUMENT`` marks
with ``[TGT]`` (names, but also "he", "his", "the president": :func:`masked_spans` aligns
the masked paragraph with the plain one, ignoring whitespace and quote marks, which the
two copies do not always share), together with the paragraph's occurrences of the entity's
full name or surname (:func:`entity_spans`; all there is where the alignment fails: 341
of the 14,399 labelled paragraphs of the public dev and test files). On those files the
spans go from 15,150 (names only) to 22,075, and the paragraphs with no span at all from
2,501 to 1,573: a paragraph that refers to the entity only as "he" has it marked. Each
paragraph is repaired as the cleaner repairs text
(:func:`framing.text.unicode.normalize_spaced`: the files hold mojibake such as "â€™").
Paragraphs are the non-empty lines of ``DOCUMENT``, counted from 0 as the
``Paragraph<i>`` columns; unlabelled paragraphs are skipped. The
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
from framing.text.unicode import normalize_spaced

log = logging.getLogger(__name__)
PERSENT_LABELS = {"negative": "negative", "neutral": "neutral", "positive": "positive"}
REQUIRED = ("DOCUMENT_INDEX", "TARGET_ENTITY", "DOCUMENT")
PARAGRAPH = re.compile(r"Paragraph(\d+)$")
PLACEHOLDER = "[TGT]"
_SKIPPED = frozenset("\"“”'‘’`")  # quote marks the masked copy adds, drops or changes


def _skeleton(text: str) -> tuple[str, list[int]]:
    """``text`` without whitespace and quote marks, and each kept character's offset."""
    keep = [(c, i) for i, c in enumerate(text) if not c.isspace() and c not in _SKIPPED]
    return "".join(c for c, _ in keep), [i for _, i in keep]


def masked_spans(text: str, masked: str) -> list[list[int]] | None:
    """The spans of ``text`` that ``masked`` (the same paragraph with each reference to the
    entity replaced by ``[TGT]``) replaces; ``[]`` when it has none, ``None`` when the two do
    not align. Adjacent placeholders ("[TGT][TGT]", e.g. "Liu  he") give one span."""
    if PLACEHOLDER not in masked:
        return []
    plain, offsets = _skeleton(text)
    chunks: list[str] = []
    for k, part in enumerate(masked.split(PLACEHOLDER)):
        chunk = _skeleton(part)[0]
        if k > 1 and chunks[-1] == "":
            chunks[-1] = chunk  # "[TGT][TGT]": one reference here
        else:
            chunks.append(chunk)
    if not plain.startswith(chunks[0]):
        return None
    pos, spans = len(chunks[0]), []
    for k, chunk in enumerate(chunks[1:], 1):
        if k == len(chunks) - 1:
            end = len(plain) - len(chunk)
            if not plain.endswith(chunk) or end <= pos:
                return None
        else:
            end = plain.find(chunk, pos + 1)
            if end < 0:
                return None
        spans.append([offsets[pos], offsets[end - 1] + 1])
        pos = end + len(chunk)
    return spans


def _union(a: list[list[int]], b: list[list[int]]) -> list[list[int]]:
    """``a`` plus the spans of ``b`` that overlap none of ``a``, sorted."""
    extra = [s for s in b if not any(s[0] < e and x < s[1] for x, e in a)]
    return sorted(a + extra)


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
    rows, unaligned = [], 0
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
            paragraphs = _paragraphs(rec.get("DOCUMENT"))
            masked = _paragraphs(rec.get("MASKED_DOCUMENT"))
            if len(masked) != len(paragraphs):
                masked = []
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
                spans = entity_spans(text, entity)
                marked = masked_spans(text, masked[i]) if masked else None
                if marked is None:
                    unaligned += 1
                else:
                    spans = _union(marked, spans)
                rows.append(
                    example_row(
                        example_id=f"persent:{doc_id}:{i}",
                        article_id=f"persent:{doc_id}",
                        sentence=text,
                        actor=entity,
                        target_spans=spans,
                        other_spans=[],
                        label=label,
                        sentence_index=i,
                        n_actors=1,
                    )
                )
    if not rows:
        raise TaskError(f"{path}: no labelled PerSenT paragraphs")
    if unaligned:
        log.info(
            "%s: %d of %d paragraph(s) without a usable MASKED_DOCUMENT line: name spans only",
            path,
            unaligned,
            len(rows),
        )
    return Dataset.from_list(rows, features=example_features("stance"))


def _paragraphs(document: object) -> list[str]:
    """The non-empty lines of a document field (counted as the ``Paragraph<i>`` columns count
    them), each repaired and with single spaces."""
    return [
        normalize_spaced(line).strip() for line in str(document or "").split("\n") if line.strip()
    ]
