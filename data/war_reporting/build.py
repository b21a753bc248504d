"""Build the supplementary war-reporting corpus from its authoring batches.

    python data/war_reporting/build.py      # writes data/war_reporting/{articles,annotations}.jsonl

A training-only source (no held-out split, no debris): battle and front-line reporting
of the Syrian war, written and labelled by the package's authors (see the data card,
``data/README.md``, "Supplementary war-reporting corpus"). Same authoring format as the
main corpus (``data/syria/authoring/FORMAT.md``) and the same anchoring of authored
sentences to the package's own splitter (``data/syria/authoring/build.py``). Used as an
extra source of a run::

    framing-run experiment=stance_joint '+data.sources.war={format: corpus, path: data/war_reporting}'
"""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

from framing.corpus import Article
from framing.io import write_jsonl
from framing.segment import Segmenter

HERE = Path(__file__).resolve().parent
MAIN_BUILD = HERE.parent / "syria" / "authoring" / "build.py"


def _main_build():
    """The main corpus's builder, for its body and anchoring functions."""
    spec = importlib.util.spec_from_file_location("syria_build", MAIN_BUILD)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def main() -> int:
    build = _main_build()
    segmenter = Segmenter()
    articles, annotations, problems = [], [], []
    for path in sorted((HERE / "authoring").glob("batch_*.jsonl")):
        for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            try:
                art = json.loads(line)
            except json.JSONDecodeError as exc:
                problems.append(f"{path.name}:{lineno}: invalid JSON: {exc.msg}")
                continue
            authored = [s for p in art["paragraphs"] for s in p]
            raw = build.body_of([[s["text"] for s in p] for p in art["paragraphs"]])
            article = Article(
                id=art["id"],
                text=raw,
                title=art.get("title"),
                source=art.get("source"),
                date=art.get("date"),
                meta={"genre": art.get("genre"), "standfirst": art.get("standfirst") or None},
            )
            seg = segmenter.segment(article)
            annotations.extend(build.anchor(authored, seg.sentences, art["id"], problems))
            articles.append(article.to_record())
    write_jsonl(HERE / "articles.jsonl", articles)
    write_jsonl(HERE / "annotations.jsonl", annotations)
    for p in problems:
        print("problem:", p, file=sys.stderr)
    pairs = sum(len(a["stance"]) for a in annotations)
    print(
        f"{len(articles)} articles, {len(annotations)} annotated sentences, {pairs} pairs, "
        f"{len(problems)} problems"
    )
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
