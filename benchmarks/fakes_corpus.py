"""Real Syria news as an annotated corpus folder: FA-KES articles with blind readers' labels.

    python benchmarks/fakes_corpus.py build [--csv FA-KES-Dataset.csv] [--out DIR]
    python benchmarks/fakes_corpus.py build --pool train --out DIR  # a training-only folder
    framing evaluate-pipeline --data ~/.cache/framing/fakes/corpus --set tune --model RUN
    python benchmarks/pair_finding.py ~/.cache/framing/fakes/corpus --split tune
    python benchmarks/real_news_stance.py --corpus ~/.cache/framing/fakes/corpus --set tune \\
        --model RUN [RUN ...]

FA-KES (Abu Salem et al., ICWSM 2019; CC BY 4.0, https://zenodo.org/record/2607278) is 804
English news articles about the Syrian war, 2011–2018, from 15 outlets: Syrian state media
(SANA), Iranian (Al-Alam), Hezbollah (Al-Manar), Russian (Sputnik, TASS), Turkish (Daily
Sabah, TRT), Gulf, Egyptian and Jordanian papers, the opposition coalition (Etilaf),
Al-Araby, Reuters and a Lebanese agency (NNA). Its text reached the public copies with
commas and apostrophes removed ("Assads forces"); it is read as it is.

``data/real_news/fakes_sentences.jsonl`` holds standoff labels for 295 whole articles
(``fakes-<unit_id>``; per outlet, seeded), one line per sentence of the cleaned text
(``start``/``end`` into it, ``text_sha1`` to detect a changed cleaner or file): the pool
(``tune``: rules and models may be tuned by reading it; ``test``: scored once per recipe;
``train``: 231 further articles in two batches, a training source; each batch read once to
score pair finding),
each blind reader's ``{actor: stance}`` (``stance_by``; ``data/ANNOTATION.md`` sections 1,
2, 3 and 5, with the dates of the article) and the gold ``stance``: per actor, the answer
of a majority of the readers (present or not; its label), or ``null`` when the readers
leave a tie (the sentence is then left out of the corpus, and counted).

``build`` reads the user's copy of the FA-KES CSV and writes a corpus folder
(``articles.jsonl`` with the cleaned text, ``annotations.jsonl``, ``splits.json`` with the
test pool as ``test``, the tune pool as the test-only set ``tune`` and the train pool as the
folder's training articles), so every corpus tool runs on it. No text of FA-KES is in this
repository. A label whose sentence no longer matches the file stops the build with the
sentence named.
"""

from __future__ import annotations

import argparse
import collections
import csv
import datetime
import hashlib
import json
import logging
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from framing.corpus import Article
from framing.input_files import iter_jsonl
from framing.io import atomic_write, write_jsonl
from framing.segment import Segmenter

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_LABELS = ROOT / "data/real_news/fakes_sentences.jsonl"
DEFAULT_CSV = Path("~/.cache/framing/fakes/FA-KES-Dataset.csv").expanduser()
DEFAULT_OUT = Path("~/.cache/framing/fakes/corpus").expanduser()
PREFIX = "fakes-"


def sha1(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:12]


def iso_date(value: str, where: str) -> str:
    """FA-KES dates are ``M/D/YYYY``."""
    try:
        month, day, year = (int(x) for x in value.split("/"))
        return datetime.date(year, month, day).isoformat()
    except ValueError:
        raise SystemExit(f"{where}: date {value!r} is not M/D/YYYY") from None


def read_articles(path: Path) -> dict[str, Article]:
    """The FA-KES CSV as articles ``fakes-<unit_id>`` (raw text, ISO date, outlet)."""
    if not path.is_file():
        raise SystemExit(f"FA-KES file {path} not found (give --csv; see data/README.md)")
    out: dict[str, Article] = {}
    with path.open(encoding="utf-8", newline="") as fh:
        for line, row in enumerate(csv.DictReader(fh), start=2):
            where = f"{path}:{line}"
            missing = {"unit_id", "article_content", "date", "source"} - set(row)
            if missing:
                raise SystemExit(f"{where}: missing column(s) {', '.join(sorted(missing))}")
            art_id = PREFIX + row["unit_id"]
            out[art_id] = Article(
                id=art_id,
                text=row["article_content"],
                date=iso_date(row["date"], where),
                source=row["source"],
                title=row.get("article_title") or None,
                meta={"fakes_label": row.get("labels")},
            )
    return out


