"""Audit class "cleaner": held-out scraped text; a removal never takes body text with it.

Cases: ``tests/fixtures/cleaner_cases_heldout.jsonl`` (raw text and the body's
expected sentences). ``lost``: expected body sentences missing after clean + split.
"""

from __future__ import annotations

import json
from pathlib import Path

from audit import Outcome

CASES = (
    Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "cleaner_cases_heldout.jsonl"
)


def run(work: Path) -> list[Outcome]:
    from framing.text.clean import clean_text
    from framing.text.sentences import get_splitter

    splitter = get_splitter()
    out = []
    for line in CASES.read_text(encoding="utf-8").splitlines():
        case = json.loads(line)
        got = splitter.split(clean_text(case["text"], title=case.get("title")).text)
        lost = sum(1 for s in case["sentences"] if s not in got)
        out.append(Outcome(case["id"], got == case["sentences"], lost))
    return out
