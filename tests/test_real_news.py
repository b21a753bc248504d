"""The real-news benchmarks (mentions, stance) on tiny NewsMTSC-shaped files written here."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"


def _write_jsonl(path: Path, rows: list[dict]) -> None:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")


@pytest.fixture
def audit(tmp_path, monkeypatch):
    """Two sentences in a fake NewsMTSC test file and readers' labels for them."""
    folder = tmp_path / "newsmtsc"
    folder.mkdir()
    sentences = [
        ("s1", "The Kremlin denied the report, and Lisa Wagner, a donor, stayed silent."),
        ("s2", "Flights to Moscow were cancelled, and Sergei Petrov, the envoy, left."),
    ]
    _write_jsonl(
        folder / "newsmtsc-rw-test.jsonl",
        [{"primary_gid": g, "sentence_normalized": t, "targets": []} for g, t in sentences],
    )

    def mention(text: str, surface: str, sense: str, reason: str | None = None) -> dict:
        start = text.index(surface)
        return {
            "start": start,
            "end": start + len(surface),
            "surface": surface,
            "actor": "Russia",
            "sense": sense,
            "reason": reason,
        }

    labels = [
        {
            "source": "newsmtsc-rw-test",
            "gid": "s1",
            "pool": "test",
            "annotators": ["A"],
            "mentions": [
                mention(sentences[0][1], "The Kremlin", "actor"),
                mention(sentences[0][1], "Wagner", "not_actor", "other"),
            ],
            "missed": [],
        },
        {
            "source": "newsmtsc-rw-test",
            "gid": "s2",
            "pool": "test",
            "annotators": ["A"],
            "mentions": [mention(sentences[1][1], "Moscow", "not_actor", "place")],
            "missed": [{"actor": "Russia", "surface": "Sergei Petrov, the envoy"}],
        },
    ]
    label_path = tmp_path / "labels.jsonl"
    _write_jsonl(label_path, labels)
    monkeypatch.syspath_prepend(str(BENCHMARKS))
    return folder, label_path


def _run(monkeypatch, capsys, *args: str) -> str:
    import real_news_mentions

    monkeypatch.setattr(sys, "argv", ["real_news_mentions.py", *args])
    real_news_mentions.main()
    return capsys.readouterr().out


def test_scores_pairs_mentions_and_senses_against_the_labels(audit, monkeypatch, capsys):
    folder, labels = audit
    out = _run(monkeypatch, capsys, "--newsmtsc", str(folder), "--labels", str(labels))
    assert "pool tune: 0 sentences" in out  # both sentences are in the test pool
    out = _run(
        monkeypatch, capsys, "--newsmtsc", str(folder), "--labels", str(labels), "--pool", "test"
    )
    # s1: a Russia pair found and gold (the Kremlin; Wagner the surname makes none);
    # s2: gold by the missed envoy, not found (Moscow the destination makes none)
    assert "Russia  pairs: precision 1.000 (1/1), recall 0.500 (1/2)" in out
    assert "sense accuracy on ambiguous mentions: 1.000 (2/2)" in out
    assert "unlabelled mentions (not scored): 0" in out


def test_a_mention_the_labels_do_not_cover_is_counted_apart(audit, monkeypatch, capsys, tmp_path):
    folder, labels = audit
    rows = [json.loads(line) for line in labels.read_text(encoding="utf-8").splitlines()]
    rows[0]["mentions"] = rows[0]["mentions"][:1]  # drop Wagner's label
    _write_jsonl(labels, rows)
    out = _run(
        monkeypatch,
        capsys,
        "--newsmtsc",
        str(folder),
        "--labels",
        str(labels),
        "--pool",
        "test",
        "--errors",
    )
    assert "unlabelled mentions (not scored): 1" in out
    assert "UNLABELLED Russia 'Wagner' (not_actor)" in out


def test_a_missing_newsmtsc_file_is_one_line(audit, monkeypatch, capsys, tmp_path):
    _, labels = audit
    with pytest.raises(SystemExit, match="newsmtsc-rw-test.jsonl not found"):
        _run(
            monkeypatch,
            capsys,
            *("--newsmtsc", str(tmp_path / "nowhere"), "--labels", str(labels), "--pool", "test"),
        )