def majority(votes: list[dict[str, str]]) -> dict[str, str] | None:
    """Per actor, what most readers said: listed or not, then its label among those who
    listed it. ``None`` when any of these is a tie (two readers who disagree)."""
    gold: dict[str, str] = {}
    for actor in sorted({a for v in votes for a in v}):
        listed = [v[actor] for v in votes if actor in v]
        if 2 * len(listed) == len(votes):
            return None
        if 2 * len(listed) < len(votes):
            continue
        label, n = collections.Counter(listed).most_common(1)[0]
        if 2 * n <= len(listed):
            return None
        gold[actor] = label
    return gold


def build(
    csv_path: Path, labels: Iterable[dict[str, Any]], out: Path, pool: str | None = None
) -> dict[str, int]:
    """Write the corpus folder; return counts (articles, sentences, left out, pairs).

    ``pool``: only that pool's articles, with no held-out set, so the folder can be a
    training source of a run (``benchmarks/fakes_corpus.py build --pool train``)."""
    articles = read_articles(csv_path)
    segmenter = Segmenter()
    by_article: dict[str, list[dict[str, Any]]] = collections.defaultdict(list)
    for rec in labels:
        if pool is None or rec["pool"] == pool:
            by_article[rec["article"]].append(rec)
    pools: dict[str, list[str]] = {"tune": [], "test": [], "train": []}
    counts: collections.Counter[str] = collections.Counter()
    art_rows, ann_rows = [], []
    for art_id in sorted(by_article):
        if art_id not in articles:
            raise SystemExit(f"{csv_path}: article {art_id} of the labels is not in the file")
        article = articles[art_id]
        clean = segmenter.segment(article).cleaned.text
        pool_name = by_article[art_id][0]["pool"]
        if pool_name not in pools:
            raise SystemExit(
                f"{art_id}: pool {pool_name!r} is none of {', '.join(pools)} (the labels file)"
            )
        pools[pool_name].append(art_id)
        art_rows.append(
            {
                "id": art_id,
                "title": article.title,
                "source": article.source,
                "date": article.date,
                "text": clean,
            }
        )
        counts["articles"] += 1
        for rec in sorted(by_article[art_id], key=lambda r: r["start"]):
            text = clean[rec["start"] : rec["end"]]
            if sha1(text) != rec["text_sha1"]:
                raise SystemExit(
                    f"{art_id} sentence {rec['s']} ({rec['start']}–{rec['end']}): the text "
                    "does not match the labels (another FA-KES file, or the cleaner changed)"
                )
            counts["sentences"] += 1
            if rec["stance"] is None:
                counts["left_out"] += 1
                continue
            counts["pairs"] += len(rec["stance"])
            ann_rows.append(
                {
                    "article_id": art_id,
                    "start": rec["start"],
                    "end": rec["end"],
                    "text": text,
                    "frame": None,
                    "stance": rec["stance"],
                }
            )
    out.mkdir(parents=True, exist_ok=True)
    write_jsonl(out / "articles.jsonl", art_rows)
    write_jsonl(out / "annotations.jsonl", ann_rows)
    if pool is None:
        splits = {
            "rule": "FA-KES real-news pools of data/real_news/fakes_sentences.jsonl",
            "test": sorted(pools["test"]),
            "test_only": {"tune": sorted(pools["tune"])},
        }
        with atomic_write(out / "splits.json") as fh:
            fh.write(json.dumps(splits, indent=1, ensure_ascii=False) + "\n")
    elif (out / "splits.json").exists():
        (out / "splits.json").unlink()
    return dict(counts)


