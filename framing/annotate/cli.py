"""``framing annotate export | import | select`` (registered in :mod:`framing.cli`)."""

from __future__ import annotations

import argparse
import json
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from framing.input_files import iter_jsonl
from framing.io import ErrorLog, RecordError, atomic_write, dumps, write_jsonl
from framing.subcommand import add_command

log = logging.getLogger("framing")
TOOLS = ("label-studio", "doccano")


def add_cli(subparsers: Any) -> None:
    p = subparsers.add_parser("annotate", help="export to Label Studio/doccano, import, select")
    sub = p.add_subparsers(dest="annotate_command", required=True, metavar="STEP")

    e = add_command(sub, "export", cmd_export)
    e.add_argument("articles", nargs="+", metavar="ARTICLES", help="files or folders of articles")
    e.add_argument(
        "--model",
        action="append",
        default=[],
        metavar="RUN_OR_MODEL_DIR",
        help="stance and/or framing model for pre-annotations (repeatable)",
    )
    e.add_argument("-o", "--output", required=True, metavar="DIR", help="export folder")
    e.add_argument("--format", choices=TOOLS, default="label-studio", help="annotation tool")
    e.add_argument(
        "--input-format",
        choices=["txt", "jsonl", "csv", "tsv", "html"],
        help="article file format (default: by extension)",
    )
    e.add_argument(
        "--select", metavar="FILE", help="only the sentences of this 'annotate select' output"
    )
    e.add_argument(
        "--only-with-actors", action="store_true", help="only sentences with an actor mention"
    )
    e.add_argument("--actors", help="actor config YAML (default: the model's, else syria.yaml)")
    e.add_argument("--splitter", default="sentencex")

    i = add_command(sub, "import", cmd_import)
    i.add_argument(
        "exports",
        nargs="+",
        metavar="EXPORT",
        help="Label Studio JSON, doccano JSONL/zip/folder, or adjudication.jsonl",
    )
    i.add_argument("--corpus", required=True, metavar="DIR", help="corpus folder to merge into")
    i.add_argument(
        "--articles",
        action="append",
        default=[],
        metavar="FILE",
        help="articles.jsonl of the export (default: the one beside EXPORT)",
    )
    i.add_argument("--tool", choices=(*TOOLS, "adjudication", "auto"), default="auto")
    i.add_argument("--actors", help="actor config YAML (default: framing/conf/actors/syria.yaml)")

    s = add_command(sub, "select", cmd_select)
    s.add_argument("--model", required=True, metavar="RUN_OR_MODEL_DIR")
    s.add_argument(
        "--pool",
        required=True,
        metavar="SENTENCES",
        help="sentences as written by 'framing segment' (JSONL)",
    )
    s.add_argument("--n", type=int, default=200, help="how many (default 200)")
    s.add_argument(
        "--strategy", default="uncertainty", help="uncertainty | margin | random | diverse"
    )
    s.add_argument("--seed", type=int, default=0)
    s.add_argument("-o", "--output", required=True, help="chosen pairs (JSONL)")


# ---------------------------------------------------------------------------
def cmd_export(args: argparse.Namespace) -> int:
    """sentences with mentions and model pre-annotations"""
    from tqdm.auto import tqdm

    from framing import load_model
    from framing.annotate import doccano, label_studio
    from framing.annotate.tasks import build_tasks
    from framing.labels import task_labels
    from framing.readers import read_articles
    from framing.segment import Segmenter

    models = [load_model(m) for m in args.model]
    if args.actors or not models:
        segmenter = Segmenter(args.actors, splitter=args.splitter)
    else:
        segmenter = models[0].segmenter
    labels = {m.task: m.labels for m in models}
    stance = labels.get("stance") or task_labels("stance")
    frames = labels.get("framing") or task_labels("framing")
    keep = None
    if args.select:
        keep = {rec["task_id"] for _, rec in iter_jsonl(args.select) if isinstance(rec, dict)}
    out = Path(args.output)
    articles, errors, tasks = [], [], []

    def kept_articles() -> Iterator[Any]:
        for item in read_articles(args.articles, fmt=args.input_format):
            if not isinstance(item, RecordError):
                articles.append(item)
            yield item

    for item in tqdm(
        build_tasks(kept_articles(), segmenter, models, args.only_with_actors, keep),
        unit=" sentences",
        desc="export",
        disable=None,
    ):
        if isinstance(item, RecordError):
            log.warning("%s", item)
            errors.append(item)
        else:
            tasks.append(item)
    actors = segmenter.lexicon.names
    if args.format == "label-studio":
        with atomic_write(out / "tasks.json") as fh:
            json.dump([label_studio.to_task(t) for t in tasks], fh, ensure_ascii=False, indent=1)
        with atomic_write(out / "label_config.xml") as fh:
            fh.write(label_studio.label_config(actors, stance, frames))
    else:
        write_jsonl(out / "tasks.jsonl", (doccano.to_record(t) for t in tasks))
        with atomic_write(out / "label_types.json") as fh:
            json.dump(doccano.label_types(actors, stance, frames), fh, ensure_ascii=False, indent=1)
    used = {t.article_id for t in tasks}
    write_jsonl(out / "articles.jsonl", (a.to_record() for a in articles if a.id in used))
    write_errors(out / "errors.jsonl", errors)
    log.info("%d tasks from %d articles -> %s (%s)", len(tasks), len(used), out, args.format)
    print(f"{out}: {len(tasks)} tasks from {len(used)} articles ({args.format})")
    return 0 if tasks or not errors else 1