# ---------------------------------------------------------------------------
# benchmarks/real_news_stance.py: a tiny trained stance run on stance labels written here
@pytest.fixture(scope="module")
def stance_run(tmp_path_factory) -> Path:
    from run_helpers import trained_run

    return trained_run(tmp_path_factory.getbasetemp(), "stance")


def test_stance_benchmark_scores_models_on_agreed_pairs(
    audit, stance_run, monkeypatch, capsys, tmp_path
):
    folder, _ = audit
    rows = [
        {"gid": "s1", "actor": "Russia", "stance": "negative", "by": ["negative", "negative"]},
        {"gid": "s2", "actor": "Russia", "stance": None, "by": ["neutral", "negative"]},
    ]
    labels = tmp_path / "stance.jsonl"
    _write_jsonl(
        labels,
        [
            {
                "source": "newsmtsc-rw-test",
                "gid": r["gid"],
                "pool": "test",
                "actor": r["actor"],
                "stance": r["stance"],
                "stance_by": dict(zip(["A", "B"], r["by"], strict=True)),
            }
            for r in rows
        ],
    )
    import real_news_stance

    argv = ["real_news_stance.py", "--model", str(stance_run), str(stance_run)]
    argv += ["--labels", str(labels), "--newsmtsc", str(folder), "--n-boot", "50"]
    monkeypatch.setattr(sys, "argv", argv)
    real_news_stance.main()
    out = capsys.readouterr().out
    assert "pool test: 1 agreed pairs (1 left out: readers disagree)" in out
    assert "always neutral: macro-F1 0.000, accuracy 0.000" in out
    assert out.count(f"{stance_run}: macro-F1") == 2
    assert f"{stance_run} - {stance_run}: +0.000" in out  # the paired test, model vs itself
    # calibration on the pool: one agreed pair, predicted wrong (accuracy 0 above)
    assert out.count("calibration: ECE ") == 2 and "errors made with p >= 0.7: " in out
    assert " of 1" in out.split("calibration: ECE ")[1].splitlines()[0]
    # --cluster resamples whole sentences here (articles with --corpus): same figures
    monkeypatch.setattr(sys, "argv", [*argv, "--cluster"])
    real_news_stance.main()
    clustered = capsys.readouterr().out
    assert clustered.count(f"{stance_run}: macro-F1") == 2
    assert f"{stance_run} - {stance_run}: +0.000" in clustered


# ---------------------------------------------------------------------------
# benchmarks/fakes_corpus.py: FA-KES-shaped CSV (text written here, commas and apostrophes
# stripped as in the public copies), readers' files → labels → a corpus folder
FAKES_TEXTS = {
    "101": (
        "Mon 04 Jan 2016 Regime forces shell Douma. Syrian government forces shelled the town "
        "on Monday a monitor said. The regime denied the report. Read Also"
    ),
    "102": (
        "Russian jets strike near Idlib. Russian warplanes struck positions of the Nusra Front "
        "near Idlib on Tuesday. Moscow said it targeted only terrorists."
    ),
}


@pytest.fixture
def fakes(tmp_path, monkeypatch):
    import csv

    path = tmp_path / "FA-KES-Dataset.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(
            ["unit_id", "article_title", "article_content", "source", "date", "location", "labels"]
        )
        w.writerow(
            [
                "101",
                "Regime forces shell Douma",
                FAKES_TEXTS["101"],
                "sana",
                "1/4/2016",
                "damascus",
                "1",
            ]
        )
        w.writerow(["102", "Russian jets", FAKES_TEXTS["102"], "tass", "3/15/2016", "idlib", "0"])
    monkeypatch.syspath_prepend(str(BENCHMARKS))
    return path


def _tasks(csv_path: Path, tmp_path: Path) -> Path:
    """The readers' task file, as the maintainers' sampling writes it."""
    import fakes_corpus

    from framing.segment import Segmenter

    seg = Segmenter()
    tasks = []
    for art_id, article in sorted(fakes_corpus.read_articles(csv_path).items()):
        doc = seg.segment(article)
        pool = "tune" if art_id.endswith("101") else "test"
        tasks.append(
            {
                "article": art_id,
                "pool": pool,
                "sentences": [
                    {"s": i, "start": s.start, "end": s.end, "text": s.text}
                    for i, s in enumerate(doc.sentences)
                ],
            }
        )
    path = tmp_path / "tasks.jsonl"
    _write_jsonl(path, tasks)
    return path


