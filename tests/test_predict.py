"""`framing predict`: joint output, formats, resume after an interrupt, bad records, shards."""

from __future__ import annotations

import json
import signal
from pathlib import Path

import numpy as np
import pytest
from run_helpers import N_TINY, tiny_corpus, trained_run

from framing import inference
from framing import predict as fp
from framing.cli import main
from framing.io import DeferSignals
from framing.readers import read_articles
from framing.segment import Segmenter

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def base(tmp_path_factory) -> Path:
    return tmp_path_factory.getbasetemp()


@pytest.fixture(scope="session")
def stance_run(base) -> Path:
    return trained_run(base, "stance")


@pytest.fixture(scope="session")
def frame_run(base) -> Path:
    return trained_run(base, "framing")


@pytest.fixture(scope="session")
def articles(base) -> Path:
    """The tiny corpus's articles (12 of them) as input."""
    return tiny_corpus(base) / "articles.jsonl"


_LOADED: dict[str, fp.FramingModel] = {}


@pytest.fixture(autouse=True)
def load_each_model_once(monkeypatch):
    """Loading a model (skops) takes a second or two: load each one once per session."""
    real = fp.load_model

    def load_model(path):
        if isinstance(path, fp.FramingModel):
            return path
        key = str(Path(path).resolve())
        if key not in _LOADED:
            _LOADED[key] = real(path)
        return _LOADED[key]

    monkeypatch.setattr(inference, "load_model", load_model)


def _rows(path: Path) -> list[dict]:
    return list(fp.iter_prediction_rows(path))


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


def _ids(path: Path) -> list[str]:
    return [json.loads(line)["id"] for line in path.read_text(encoding="utf-8").splitlines()]


def _article_order(rows: list[dict]) -> list[str]:
    """Article ids in the order their (contiguous) rows appear."""
    out: list[str] = []
    for row in rows:
        if not out or out[-1] != row["article_id"]:
            out.append(row["article_id"])
    return out


# ---------------------------------------------------------------------------
def test_joint_stance_and_frame_output(tmp_path, stance_run, frame_run, articles):
    out = tmp_path / "pred.jsonl"
    code = main(
        [
            "-q",
            "predict",
            "--model",
            str(stance_run),
            "--model",
            str(frame_run / "model"),  # a model folder works as well as a run folder
            "--input",
            str(articles),
            "--output",
            str(out),
            "--no-progress",
        ]
    )
    assert code == 0
    rows = _rows(out)
    stance = fp.load_model(stance_run)
    frame = fp.load_model(frame_run)
    assert list(rows[0]) == fp.output_fields(stance, frame)
    assert rows[0]["stance_model"] == stance.model_id
    assert rows[0]["frame_model"] == frame.model_id
    seg = Segmenter(stance.manifest["actors"], splitter=stance.splitter)
    by_sentence: dict[tuple[str, int], list[dict]] = {}
    for row in rows:
        by_sentence.setdefault((row["article_id"], row["sentence_index"]), []).append(row)
    n_pairs = 0
    for art in read_articles([articles]):
        doc = seg.segment(art)
        for s in doc.sentences:
            got = by_sentence.pop((art.id, s.index))
            assert {r["sentence"] for r in got} == {s.text}
            assert all(doc.text[r["start"] : r["end"]] == r["sentence"] for r in got)
            frames = {r["frame"] for r in got}
            assert len(frames) == 1 and frames <= set(frame.labels)  # one frame per sentence
            if s.actors:  # one row per actor, with its mention spans
                assert [r["actor"] for r in got] == s.actors
                n_pairs += len(s.actors)
                for r in got:
                    assert r["stance"] in stance.labels
                    spans = [
                        [m.start - s.start, m.end - s.start]
                        for m in s.mentions
                        if m.actor == r["actor"] and m.is_actor  # "Russian" the language: none
                    ]
                    assert r["mentions"] == spans
                    # evidence: every mention of the actor, "not the actor" ones too
                    assert [e["surface"] for e in r["evidence"]] == [
                        m.surface for m in s.mentions if m.actor == r["actor"]
                    ]
                    assert r["sense"] == "actor"
                    probs = [r[f"p_{lab}"] for lab in stance.labels]
                    assert abs(sum(probs) - 1) < 1e-4
                    assert r["stance"] == stance.labels[int(np.argmax(probs))]
            else:  # no actor: one row, frame only
                assert len(got) == 1
                assert got[0]["actor"] == "" and got[0]["stance"] is None
                assert got[0]["p_negative"] is None and got[0]["mentions"] == []
            fprobs = [got[0][f"frame_p_{lab}"] for lab in frame.labels]
            assert got[0]["frame"] == frame.labels[int(np.argmax(fprobs))]
    assert not by_sentence  # no extra rows
    assert n_pairs > 0
    assert not (tmp_path / "pred.jsonl.errors.jsonl").exists()
    assert _leftovers(tmp_path) == []