def merge(tasks: Path, readers: dict[str, Path]):
    """Readers' label files (one line per sentence of ``tasks``) → label records (no text)
    and the agreement of the first two readers: Cohen's kappa on whether each (sentence,
    actor) is a pair, and on the stance of the pairs both list."""
    from sklearn.metrics import cohen_kappa_score

    votes: dict[str, dict[tuple[str, int], dict[str, str]]] = {}
    for name, path in readers.items():
        votes[name] = {}
        for line, rec in iter_jsonl(path):
            if not isinstance(rec, dict):
                raise SystemExit(f"{path}:{line}: {rec}")
            votes[name][(rec["article"], int(rec["s"]))] = dict(rec.get("stance") or {})
    records, presence, stance = [], ([], []), ([], [])
    first, second = list(readers)[:2]
    for _, task in iter_jsonl(tasks):
        for sent in task["sentences"]:
            key = (task["article"], sent["s"])
            by = {n: v[key] for n, v in votes.items() if key in v}
            if first not in by or second not in by:
                raise SystemExit(f"{task['article']} sentence {sent['s']}: not labelled by both")
            a, b = by[first], by[second]
            for actor in sorted(set(a) | set(b) | {"Assad", "Russia", "HTS"}):
                presence[0].append(actor in a)
                presence[1].append(actor in b)
                if actor in a and actor in b:
                    stance[0].append(a[actor])
                    stance[1].append(b[actor])
            records.append(
                {
                    "article": task["article"],
                    "pool": task["pool"],
                    "s": sent["s"],
                    "start": sent["start"],
                    "end": sent["end"],
                    "text_sha1": sha1(sent["text"]),
                    "stance": majority(list(by.values())),
                    "stance_by": by,
                }
            )

    def agree(pair: tuple[list, list]) -> str:
        return f"{sum(x == y for x, y in zip(*pair, strict=True))}/{len(pair[0])}"

    agreement = {
        "readers": [first, second],
        "presence_kappa": round(float(cohen_kappa_score(*presence)), 3),
        "presence_agree": agree(presence),
        "stance_kappa": round(float(cohen_kappa_score(*stance)), 3),
        "stance_agree": agree(stance),
    }
    return records, agreement


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    b = sub.add_parser("build", help="write the corpus folder from your FA-KES CSV")
    b.add_argument("--csv", type=Path, default=DEFAULT_CSV)
    b.add_argument("--labels", type=Path, default=DEFAULT_LABELS)
    b.add_argument("--out", type=Path, default=DEFAULT_OUT)
    b.add_argument(
        "--pool",
        choices=["train", "tune", "test"],
        help="only this pool's articles and no held-out set: a training source for a run",
    )
    m = sub.add_parser("merge", help="readers' files → label records (maintainers)")
    m.add_argument("--tasks", type=Path, required=True, help="the readers' task file")
    m.add_argument("--reader", action="append", required=True, metavar="NAME=FILE")
    m.add_argument("--out", type=Path, required=True, help="label records (JSONL) to write")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    if args.command == "merge":
        readers = dict(r.split("=", 1) for r in args.reader)
        records, agreement = merge(args.tasks, {k: Path(v) for k, v in readers.items()})
        write_jsonl(args.out, records)
        ties = sum(r["stance"] is None for r in records)
        print(f"{args.out}: {len(records)} sentences, {ties} ties; agreement {agreement}")
        return
    labels = []
    for line, rec in iter_jsonl(args.labels):
        if not isinstance(rec, dict):
            raise SystemExit(f"{args.labels}:{line}: {rec}")
        labels.append(rec)
    counts = build(args.csv, labels, args.out, args.pool)
    print(
        f"{args.out}: {counts.get('articles', 0)} articles, {counts.get('sentences', 0)} "
        f"sentences ({counts.get('left_out', 0)} left out: readers tie), "
        f"{counts.get('pairs', 0)} gold pairs"
    )


if __name__ == "__main__":
    main()