def test_majority_of_readers_per_actor_and_ties(monkeypatch):
    monkeypatch.syspath_prepend(str(BENCHMARKS))
    from fakes_corpus import majority

    assert majority([{"Assad": "negative"}, {"Assad": "negative"}]) == {"Assad": "negative"}
    assert majority([{"Assad": "negative"}, {}]) is None  # two readers: listed by one
    assert majority([{"Assad": "negative"}, {}, {}]) == {}  # the third settles it: absent
    assert majority([{"Assad": "negative"}, {"Assad": "neutral"}, {}]) is None
    three = [{"Assad": "negative"}, {"Assad": "neutral"}, {"Assad": "neutral", "HTS": "neutral"}]
    assert majority(three) == {"Assad": "neutral"}


def test_fakes_labels_build_a_corpus_folder_the_pipeline_scores(fakes, tmp_path, capsys):
    import fakes_corpus

    from framing.corpus import load_corpus
    from framing.input_files import iter_jsonl
    from framing.pairs import pair_scores
    from framing.segment import Segmenter

    tasks = _tasks(fakes, tmp_path)
    sentences = [(t["article"], s["s"]) for _, t in iter_jsonl(tasks) for s in t["sentences"]]
    gold = {
        ("fakes-101", 0): {"Assad": "neutral"},
        ("fakes-101", 1): {"Assad": "negative"},
        ("fakes-101", 2): {"Assad": "neutral"},
        ("fakes-102", 0): {"Russia": "neutral"},
        ("fakes-102", 1): {"Russia": "neutral", "HTS": "neutral"},
        ("fakes-102", 2): {"Russia": "neutral"},
    }
    a = [{"article": k[0], "s": k[1], "stance": gold.get(k, {})} for k in sentences]
    b = [dict(r) for r in a]
    b[1] = {**b[1], "stance": {}}  # B does not list Assad in sentence 1: a tie, left out
    _write_jsonl(tmp_path / "A.jsonl", a)
    _write_jsonl(tmp_path / "B.jsonl", b)
    records, agreement = fakes_corpus.merge(
        tasks, {"A": tmp_path / "A.jsonl", "B": tmp_path / "B.jsonl"}
    )
    assert [r["stance"] is None for r in records].count(True) == 1
    assert agreement["stance_agree"].split("/")[0] == agreement["stance_agree"].split("/")[1]
    assert not any("text" in r for r in records)  # standoff: no text

    out = tmp_path / "corpus"
    counts = fakes_corpus.build(fakes, records, out)
    assert counts["left_out"] == 1 and counts["articles"] == 2
    corpus = load_corpus(out)
    assert corpus.test_ids == ["fakes-102"] and corpus.test_only == {"tune": ["fakes-101"]}
    assert corpus.articles["fakes-101"].date == "2016-01-04"
    scores = pair_scores(corpus, Segmenter(), ["fakes-102"])
    assert scores["overall"]["recall"] == 1.0  # Russian warplanes, Nusra Front, Moscow

    # a file whose text no longer matches the labels stops the build, naming the sentence
    records[0]["text_sha1"] = "0" * 12
    with pytest.raises(SystemExit, match=r"fakes-101 sentence 0 .*does not match"):
        fakes_corpus.build(fakes, records, tmp_path / "other")