def test_stance_only_and_frame_only(tmp_path, stance_run, frame_run, articles):
    s_out, f_out = tmp_path / "s.jsonl", tmp_path / "f.jsonl"
    assert fp.predict_files([articles], s_out, [stance_run], progress=False).rows > 0
    assert fp.predict_files([articles], f_out, [frame_run], progress=False).rows > 0
    s_rows, f_rows = _rows(s_out), _rows(f_out)
    assert "frame" not in s_rows[0] and "stance_model" in s_rows[0]
    assert all(r["actor"] for r in s_rows)  # stance pairs only: every row has an actor
    assert "stance" not in f_rows[0] and "frame_model" in f_rows[0]
    assert all(r["actor"] == "" and r["mentions"] == [] for r in f_rows)
    # one framing row per sentence, same frames as in the joint output
    joint = tmp_path / "j.jsonl"
    fp.predict_files([articles], joint, [stance_run, frame_run], progress=False)
    joint_frames = {(r["article_id"], r["sentence_index"]): r["frame"] for r in _rows(joint)}
    assert {(r["article_id"], r["sentence_index"]): r["frame"] for r in f_rows} == joint_frames
    pairs = {(r["article_id"], r["sentence_index"], r["actor"]): r["stance"] for r in s_rows}
    assert pairs == {
        (r["article_id"], r["sentence_index"], r["actor"]): r["stance"]
        for r in _rows(joint)
        if r["actor"]
    }


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_csv_and_parquet_hold_the_jsonl_rows(tmp_path, stance_run, frame_run, articles, suffix):
    ref = tmp_path / "ref.jsonl"
    fp.predict_files([articles], ref, [stance_run, frame_run], progress=False)
    out = tmp_path / f"pred{suffix}"
    # a small row group size: the Parquet file is written in several row groups
    fp.predict_files([articles], out, [stance_run, frame_run], progress=False, row_group_size=50)
    if suffix == ".parquet":
        import pyarrow.parquet as pq

        pf = pq.ParquetFile(out)
        assert pf.num_row_groups > 1
        assert pf.schema_arrow.field("sentence_index").type == "int32"
    else:
        header = out.read_text(encoding="utf-8").splitlines()[0].split(",")
        assert header == list(_rows(ref)[0])
    assert fp.prediction_columns(out) == list(_rows(ref)[0])
    got, want = _rows(out), _rows(ref)
    assert len(got) == len(want)
    for g, w in zip(got, want, strict=True):
        assert g == w


def test_progress_total_and_shard_parse(tmp_path, articles):
    assert inference._estimate_total([articles]) == N_TINY
    assert fp.parse_shard("1/3") == (1, 3)
    for bad in ("3/3", "x", "1/0", "-1/2"):
        with pytest.raises(fp.PredictError):
            fp.parse_shard(bad)


# ---------------------------------------------------------------------------
# interrupt and resume
def interrupt_at_article(monkeypatch, articles: Path, k: int) -> dict[str, bool]:
    """Patch the model so that it raises KeyboardInterrupt on the k-th article (0-based)
    while the returned switch is on."""
    from framing.models.sklearn import SklearnModel

    seg = Segmenter()
    docs = [seg.segment(a) for a in read_articles([articles])]
    trigger = {s.text for s in docs[k].sentences} - {
        s.text for i, d in enumerate(docs) if i != k for s in d.sentences
    }
    assert trigger
    original = SklearnModel.predict_proba
    switch = {"on": True}

    def interrupting(self, examples):
        if switch["on"] and trigger & set(examples["sentence"]):
            raise KeyboardInterrupt
        return original(self, examples)

    monkeypatch.setattr(SklearnModel, "predict_proba", interrupting)
    return switch


