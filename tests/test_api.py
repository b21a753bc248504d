"""The Python API: ``framing.load_model`` and ``framing.analyze_articles``."""

from __future__ import annotations

import json
import logging
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from run_helpers import tiny_corpus, trained_run

import framing
from framing import framing_model
from framing import predict as fp
from framing.corpus import Article, Sentence
from framing.readers import read_articles

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def stance_run(tmp_path_factory) -> Path:
    return trained_run(tmp_path_factory.getbasetemp(), "stance")


@pytest.fixture(scope="session")
def frame_run(tmp_path_factory) -> Path:
    return trained_run(tmp_path_factory.getbasetemp(), "framing")


@pytest.fixture(scope="session")
def articles(tmp_path_factory) -> Path:
    return tiny_corpus(tmp_path_factory.getbasetemp()) / "articles.jsonl"


@pytest.fixture(scope="session")
def stance_model(stance_run):
    return framing.load_model(stance_run)


@pytest.fixture(scope="session")
def frame_model(frame_run):
    return framing.load_model(frame_run)


SENTENCES = [
    "Russian forces pulled out of the base, and Assad's former officers fled to Moscow.",
    "The weather in the valley was mild on Tuesday.",
    "HTS fighters were accused of looting the market.",
]


# ---------------------------------------------------------------------------
def test_import_framing_is_light():
    code = (
        "import sys, framing\n"
        "heavy = [m for m in ('framing.predict', 'pandas', 'numpy', 'sklearn', 'torch') "
        "if m in sys.modules]\n"
        "assert not heavy, heavy\n"
        "assert callable(framing.load_model) and callable(framing.analyze_articles)\n"
        "print(framing.__version__)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert out.stdout.strip() == fp.package_version()


def test_load_model_attributes(stance_run, stance_model, frame_model):
    assert stance_model.task == "stance"
    assert stance_model.labels == ["negative", "neutral", "positive"]
    assert frame_model.task == "framing" and len(frame_model.labels) == 15
    manifest = json.loads((stance_run / "model" / "manifest.json").read_text())
    assert stance_model.manifest == manifest
    assert stance_model.trained_with == manifest["versions"]["framing"] == fp.package_version()
    assert stance_model.model_id.startswith("tfidf_logreg@")
    # a run folder and its model folder are the same model
    again = framing.load_model(stance_run / "model")
    assert again.model_id == stance_model.model_id
    assert set(stance_model.actors) >= {"Russia", "Assad", "HTS"}


def test_stance_predict_one_row_per_pair(stance_model):
    df = stance_model.predict(SENTENCES)
    assert list(df.columns) == [
        "sentence_index",
        "sentence",
        "actor",
        "mentions",
        "stance",
        "p_negative",
        "p_neutral",
        "p_positive",
    ]
    # lexicon matches: Russia + Assad in the first sentence, none in the second, HTS in the third
    assert list(zip(df["sentence_index"], df["actor"], strict=True)) == [
        (0, "Russia"),
        (0, "Assad"),
        (2, "HTS"),
    ]
    for row in df.itertuples():
        for s, e in row.mentions:
            assert row.sentence[s:e]
    first = df.iloc[0]
    assert first["sentence"][first["mentions"][0][0] : first["mentions"][0][1]] == "Russian forces"
    probs = df[["p_negative", "p_neutral", "p_positive"]].to_numpy()
    np.testing.assert_allclose(probs.sum(axis=1), 1.0, atol=1e-6)
    assert list(df["stance"]) == [stance_model.labels[i] for i in probs.argmax(axis=1)]
    assert stance_model.label_column == "stance" and "label" not in df
    proba = stance_model.predict_proba(SENTENCES)
    assert "stance" not in proba
    np.testing.assert_allclose(proba[["p_negative", "p_neutral", "p_positive"]].to_numpy(), probs)


def test_stance_with_given_actors(stance_model, caplog):
    df = stance_model.predict_proba(SENTENCES, actors=[["Assad"], "Russia", None])
    assert list(zip(df["sentence_index"], df["actor"], strict=True)) == [
        (0, "Assad"),
        (1, "Russia"),  # named but not mentioned: predicted without spans
        (2, "HTS"),  # None: the lexicon's matches
    ]
    assert df.iloc[1]["mentions"] == []
    # the same pair as with the lexicon gives the same probabilities
    auto = stance_model.predict_proba(SENTENCES)
    a = auto[auto["actor"] == "Assad"].iloc[0]
    b = df[df["actor"] == "Assad"].iloc[0]
    assert a["p_negative"] == pytest.approx(b["p_negative"])
    with caplog.at_level("WARNING"):
        stance_model.predict(["Somebody spoke."], actors=[["Atlantis"]])
    assert "Atlantis" in caplog.text
    with pytest.raises(ValueError, match="one entry per sentence"):
        stance_model.predict(SENTENCES, actors=[["Assad"]])


def test_frame_predict_one_row_per_sentence(frame_model):
    df = frame_model.predict(SENTENCES)
    assert list(df["sentence_index"]) == [0, 1, 2]
    assert set(df["actor"]) == {""}
    assert set(df["frame"]) <= set(frame_model.labels) and frame_model.label_column == "frame"
    assert [c for c in df.columns if c.startswith("p_")] == [f"p_{x}" for x in frame_model.labels]
    with pytest.raises(ValueError, match="stance models"):
        frame_model.predict(SENTENCES, actors=[None, None, None])
    single = frame_model.predict(SENTENCES[2])  # one string is one sentence
    assert len(single) == 1


def test_api_matches_the_command_line(tmp_path, stance_model, frame_model, articles):
    """Sentences predicted through the API get the probabilities the CLI wrote."""
    out = tmp_path / "pred.jsonl"
    fp.predict_files([articles], out, [stance_model, frame_model], progress=False)
    every = [r for r in fp.iter_prediction_rows(out) if r["actor"]]
    in_article: dict[tuple, set] = {}  # (article, sentence) -> {(actor, start, end)}
    for r in every:
        key = (r["article_id"], r["sentence_index"])
        in_article.setdefault(key, set()).update((r["actor"], *span) for span in r["mentions"])
    segmenter = stance_model.segmenter

    def alone(text: str) -> set:  # the API's path: the segmenter's matching, no date
        (sentence,) = segmenter.match([Sentence("", 0, 0, len(text), text)], text)
        return {(m.actor, m.start, m.end) for m in sentence.mentions if m.is_actor}

    # a lone sentence has no article around it: no date for dated aliases ("the
    # government" after December 2024), no antecedent for carry-over references; the
    # pairs of sentences whose mentions need no context must get the CLI's probabilities
    rows = [
        r
        for r in every
        if in_article[(r["article_id"], r["sentence_index"])] == alone(r["sentence"])
    ][:40]
    assert len(rows) >= 30
    df = stance_model.predict_proba(
        [r["sentence"] for r in rows], actors=[[r["actor"]] for r in rows]
    )
    np.testing.assert_allclose(
        df["p_positive"].to_numpy(), [r["p_positive"] for r in rows], atol=1e-6
    )
    assert list(df["mentions"]) == [r["mentions"] for r in rows]


def test_version_mismatch_warns(stance_run, monkeypatch):
    monkeypatch.setattr(framing_model, "package_version", lambda: "99.0")
    with pytest.warns(framing.ModelVersionWarning, match="trained with framing"):
        model = framing.load_model(stance_run)
    assert model.trained_with != "99.0"


def test_model_saved_without_actors_uses_the_packaged_lexicon(tmp_path, stance_run, caplog):
    """A model saved with an empty actor config (a public-set benchmark) still predicts."""
    copy = tmp_path / "model"
    shutil.copytree(stance_run / "model", copy)
    manifest = json.loads((copy / "manifest.json").read_text(encoding="utf-8"))
    manifest["actors"] = {}
    (copy / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    with caplog.at_level(logging.WARNING, logger="framing"):
        model = framing.load_model(copy)
        assert set(model.actors) == {"Russia", "HTS", "Assad"}
    assert "no actor config" in caplog.text
    assert len(model.predict(["Russia praised HTS."])) == 2


def test_untrusted_model_is_refused(tmp_path, stance_run):
    import skops.io as sio
    from sklearn.dummy import DummyClassifier
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import FunctionTransformer

    bad = tmp_path / "model"
    bad.mkdir()
    shutil.copy(stance_run / "model" / "manifest.json", bad / "manifest.json")
    evil = Pipeline([("f", FunctionTransformer(func=os.getcwd)), ("clf", DummyClassifier())])
    sio.dump(evil, bad / "model.skops")
    with pytest.raises(ValueError, match="untrusted"):
        framing.load_model(tmp_path)
    with pytest.raises(FileNotFoundError):
        framing.load_model(tmp_path / "nowhere")


def test_analyze_articles_accepts_many_kinds(tmp_path, stance_model, frame_model, articles):
    arts = [a for a in read_articles([articles]) if isinstance(a, Article)]
    txt = tmp_path / "one.txt"
    txt.write_text(arts[3].text, encoding="utf-8")
    jsonl = tmp_path / "two.jsonl"
    jsonl.write_text(json.dumps(arts[4].to_record()) + "\n", encoding="utf-8")
    inputs = [
        arts[0],  # an Article
        {"id": "d1", "text": arts[1].text, "source": "Dict Daily", "date": "2025-03-01"},
        {"text": "Assad spoke."},  # no id: its position
        {"id": "x", "title": "no text"},  # bad: no text
    ]
    df = framing.analyze_articles(
        inputs,
        stance_model=stance_model,
        frame_model=frame_model,
        paths=[txt, str(jsonl)],  # a Path and a string naming a file
        texts=[arts[2].text, ""],  # plain text: its id is its position; bad: empty
    )
    assert isinstance(df, pd.DataFrame)
    assert list(df.columns) == fp.output_fields(stance_model, frame_model)
    assert list(dict.fromkeys(df["article_id"])) == [arts[0].id, "d1", "2", "one", arts[4].id, "0"]
    assert set(df[df["article_id"] == "d1"]["source"]) == {"Dict Daily"}
    errors = df.attrs["errors"]
    assert [e["where"] for e in errors] == ["articles[3]", "texts[1]"]
    # the same rows as the command line for the same article
    out = tmp_path / "pred.jsonl"
    fp.predict_files([txt], out, [stance_model, frame_model], progress=False)
    cli = list(fp.iter_prediction_rows(out))
    api = df[df["article_id"] == "one"].to_dict(orient="records")
    assert [{k: (None if v is np.nan or v != v else v) for k, v in r.items()} for r in api] == cli
    # one model is enough; a model path works too
    only = framing.analyze_articles(arts[0], frame_model=frame_model.path)
    assert "stance" not in only
    joint = df[df["article_id"] == arts[0].id].drop_duplicates("sentence_index")
    assert list(only["frame"]) == list(joint["frame"])
    with pytest.raises(ValueError):
        framing.analyze_articles([arts[0]])  # no model
    # paths and texts are told apart by the parameter, never guessed
    missing = tmp_path / "Russia and HTS" / "no_such.txt"
    with pytest.raises(FileNotFoundError, match="no_such.txt"):
        framing.analyze_articles(paths=[txt, missing], stance_model=stance_model)
    with pytest.raises(TypeError, match="paths="):
        framing.analyze_articles(str(missing), stance_model=stance_model)
    with pytest.raises(TypeError, match="texts="):
        framing.analyze_articles([arts[0], "Russia sent aid."], stance_model=stance_model)
    with pytest.raises(ValueError):
        framing.analyze_articles([arts[0]], stance_model=frame_model)  # wrong task


def test_analyze_articles_reads_files_with_the_columns_given(tmp_path, stance_model):
    from framing.readers import Columns

    csv_path = tmp_path / "win.csv"
    body = "Russia’s envoy said the base would stay – HTS objected."
    csv_path.write_bytes(f"url;body\r\nu1;{body}\r\n".encode("cp1252"))
    columns = Columns(id="url", text="body", encoding="cp1252")
    df = framing.analyze_articles(paths=[csv_path], stance_model=stance_model, columns=columns)
    assert df.attrs["errors"] == [] and set(df["article_id"]) == {"u1"}
    assert set(df["sentence"]) == {body}
    # the dicts given as articles are read with the same field names
    df = framing.analyze_articles([{"url": "d1", "body": body}], stance_model, columns=columns)
    assert set(df["article_id"]) == {"d1"}
    # without them: one error naming the row, nothing predicted
    df = framing.analyze_articles(paths=[csv_path], stance_model=stance_model)
    assert df.empty and "--encoding" in df.attrs["errors"][0]["reason"]