def test_fakes_train_pool_is_training_data_in_the_full_folder_and_alone(fakes, tmp_path):
    """A ``train`` pool article is a training article of the full folder (neither the test
    pool nor the tune set), and ``--pool train`` writes it alone with no held-out set."""
    import fakes_corpus

    from framing.corpus import load_corpus
    from framing.input_files import iter_jsonl

    tasks = _tasks(fakes, tmp_path)
    lines = []
    for _, task in iter_jsonl(tasks):
        pool = "train" if task["article"] == "fakes-101" else "test"
        lines.append({**task, "pool": pool})
    _write_jsonl(tasks, lines)
    labels = [
        {"article": t["article"], "s": s["s"], "stance": {"Assad": "neutral"}}
        for t in lines
        for s in t["sentences"]
    ]
    _write_jsonl(tmp_path / "A.jsonl", labels)
    _write_jsonl(tmp_path / "B.jsonl", labels)
    records, _ = fakes_corpus.merge(tasks, {"A": tmp_path / "A.jsonl", "B": tmp_path / "B.jsonl"})

    full = load_corpus(_built(fakes_corpus, fakes, records, tmp_path / "full"))
    assert full.test_ids == ["fakes-102"] and "fakes-101" not in sum(full.test_sets.values(), [])
    assert sorted(full.articles) == ["fakes-101", "fakes-102"]

    train = load_corpus(_built(fakes_corpus, fakes, records, tmp_path / "train", pool="train"))
    assert sorted(train.articles) == ["fakes-101"] and train.test_ids == []
    assert {a.article_id for a in train.annotations} == {"fakes-101"}

    records[0]["pool"] = "dev"
    with pytest.raises(SystemExit, match=r"fakes-101: pool 'dev' is none of"):
        fakes_corpus.build(fakes, records, tmp_path / "other")


def _built(fakes_corpus, csv_path: Path, records: list, out: Path, pool: str | None = None):
    fakes_corpus.build(csv_path, records, out, pool)
    return out


def test_shipped_fakes_labels_are_standoff_and_each_article_in_one_pool():
    """``data/real_news/fakes_sentences.jsonl``: no text, known pools and labels, every
    article in exactly one pool, its sentences numbered 0..n-1 without overlap."""
    from framing.input_files import iter_jsonl

    path = BENCHMARKS.parent / "data/real_news/fakes_sentences.jsonl"
    pools: dict[str, set[str]] = {}
    spans: dict[str, list[tuple[int, int, int]]] = {}
    for line, rec in iter_jsonl(path):
        assert isinstance(rec, dict) and "text" not in rec, line
        pools.setdefault(rec["article"], set()).add(rec["pool"])
        spans.setdefault(rec["article"], []).append((rec["s"], rec["start"], rec["end"]))
        for labels in [rec["stance"] or {}, *rec["stance_by"].values()]:
            assert set(labels) <= {"Assad", "Russia", "HTS"}, line
            assert set(labels.values()) <= {"positive", "neutral", "negative"}, line
    assert all(len(p) == 1 for p in pools.values())
    assert {next(iter(p)) for p in pools.values()} == {"tune", "test", "train"}
    for sents in spans.values():
        sents.sort()
        assert [s for s, _, _ in sents] == list(range(len(sents)))
        assert all(a[2] <= b[1] for a, b in zip(sents, sents[1:], strict=False))


# benchmarks/newsmtsc_files.py: a release laid out under framing's names, and the copy
# without the audited train sentences (lines written here, NewsMTSC's fields)
def test_newsmtsc_files_lays_out_a_release_and_drops_audited_train_sentences(tmp_path, monkeypatch):
    monkeypatch.syspath_prepend(str(BENCHMARKS))
    import newsmtsc_files

    def line(gid: str, text: str) -> str:
        target = {"Input.gid": gid, "from": 0, "to": 4, "mention": text[:4], "polarity": 4.0}
        return json.dumps({"primary_gid": gid, "sentence_normalized": text, "targets": [target]})

    train = [
        line("g1", "Moscow denied it."),
        line("g2", "Rain fell."),
        line("g3", "Moscow denied it."),
    ]
    for variant in ("rw", "mt"):
        (tmp_path / "rel" / f"newsmtsc-{variant}").mkdir(parents=True)
        for split, lines in (("train", train), ("dev", train[1:2]), ("test", train[:1])):
            path = tmp_path / "rel" / f"newsmtsc-{variant}" / f"{split}.jsonl"
            path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    audit = tmp_path / "audit.jsonl"
    audit.write_text(
        json.dumps({"source": "newsmtsc-rw-train", "gid": "g1"})
        + "\n"
        + json.dumps({"source": "newsmtsc-rw-test", "gid": "g2"})  # not a train record
        + "\n",
        encoding="utf-8",
    )
    written = newsmtsc_files.lay_out(tmp_path / "rel", tmp_path / "out")
    assert sorted(p.name for p in written)[0] == "newsmtsc-mt-dev.jsonl" and len(written) == 6
    kept, read = newsmtsc_files.without_audit(tmp_path / "out", tmp_path / "clean", [audit])
    # g1 by its gid, g3 by its text (the same sentence under another gid); g2 stays
    assert (kept, read) == (1, 3)
    for variant in ("rw", "mt"):
        clean = (tmp_path / "clean" / f"newsmtsc-{variant}-train.jsonl").read_text(encoding="utf-8")
        assert [json.loads(x)["primary_gid"] for x in clean.splitlines()] == ["g2"]
        dev = tmp_path / "clean" / f"newsmtsc-{variant}-dev.jsonl"
        assert dev.read_text(encoding="utf-8") == train[1] + "\n"
    with pytest.raises(SystemExit, match="newsmtsc-rw/train.jsonl not found"):
        newsmtsc_files.lay_out(tmp_path / "nothing", tmp_path / "x")


