"""Tiny data and config helpers for the experiment-layer tests (not a conftest: import it).

* :func:`build_tiny_corpus`      the first articles of the shipped corpus with their
                                 annotations and a ``splits.json`` naming a few as test;
* :func:`build_contrast_corpus`  a hand-made stance corpus where one sentence is
                                 positive for one actor and negative for the other;
* :func:`write_newsmtsc` / :func:`write_semeval` / :func:`write_persent`  tiny
  public-set fixtures (written here, never copied from the real sets);
* :func:`compose_cfg`            ``hydra.compose`` over the package's ``framing/conf/``;
* :func:`stance_dataset`         stance examples (``datasets.Dataset``) of one-actor sentences.
"""

from __future__ import annotations

import copy
import csv
import functools
import json
import os
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = ROOT / "data" / "syria"
FRAMING_RUN = Path(sys.executable).parent / "framing-run"
BASE_OVERRIDES = ("n_boot=50", "split.n_splits=2")
N_TINY = 12


def _read_jsonl(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def _write_jsonl(path: Path, records: Sequence[dict]) -> None:
    with path.open("w", encoding="utf-8") as fh:
        for rec in records:
            fh.write(json.dumps(rec, ensure_ascii=False) + "\n")


def build_tiny_corpus(
    dest: Path,
    n_articles: int = 12,
    n_test: int = 3,
    unannotated_test: int = 0,
) -> Path:
    """Copy the first ``n_articles`` shipped articles and their annotations into ``dest``.

    ``splits.json`` names the first ``n_test`` of them as test articles. With
    ``unannotated_test`` > 0, that many further articles are copied *without*
    annotations and only they are named as test (an empty held-out split).
    """
    dest = Path(dest)
    dest.mkdir(parents=True, exist_ok=True)
    articles = _read_jsonl(SHIPPED / "articles.jsonl")[: n_articles + unannotated_test]
    annotated = {a["id"] for a in articles[:n_articles]}
    annotations = [
        a for a in _read_jsonl(SHIPPED / "annotations.jsonl") if a["article_id"] in annotated
    ]
    _write_jsonl(dest / "articles.jsonl", articles)
    _write_jsonl(dest / "annotations.jsonl", annotations)
    if unannotated_test:
        test = [a["id"] for a in articles[n_articles:]]
    else:
        test = [a["id"] for a in articles[:n_test]]
    (dest / "splits.json").write_text(json.dumps({"seed": 1, "test": test}), encoding="utf-8")
    return dest


def corpus_records(path: Path) -> tuple[list[dict], list[dict]]:
    """(articles, annotations) of a corpus folder as plain records."""
    return _read_jsonl(Path(path) / "articles.jsonl"), _read_jsonl(Path(path) / "annotations.jsonl")


# ---------------------------------------------------------------------------
POSITIVE_VERBS = ("praised", "thanked", "welcomed", "commended", "applauded")
NEGATIVE_VERBS = ("condemned", "blamed", "denounced", "criticised", "attacked")
SUBJECTS = ("Officials", "Diplomats", "Residents", "Analysts")
CONTRAST_ACTORS = ("Russia", "HTS", "Assad")


def contrast_sentences() -> list[tuple[str, dict[str, str]]]:
    """~20 "S praised A but condemned B." sentences (A positive, B negative) and mirrors."""
    out = []
    pairs = [(a, b) for a in CONTRAST_ACTORS for b in CONTRAST_ACTORS if a != b]
    k = 0
    for rep in range(3):
        for a, b in pairs:
            subj = SUBJECTS[k % len(SUBJECTS)]
            pos = POSITIVE_VERBS[k % len(POSITIVE_VERBS)]
            neg = NEGATIVE_VERBS[(k + rep) % len(NEGATIVE_VERBS)]
            if (k + rep) % 2 == 0:
                out.append((f"{subj} {pos} {a} but {neg} {b}.", {a: "positive", b: "negative"}))
            else:
                out.append((f"{subj} {neg} {a} but {pos} {b}.", {a: "negative", b: "positive"}))
            k += 1
    return out


def build_contrast_corpus(
    dest: Path,
    segmenter,
    train: Sequence[tuple[str, dict[str, str]]] | None = None,
    heldout: Sequence[tuple[str, dict[str, str]]] = (),
    per_article: int = 4,
) -> Path:
    """A corpus of one-clause contrast sentences, annotated with the segmenter's own offsets.

    Training sentences go ``per_article`` to an article (``art-00``, ``art-01``, …);
    held-out sentences go to the article ``heldout`` (named as test in ``splits.json``).
    """
    dest = Path(dest)
    dest.mkdir(parents=True, exist_ok=True)
    from framing.corpus import Article

    train = list(contrast_sentences() if train is None else train)
    groups: list[tuple[str, list[tuple[str, dict[str, str]]]]] = [
        (f"art-{i // per_article:02d}", train[i : i + per_article])
        for i in range(0, len(train), per_article)
    ]
    if heldout:
        groups.append(("heldout", list(heldout)))
    articles, annotations = [], []
    for art_id, items in groups:
        text = " ".join(s for s, _ in items)
        articles.append({"id": art_id, "text": text, "source": "hand", "date": "2025-01-01"})
        seg = segmenter.segment(Article(art_id, text))
        assert len(seg.sentences) == len(items), [s.text for s in seg.sentences]
        for sent, (_, stance) in zip(seg.sentences, items, strict=True):
            annotations.append(
                {
                    "article_id": art_id,
                    "start": sent.start,
                    "end": sent.end,
                    "text": sent.text,
                    "frame": "political",
                    "stance": stance,
                }
            )
    _write_jsonl(dest / "articles.jsonl", articles)
    _write_jsonl(dest / "annotations.jsonl", annotations)
    (dest / "splits.json").write_text(
        json.dumps({"test": ["heldout"] if heldout else []}), encoding="utf-8"
    )
    return dest


# ---------------------------------------------------------------------------
def newsmtsc_records() -> list[dict]:
    """Three good NewsMTSC lines (polarity 2.0/4.0/6.0, one with further_mentions)."""
    s1 = "Trump praised Biden, but Biden attacked Trump."
    s2 = "Pelosi met Schumer on Tuesday."
    s3 = "Critics say Sanders was right."
    return [
        {
            "primary_gid": "allsides_101_0",
            "sentence_normalized": s1,
            "targets": [
                {
                    "Input.gid": "g-1a",
                    "from": 0,
                    "to": 5,
                    "mention": "Trump",
                    "polarity": 2.0,
                    "further_mentions": [{"from": 40, "to": 45, "mention": "Trump"}],
                },
                {
                    "Input.gid": "g-1b",
                    "from": 14,
                    "to": 19,
                    "mention": "Biden",
                    "polarity": 6.0,
                    "further_mentions": [{"from": 25, "to": 30, "mention": "Biden"}],
                },
            ],
        },
        {
            "primary_gid": "polusa_202_3",
            "sentence_normalized": s2,
            "targets": [
                {
                    "Input.gid": "g-2a",
                    "from": 0,
                    "to": 6,
                    "mention": "Pelosi",
                    "polarity": 4.0,
                    "further_mentions": [],
                }
            ],
        },
        {
            "primary_gid": "basil_303_1",
            "sentence_normalized": s3,
            "targets": [
                {
                    "Input.gid": "g-3a",
                    "from": 12,
                    "to": 19,
                    "mention": "Sanders",
                    "polarity": 6.0,
                }
            ],
        },
    ]


def write_newsmtsc(path: Path, bad_lines: bool = True) -> Path:
    """Tiny NewsMTSC JSONL: the good records plus (optionally) three bad lines."""
    path = Path(path)
    lines = [json.dumps(r) for r in newsmtsc_records()]
    if bad_lines:
        lines.insert(1, "{not json")
        lines.append(json.dumps({"primary_gid": "x_1", "sentence_normalized": "No targets."}))
        lines.append(
            json.dumps(
                {
                    "primary_gid": "x_2",
                    "sentence_normalized": "Odd polarity for Obama.",
                    "targets": [{"from": 17, "to": 22, "mention": "Obama", "polarity": 3.0}],
                }
            )
        )
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


SEMEVAL_ROWS = [
    ("101", "Atheism", "God is the answer to everything #faith", "AGAINST"),
    ("102", "Climate Change is a Real Concern", "We must act on emissions now", "FAVOR"),
    ("103", "Hillary Clinton", "Watching the debate tonight", "NONE"),
    ("104", "Feminist Movement", "Equal pay is overdue", "favor"),
]


def write_semeval(path: Path, bad_row: bool = True) -> Path:
    path = Path(path)
    rows = ["ID\tTarget\tTweet\tStance"] + ["\t".join(r) for r in SEMEVAL_ROWS]
    if bad_row:
        rows.insert(2, "199\tAtheism\tNot sure what to think\tMAYBE")
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


PERSENT_HEADER = [
    "DOCUMENT_INDEX",
    "TITLE",
    "TARGET_ENTITY",
    "DOCUMENT",
    "MASKED_DOCUMENT",
    "TRUE_SENTIMENT",
    "Paragraph0",
    "Paragraph1",
    "Paragraph2",
]


def write_persent(path: Path) -> Path:
    """A hand-written PerSenT-format CSV: two documents, paragraphs on their own lines."""
    rows = [
        [
            "7",
            "Mayor opens bridge",
            "Jane Doe",
            "Jane Doe opened the bridge on Monday.\nResidents thanked Doe for the work.\n"
            "The weather was cold.",
            "[TGT] opened the bridge on Monday.\nResidents thanked [TGT] for the work.\n"
            "The weather was cold.",
            "Positive",
            "Neutral",
            "Positive",
            "",  # the third paragraph is not labelled
        ],
        [
            "9",
            "Minister resigns",
            "Karl Smith",
            "Critics blamed Karl Smith for the delays.\n\nHe resigned on Friday.",
            "Critics blamed [TGT] for the delays.\n\n[TGT] resigned on Friday.",
            "Negative",
            "Negative",
            "neutral",
            "Mixed",  # Paragraph2: no such paragraph
        ],
    ]
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(PERSENT_HEADER)
        w.writerows(rows)
    return path


# ---------------------------------------------------------------------------
def compose_cfg(*overrides: str, config_name: str = "config"):
    """The composed run config (no live HydraConfig needed); a fresh copy each call."""
    return copy.deepcopy(_compose(tuple(overrides), config_name))


@functools.lru_cache(maxsize=256)
def _compose(overrides: tuple[str, ...], config_name: str):
    from hydra import compose, initialize_config_dir

    import framing.run

    with initialize_config_dir(str(framing.run.CONFIG_DIR), version_base="1.3"):
        return compose(config_name, overrides=list(overrides))


def run_cfg(corpus: Path, *overrides: str):
    """A tiny-data run config: ``data.path=corpus``, 50 bootstrap draws, 2 folds (k-fold)."""
    kfold = not any(o.startswith("split=") and o != "split=kfold" for o in overrides)
    base = BASE_OVERRIDES if kfold else tuple(o for o in BASE_OVERRIDES if "n_splits" not in o)
    return compose_cfg(f"data.path={corpus}", *base, *overrides)


def start_framing_run(args: Sequence[str], cwd: Path) -> subprocess.Popen:
    """Start ``framing-run ARGS`` in ``cwd`` (without HYDRA_FULL_ERROR) and return the process."""
    env = {k: v for k, v in os.environ.items() if k != "HYDRA_FULL_ERROR"}
    env.setdefault("TQDM_DISABLE", "1")
    return subprocess.Popen(
        [str(FRAMING_RUN), *args],
        cwd=cwd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


# The ``framing-run`` entry point, called once per case in forked children of one warm
# interpreter: each child sees exactly what the console script does (``main()`` with
# ``sys.argv``), but the heavy imports are paid once instead of once per case.
_CASES_SCRIPT = r"""
import json, os, sys, traceback
import datasets, hydra, sklearn.metrics  # warm what every case imports
import framing.run

cases, out = json.loads(sys.argv[1]), sys.argv[2]
codes = {}
for name, args in cases.items():
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid == 0:
        flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC
        os.dup2(os.open(os.path.join(out, name + ".out"), flags), 1)
        os.dup2(os.open(os.path.join(out, name + ".err"), flags), 2)
        sys.argv = ["framing-run", *args]
        code = 0
        try:
            framing.run.main()
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else int(exc.code is not None)
        except BaseException:
            traceback.print_exc()
            code = 1
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
    codes[name] = os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1])
with open(os.path.join(out, "codes.json"), "w") as fh:
    json.dump(codes, fh)
"""


def start_framing_run_cases(cases: dict[str, Sequence[str]], cwd: Path) -> subprocess.Popen:
    """Run several ``framing-run ARGS`` cases in one process (forked per case).

    Each case's exit code lands in ``cwd/codes.json``, its output in ``cwd/<name>.out``
    and ``cwd/<name>.err``.
    """
    env = {k: v for k, v in os.environ.items() if k != "HYDRA_FULL_ERROR"}
    env.setdefault("TQDM_DISABLE", "1")
    return subprocess.Popen(
        [sys.executable, "-c", _CASES_SCRIPT, json.dumps(dict(cases)), str(cwd)],
        cwd=cwd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


# ---------------------------------------------------------------------------
# predict/API tests: tfidf_logreg models trained once per session on the first N_TINY
# shipped articles, kept in the session's base temp folder and shared between files
def tiny_corpus(base: Path) -> Path:
    corpus = base / "tiny_corpus"
    if (corpus / "annotations.jsonl").is_file():
        return corpus
    corpus.mkdir(parents=True, exist_ok=True)
    lines = (ROOT / "data" / "syria" / "articles.jsonl").read_text(encoding="utf-8").splitlines()
    keep = lines[:N_TINY]
    ids = {json.loads(line)["id"] for line in keep}
    anns = [
        line
        for line in (ROOT / "data" / "syria" / "annotations.jsonl")
        .read_text(encoding="utf-8")
        .splitlines()
        if json.loads(line)["article_id"] in ids
    ]
    (corpus / "articles.jsonl").write_text("\n".join(keep) + "\n", encoding="utf-8")
    (corpus / "annotations.jsonl").write_text("\n".join(anns) + "\n", encoding="utf-8")
    return corpus


def trained_run(base: Path, task: str) -> Path:
    out = base / f"tiny_run_{task}"
    if (out / "model" / "manifest.json").is_file():
        return out
    from hydra import compose, initialize_config_dir

    import framing.run as fr

    corpus = tiny_corpus(base)
    with initialize_config_dir(str(fr.CONFIG_DIR), version_base="1.3"):
        cfg = compose(
            "config",
            overrides=[
                f"data.path={corpus}",
                "model=tfidf_logreg",
                "n_boot=50",
                "split.n_splits=2",
                f"task={task}",
            ],
        )
    fr.run(cfg, out)
    return out


def stance_dataset(items: Sequence[tuple[str, str, str]], per_article: int = 3):
    """Stance examples of ``(sentence, actor, label)`` items, each sentence naming its one
    actor; ``per_article`` consecutive items share an article id."""
    from datasets import Dataset

    from framing.tasks import example_features

    rows = []
    for i, (sentence, actor, label) in enumerate(items):
        start = sentence.index(actor)
        rows.append(
            {
                "example_id": f"s{i}",
                "article_id": f"a{i // per_article}",
                "sentence_index": i % per_article,
                "start": 0,
                "end": len(sentence),
                "sentence": sentence,
                "actor": actor,
                "target_spans": [[start, start + len(actor)]],
                "other_spans": [],
                "actors_in_sentence": [actor],
                "n_actors": 1,
                "source": "",
                "date": "",
                "label": label,
            }
        )
    return Dataset.from_list(rows, features=example_features("stance"))