def write_errors(path: Path, errors: list[RecordError]) -> None:
    """Bad records to ``path`` through the one errors-file writer (:class:`~framing.io.ErrorLog`);
    a stale file from an earlier run is removed when there are none."""
    errors_log = ErrorLog(path)
    for err in errors:
        errors_log.add(err)
    errors_log.commit()
    if errors:
        log.warning("%d bad record(s) skipped; see %s", len(errors), path)


# ---------------------------------------------------------------------------
def _tool_of(path: Path) -> str:
    if path.is_dir() or path.suffix.lower() in (".zip",):
        return "doccano"
    if path.suffix.lower() == ".json":
        return "label-studio"
    for _, rec in iter_jsonl(path):
        if isinstance(rec, dict):
            return "adjudication" if "resolved" in rec and "labels_by" in rec else "doccano"
    return "doccano"


def _load_articles(corpus: Path, extra: list[Path]) -> tuple[dict[str, Any], dict[str, Any]]:
    """(articles of the corpus, articles only in ``extra``)."""
    from framing.corpus import iter_article_records

    own: dict[str, Any] = {}
    if (corpus / "articles.jsonl").is_file():
        for item in iter_article_records(corpus / "articles.jsonl"):
            if not isinstance(item, RecordError):
                own.setdefault(item.id, item)
    more: dict[str, Any] = {}
    for path in extra:
        for item in iter_article_records(path):
            if isinstance(item, RecordError):
                log.warning("%s", item)
            elif item.id not in own:
                more.setdefault(item.id, item)
    return own, more


def cmd_import(args: argparse.Namespace) -> int:
    """annotations exported by the tool → corpus"""
    from framing.annotate import doccano, label_studio
    from framing.annotate.agreement import agreement
    from framing.annotate.merge import CorpusMerger
    from framing.corpus import Annotation
    from framing.labels import task_labels
    from framing.segment import Segmenter

    corpus = Path(args.corpus)
    exports = [Path(p) for p in args.exports]
    extra = [Path(p) for p in args.articles] or [
        p.parent / "articles.jsonl" for p in exports if (p.parent / "articles.jsonl").is_file()
    ]
    own, more = _load_articles(corpus, extra)
    annotations, errors = [], []
    if (corpus / "annotations.jsonl").is_file():
        for lineno, rec in iter_jsonl(corpus / "annotations.jsonl"):
            where = f"{corpus / 'annotations.jsonl'}:{lineno}"
            try:
                if isinstance(rec, RecordError):
                    raise rec
                annotations.append(Annotation.from_record(rec, where))
            except RecordError as exc:
                log.error("%s (the corpus is not rewritten)", exc)
                return 1
    adjudication_path = corpus / "adjudication.jsonl"
    pending = (
        [r for _, r in iter_jsonl(adjudication_path) if isinstance(r, dict)]
        if (adjudication_path.is_file())
        else []
    )
    merger = CorpusMerger(
        {**own, **more}, annotations, pending, task_labels("stance"), task_labels("framing")
    )
    actors = set(Segmenter(args.actors).lexicon.names)
    readers = {"label-studio": label_studio.read_export, "doccano": doccano.read_export}
    judgments: list[Any] = []
    adjudications: list[tuple[str, dict[str, Any]]] = []
    for path in exports:
        tool = _tool_of(path) if args.tool == "auto" else args.tool
        if tool == "adjudication":
            for lineno, rec in iter_jsonl(path):
                if isinstance(rec, RecordError):
                    errors.append(rec)
                else:
                    adjudications.append((f"{path}:{lineno}", rec))
        else:
            judgments.extend(readers[tool](path, actors))
    result = merger.merge(judgments)
    if adjudications:
        applied = merger.adjudicate(adjudications)
        result.rows, result.adjudication = applied.rows, applied.adjudication
        result.adjudicated, errors = applied.adjudicated, errors + applied.errors
    errors += result.errors
    for err in errors:
        print(f"bad record: {err}")
    for conflict in result.conflicts:
        print(f"conflict: {conflict}")
    used = {r.article_id for r in result.rows} | {r["article_id"] for r in result.adjudication}
    new_articles = [a for i, a in more.items() if i in used]
    if new_articles:
        old = (
            (corpus / "articles.jsonl").read_bytes()
            if (corpus / "articles.jsonl").is_file()
            else b""
        )
        with atomic_write(corpus / "articles.jsonl", "wb") as fh:
            fh.write(old if not old or old.endswith(b"\n") else old + b"\n")
            for a in new_articles:
                fh.write((dumps(a.to_record()) + "\n").encode("utf-8"))
    write_jsonl(corpus / "annotations.jsonl", (a.to_record() for a in result.rows))
    if result.adjudication or adjudication_path.exists():
        write_jsonl(adjudication_path, result.adjudication)
    ratings = _ratings(result.rows, result.adjudication)
    report = {task: agreement(r) for task, r in ratings.items()}
    with atomic_write(corpus / "agreement.json") as fh:
        json.dump(report, fh, indent=1)
    write_errors(corpus / "import_errors.jsonl", errors)
    print(
        f"{corpus}: {result.added} sentence(s) added, {result.updated} updated, "
        f"{result.unchanged} unchanged, {result.adjudicated} adjudicated, "
        f"{len(new_articles)} new article(s); {len(result.conflicts)} conflict(s), "
        f"{len(result.adjudication)} awaiting adjudication ({adjudication_path}); "
        f"{len(errors)} bad record(s)"
    )
    for task, rep in report.items():
        if rep["items"]:
            alpha = (rep["krippendorff_alpha"] or {}).get("alpha")
            fleiss = (rep["fleiss_kappa"] or {}).get("kappa")
            print(
                f"  {task}: {rep['items']} items with 2+ annotators; all agree "
                f"{rep['all_agree']}; Fleiss kappa {fleiss}; Krippendorff alpha {alpha}; "
                f"Cohen kappa { ({k: v['kappa'] for k, v in rep['cohen_kappa'].items()}) }"
            )
    return 0 if not errors or judgments or adjudications else 1