@pytest.mark.parametrize("suffix", [".jsonl", ".csv", ".parquet"])
def test_resume_after_interrupt(tmp_path, stance_run, frame_run, articles, monkeypatch, suffix):
    full = tmp_path / f"full{suffix}"
    fp.predict_files([articles], full, [stance_run, frame_run], progress=False)

    out = tmp_path / f"pred{suffix}"
    stop_after = 5
    switch = interrupt_at_article(monkeypatch, articles, stop_after)
    args = [
        "-q",
        "predict",
        "--model",
        str(stance_run),
        "--model",
        str(frame_run),
        "--input",
        str(articles),
        "--output",
        str(out),
        "--batch-size",
        "8",  # small batches: articles are predicted a few at a time
        "--no-progress",
    ]
    assert main(args) == 130
    # a valid file of whole articles only, under the output name
    first = _rows(out)
    done = _article_order(first)
    assert done == _ids(articles)[:stop_after]
    full_rows = _rows(full)
    assert first == [r for r in full_rows if r["article_id"] in set(done)]
    assert _leftovers(tmp_path) == []

    switch["on"] = False
    assert main([*args, "--resume"]) == 0
    rows = _rows(out)
    assert _article_order(rows) == _ids(articles)  # every article exactly once, in order
    assert rows == full_rows
    assert _leftovers(tmp_path) == []
    # resuming a finished output adds nothing
    assert main([*args, "--resume"]) == 0
    assert _rows(out) == full_rows


def test_interrupt_keeps_buffered_whole_articles_in_parquet(
    tmp_path, frame_run, articles, monkeypatch
):
    """Rows buffered for a Parquet row group are whole articles: kept on interrupt."""
    interrupt_at_article(monkeypatch, articles, 3)
    out = tmp_path / "pred.parquet"
    with pytest.raises(KeyboardInterrupt):
        fp.predict_files(
            [articles], out, [frame_run], batch_size=1, progress=False, row_group_size=10_000
        )
    assert _article_order(_rows(out)) == _ids(articles)[:3]
    assert _leftovers(tmp_path) == []


def test_signals_are_held_during_writes():
    # the test sets SIGINT's handler itself: a process started in the background (``cmd &``,
    # nohup) inherits SIGINT ignored, and then nothing is raised at the end either
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        held = False
        with pytest.raises(KeyboardInterrupt):  # noqa: SIM117 - the order is the point
            with DeferSignals():
                signal.raise_signal(signal.SIGINT)
                held = True  # reached: the interrupt waits for the block's end
        assert held

        signal.signal(signal.SIGINT, signal.SIG_IGN)  # ignored before: still ignored after
        with DeferSignals():
            signal.raise_signal(signal.SIGINT)
        assert signal.getsignal(signal.SIGINT) is signal.SIG_IGN
    finally:
        signal.signal(signal.SIGINT, previous)


def test_resume_refuses_other_models(tmp_path, stance_run, frame_run, articles):
    out = tmp_path / "pred.jsonl"
    fp.predict_files([articles], out, [stance_run], progress=False)
    before = out.read_bytes()
    code = main(
        ["-q", "predict", "--model", str(frame_run), "--input", str(articles), "-o", str(out)]
        + ["--resume", "--no-progress"]
    )
    assert code == 2
    assert out.read_bytes() == before
    assert _leftovers(tmp_path) == []


