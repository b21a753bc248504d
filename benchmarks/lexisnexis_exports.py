"""How well framing reads real LexisNexis downloads (framing/lexisnexis_reader.py).

For each export file given: the documents the export says it holds ("Documents (N)" on a
Nexis Uni cover page, "N of M DOCUMENTS" in Academic text), the articles read and the
errors, how many articles have a title, a publication and a date, the words read against
the words the documents' "Length:" fields declare, and how many article
texts still hold a line of the export's furniture (a field line such as "Load-Date:" or
"BYLINE:", "End of Document", "Classification", "N of M DOCUMENTS"), which the reader
must keep out of the text. Prints a Markdown table; ``--json`` writes the figures.

    python benchmarks/lexisnexis_exports.py EXPORT.docx EXPORT.txt [--json out.json]

Public sample exports: the LexisNexisTools R package ships one of each format
(``inst/extdata/sample.DOCX``, ``inst/extdata/sample.TXT``); keep them outside the
repository.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

from framing.io import RecordError
from framing.readers import read_path

FURNITURE = re.compile(
    r"^(?:Load-Date|LOAD-DATE|Byline|BYLINE|Section|SECTION|Length|LENGTH|Language|LANGUAGE|"
    r"Publication-Type|PUBLICATION-TYPE|Copyright)\b.*$|^(?:End of Document|Classification|Body)$"
    r"|\d+ of \d+ DOCUMENTS",
    re.M,
)


def expected_documents(path: Path) -> int | None:
    """The number of documents the export says it holds."""
    if path.suffix.lower() == ".docx":
        import docx

        for p in docx.Document(str(path)).paragraphs[:20]:
            m = re.match(r"Documents \((\d+)\)", p.text.strip())
            if m:
                return int(m[1])
        return None
    m = re.search(r"\d+ of (\d+) DOCUMENTS", path.read_text(encoding="utf-8", errors="replace"))
    return int(m[1]) if m else None


def score(path: Path) -> dict[str, object]:
    fmt = None if path.suffix.lower() == ".docx" else "lexisnexis"
    items = list(read_path(path, fmt))
    arts = [a for a in items if not isinstance(a, RecordError)]
    return {
        "file": path.name,
        "documents (export says)": expected_documents(path),
        "articles": len(arts),
        "errors": sum(isinstance(a, RecordError) for a in items),
        "with title": sum(bool(a.title) for a in arts),
        "with publication": sum(bool(a.source) for a in arts),
        "with date": sum(bool(a.date) for a in arts),
        "texts with furniture": sum(bool(FURNITURE.search(a.text)) for a in arts),
        "words read": sum(len(a.text.split()) for a in arts),
        # what each document's "Length: N words" field says (LexisNexis counts the title too)
        "words declared": sum(_declared(a.meta.get("length")) for a in arts),
    }


def _declared(length: object) -> int:
    m = re.match(r"([\d,]+) words", str(length or ""))
    return int(m[1].replace(",", "")) if m else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("exports", nargs="+", type=Path)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    rows = [score(p) for p in args.exports]
    keys = list(rows[0])
    lines = ["| " + " | ".join(keys) + " |", "|" + "---|" * len(keys)]
    lines += ["| " + " | ".join(str(r[k]) for k in keys) + " |" for r in rows]
    sys.stdout.write("\n".join(lines) + "\n")
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