# ---------------------------------------------------------------------------
# benchmarks/newsmtsc.py --evaluate: per dev file and both pooled (what recipes are chosen by)
def test_newsmtsc_benchmark_scores_dev_files_and_pooled_dev(stance_run, monkeypatch, tmp_path):
    monkeypatch.syspath_prepend(str(BENCHMARKS))
    import newsmtsc

    def line(gid: str, text: str, target: str, polarity: float) -> str:
        start = text.index(target)
        t = {"from": start, "to": start + len(target), "mention": target, "polarity": polarity}
        return json.dumps({"primary_gid": gid, "sentence_normalized": text, "targets": [t]})

    data = tmp_path / "newsmtsc"
    data.mkdir()
    dev = {
        "rw": [line("r1", "Russia bombed the market again.", "Russia", 2.0)],
        "mt": [
            line("m1", "Russia praised the new talks.", "Russia", 6.0),
            line("m2", "Analysts said Russia met on Monday.", "Russia", 4.0),
        ],
    }
    for variant, lines in dev.items():
        (data / f"newsmtsc-{variant}-dev.jsonl").write_text("\n".join(lines) + "\n", "utf-8")
    out = tmp_path / "out"
    argv = ["newsmtsc.py", "--evaluate", str(stance_run / "model"), "--data", str(data)]
    monkeypatch.setattr(sys, "argv", [*argv, "--out", str(out)])
    newsmtsc.main()
    splits = json.loads((out / "results.json").read_text(encoding="utf-8"))["splits"]
    assert sorted(splits) == ["dev", "dev-mt", "dev-rw"]
    assert [splits[k]["n"] for k in ("dev-rw", "dev-mt", "dev")] == [1, 2, 3]
    pooled_correct = splits["dev-rw"]["accuracy"] * 1 + splits["dev-mt"]["accuracy"] * 2
    assert splits["dev"]["accuracy"] == pytest.approx(pooled_correct / 3)


# ---------------------------------------------------------------------------
# benchmarks/persent_stance.py: the tiny stance run on a PerSenT-format dev file
def test_persent_benchmark_scores_models_and_writes_json(stance_run, monkeypatch, capsys, tmp_path):
    from run_helpers import write_persent

    write_persent(tmp_path / "dev.csv")
    monkeypatch.syspath_prepend(str(BENCHMARKS))
    import persent_stance

    out_json = tmp_path / "out" / "persent.json"
    argv = ["persent_stance.py", "--model", str(stance_run), str(stance_run)]
    argv += ["--data", str(tmp_path), "--n-boot", "50", "--out", str(out_json)]
    monkeypatch.setattr(sys, "argv", argv)
    persent_stance.main()
    out = capsys.readouterr().out
    assert "4 labelled paragraphs of 2 articles; negative 1, neutral 2, positive 1" in out
    assert "always neutral: macro-F1 0.222, accuracy 0.500" in out
    assert out.count(f"{stance_run}: macro-F1") == 2 and "ECE " in out
    assert f"{stance_run} - {stance_run}: +0.000" in out
    saved = json.loads(out_json.read_text())
    assert saved["split"] == "dev" and saved["n"] == 4
    assert set(saved["models"][str(stance_run)]["f1"]) == {"negative", "neutral", "positive"}
    monkeypatch.setattr(sys, "argv", [*argv[:3], "--data", str(tmp_path / "none")])
    with pytest.raises(SystemExit, match="dev.csv does not exist"):
        persent_stance.main()