# ---------------------------------------------------------------------------
# bad records
def _bad_corpus(folder: Path, articles: Path) -> tuple[list[Path], set[str], int]:
    """A corpus with bad records mixed in: returns inputs, the good ids, the number of bad ones."""
    good_lines = articles.read_text(encoding="utf-8").splitlines()
    good = [json.loads(line) for line in good_lines]
    lines: list[bytes] = []
    bad = 0
    for i, rec in enumerate(good):
        lines.append(json.dumps(rec).encode())
        if i == 1:
            lines.append(b'{"id": "broken", "text": "unterminated')  # invalid JSON
        elif i == 3:
            lines.append(json.dumps({"id": "empty", "text": "   "}).encode())  # empty
        elif i == 5:
            lines.append(json.dumps({"id": "notext", "body": "x"}).encode())  # no text field
        elif i == 6:
            lines.append(b'{"id": "latin1", "text": "caf\xe9 au lait"}')  # undecodable
        elif i == 7:
            lines.append(json.dumps({"id": "huge", "text": "Russia said. " * 500}).encode())
        elif i == 8:
            lines.append(json.dumps({"id": "furniture", "text": "Share this article"}).encode())
        elif i == 9:
            lines.append(json.dumps(good[0]).encode())  # duplicate id
        elif i == 10:
            rec2 = {**rec, "id": "explodes-in-segmenter"}
            lines.append(json.dumps(rec2).encode())
        elif i == 11:
            rec3 = {**rec, "id": "explodes-in-model", "text": "ZZMARKER Putin lied. " + rec["text"]}
            lines.append(json.dumps(rec3).encode())
        else:
            continue
        bad += 1
    jsonl = folder / "mixed.jsonl"
    jsonl.write_bytes(b"\n".join(lines) + b"\n")
    txt = folder / "txt"
    txt.mkdir()
    (txt / "good_txt.txt").write_text(
        "Russian forces left the base on Monday. The Kremlin called it a routine move.\n",
        encoding="utf-8",
    )
    (txt / "bad_txt.txt").write_bytes(b"Assad \xff\xfe fled.\n")
    bad += 1
    return [jsonl, txt], {r["id"] for r in good} | {"good_txt"}, bad


@pytest.fixture
def bad_corpus(tmp_path, articles, monkeypatch):
    import framing.readers as readers
    from framing.models.sklearn import SklearnModel

    monkeypatch.setattr(readers, "MAX_ARTICLE_CHARS", 5_000)  # "gigantic", cheaply
    real_segment = Segmenter.segment

    def segment(self, article):
        if article.id == "explodes-in-segmenter":
            raise RuntimeError("boom")
        return real_segment(self, article)

    real_predict = SklearnModel.predict_proba

    def predict_proba(self, examples):
        if any("ZZMARKER" in s for s in examples["sentence"]):
            raise ValueError("model blew up")
        return real_predict(self, examples)

    monkeypatch.setattr(Segmenter, "segment", segment)
    monkeypatch.setattr(SklearnModel, "predict_proba", predict_proba)
    folder = tmp_path / "input"
    folder.mkdir()
    return _bad_corpus(folder, articles)


def test_bad_records_go_to_the_error_file(tmp_path, stance_run, frame_run, bad_corpus):
    inputs, good_ids, n_bad = bad_corpus
    out = tmp_path / "out" / "pred.jsonl"
    code = main(
        ["-q", "predict", "--model", str(stance_run), "--model", str(frame_run)]
        + ["--input", *map(str, inputs), "-o", str(out), "--no-progress"]
        + ["--batch-size", "64"]  # several articles per batch: the failing one is isolated
    )
    assert code == 0
    order = _article_order(_rows(out))
    assert sorted(order) == sorted(good_ids)  # every good record, once
    errors = [json.loads(line) for line in fp.error_file(out).read_text().splitlines()]
    assert len(errors) == n_bad
    assert all(set(e) >= {"where", "reason"} for e in errors)
    reasons = " | ".join(e["reason"] for e in errors)
    for expected in (
        "invalid JSON",
        "empty text",
        "no text field",
        "not valid UTF-8",
        "exceeds",
        "no sentences left after cleaning",
        "duplicate id",
        "segmentation failed: RuntimeError: boom",
        "prediction failed: ValueError: model blew up",
    ):
        assert expected in reasons
    by_id = {e.get("article_id"): e for e in errors}
    assert by_id["explodes-in-model"]["stage"] == "predict"
    assert by_id["explodes-in-segmenter"]["stage"] == "segment"
    assert any("bad_txt.txt" in e["where"] for e in errors)
    assert any(e["where"].endswith("mixed.jsonl:3") for e in errors)  # the invalid JSON line
    assert _leftovers(out.parent) == []

    # resume: the good articles are skipped, the bad ones tried (and reported) again
    code = main(
        ["-q", "predict", "--model", str(stance_run), "--model", str(frame_run)]
        + ["--input", *map(str, inputs), "-o", str(out), "--no-progress", "--resume"]
    )
    assert code == 0
    assert sorted(_article_order(_rows(out))) == sorted(good_ids)
    assert len(fp.error_file(out).read_text().splitlines()) == n_bad