def _ratings(rows: list[Any], pending: list[dict[str, Any]]) -> dict[str, dict]:
    from framing.annotate.merge import decisions

    out: dict[str, dict] = {"stance": {}, "frame": {}}
    sources = [((r.article_id, r.start, r.end), r.meta.get("labels_by") or {}) for r in rows]
    sources += [((p["article_id"], p["start"], p["end"]), p["labels_by"]) for p in pending]
    for key, labels_by in sources:
        for who, labels in labels_by.items():
            for fld, lab in decisions(labels).items():
                task = "frame" if fld == "frame" else "stance"
                out[task].setdefault((*key, fld), {})[who] = lab
    return out


# ---------------------------------------------------------------------------
def cmd_select(args: argparse.Namespace) -> int:
    """the pairs a model is least sure of, to label next"""
    from framing import load_model
    from framing.annotate.selection import STRATEGIES, select
    from framing.annotate.tasks import task_id

    if args.strategy not in STRATEGIES:
        log.error("unknown strategy %r; choose one of %s", args.strategy, ", ".join(STRATEGIES))
        return 2
    model = load_model(args.model)
    rows = []
    for lineno, rec in iter_jsonl(args.pool):
        if isinstance(rec, RecordError):
            print(f"bad record: {rec}")
            continue
        missing = [k for k in ("article_id", "start", "end", "text") if k not in rec]
        if missing:
            print(f"bad record: {args.pool}:{lineno}: missing {', '.join(missing)}")
            continue
        rows.append(rec)
    texts = [r["text"] for r in rows]
    actors = [list(r.get("actors") or []) for r in rows] if model.task == "stance" else None
    proba = model.predict_proba(texts, actors=actors)
    cols = [f"p_{lab}" for lab in model.labels]
    chosen = select(
        proba[cols].to_numpy(), list(proba["sentence"]), args.n, args.strategy, args.seed
    )
    out = []
    for rank, i in enumerate(chosen, 1):
        pair = proba.iloc[i]
        row = rows[int(pair["sentence_index"])]
        out.append(
            {
                "rank": rank,
                "strategy": args.strategy,
                "task_id": task_id(str(row["article_id"]), int(row["start"]), int(row["end"])),
                "article_id": row["article_id"],
                "index": row.get("index"),
                "start": row["start"],
                "end": row["end"],
                "text": row["text"],
                "actor": pair["actor"],
                **{c: round(float(pair[c]), 4) for c in cols},
            }
        )
    write_jsonl(args.output, out)
    print(f"{args.output}: {len(out)} of {len(proba)} pairs chosen by {args.strategy}")
    return 0