def test_all_bad_exits_1_and_bad_output_name_exits_2(tmp_path, frame_run):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "a", "text": ""}\n{"id": "b"}\n', encoding="utf-8")
    out = tmp_path / "pred.jsonl"
    args = ["-q", "predict", "--model", str(frame_run), "--input", str(bad), "--no-progress"]
    assert main([*args, "-o", str(out)]) == 1
    assert _rows(out) == []
    assert len(fp.error_file(out).read_text().splitlines()) == 2
    assert main([*args, "-o", str(tmp_path / "pred.xlsx")]) == 2
    assert not (tmp_path / "pred.xlsx").exists()
    assert main([*args, "-o", str(out), "--shard", "2/2"]) == 2


# ---------------------------------------------------------------------------
def test_shards_partition_the_corpus(tmp_path, frame_run, bad_corpus):
    inputs, good_ids, n_bad = bad_corpus
    outs = []
    for i in range(2):
        out = tmp_path / f"shard{i}.jsonl"
        stats = fp.predict_files(inputs, out, [frame_run], shard=f"{i}/2", progress=False)
        assert stats.skipped_shard > 0
        outs.append(out)
    ids = [set(_article_order(_rows(o))) for o in outs]
    assert ids[0] and ids[1]
    assert ids[0].isdisjoint(ids[1])
    assert ids[0] | ids[1] == good_ids
    for i, shard_ids in enumerate(ids):
        assert all(fp.shard_of(a, 2) == i for a in shard_ids)
    errs = [
        [json.loads(x)["where"] for x in fp.error_file(o).read_text().splitlines()]
        if fp.error_file(o).exists()
        else []
        for o in outs
    ]
    assert set(errs[0]).isdisjoint(errs[1])
    assert len(errs[0]) + len(errs[1]) == n_bad


def test_summary_written_with_predictions(tmp_path, stance_run, frame_run, articles):
    out = tmp_path / "pred.parquet"
    summary = tmp_path / "summary.json"
    fp.predict_files([articles], out, [stance_run, frame_run], summary=summary, progress=False)
    doc = json.loads(summary.read_text(encoding="utf-8"))
    rows = _rows(out)
    assert {r["article_id"] for r in doc["frames"]} == {r["article_id"] for r in rows}
    pairs = [r for r in rows if r["actor"]]
    assert sum(r["n"] for r in doc["stance"]) == len(pairs)
    sentences = {(r["article_id"], r["sentence_index"]) for r in rows}
    assert sum(r["n_sentences"] for r in doc["frames"]) == len(sentences)
    for rec in doc["stance"]:
        n = rec["n"]
        assert rec["net_stance"] == pytest.approx(
            (rec["n_positive"] - rec["n_negative"]) / n, abs=1e-6
        )
        assert rec["share_neutral"] == pytest.approx(rec["n_neutral"] / n, abs=1e-6)


def test_summary_net_stance_by_probability(tmp_path, stance_run, articles):
    out, summary = tmp_path / "pred.jsonl", tmp_path / "summary.json"
    args = ["-q", "predict", "--model", str(stance_run), "--input", str(articles)]
    args += ["-o", str(out), "--summary", str(summary), "--summary-net", "probability"]
    assert main([*args, "--no-progress"]) == 0
    expected: dict[tuple[str, str], list[float]] = {}
    for row in _rows(out):
        if row["actor"]:
            score = row["p_positive"] - row["p_negative"]
            expected.setdefault((row["article_id"], row["actor"]), []).append(score)
    stance = json.loads(summary.read_text(encoding="utf-8"))["stance"]
    assert len(stance) == len(expected) > 0
    for rec in stance:
        scores = expected[(rec["article_id"], rec["actor"])]
        assert rec["net_stance_probability"] == pytest.approx(sum(scores) / len(scores), abs=1e-5)
        assert -1 <= rec["net_stance"] <= 1
