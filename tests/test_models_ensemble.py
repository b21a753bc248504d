"""Ensembles of saved models (framing.models.ensemble): tiny scikit-learn members."""

from __future__ import annotations

import json

import numpy as np
import pytest
from datasets import Dataset
from sklearn.dummy import DummyClassifier
from sklearn.linear_model import LogisticRegression

from framing.models import MANIFEST, load_saved_model, save_model
from framing.models.ensemble import EnsembleModel
from framing.models.safe_load import ModelFolderError
from framing.models.sklearn import SklearnModel
from framing.tasks import example_features

STANCE = ["negative", "neutral", "positive"]
ITEMS = [
    ("Russia was condemned for the strikes on the town.", "Russia", "negative"),
    ("HTS was praised for opening the roads.", "HTS", "positive"),
    ("Assad officials were seen at the airport.", "Assad", "neutral"),
    ("Russia was thanked for the aid convoy.", "Russia", "positive"),
    ("HTS was accused of reprisals in the villages.", "HTS", "negative"),
    ("Russia officials met reporters on Monday.", "Russia", "neutral"),
    ("Assad was blamed for the massacres.", "Assad", "negative"),
    ("Assad was welcomed by the crowd.", "Assad", "positive"),
    ("HTS fighters stood at the border on Tuesday.", "HTS", "neutral"),
]


def _examples() -> Dataset:
    rows = []
    for i, (sentence, actor, label) in enumerate(ITEMS):
        start = sentence.index(actor)
        rows.append(
            {
                "example_id": f"s{i}",
                "article_id": f"a{i // 3}",
                "sentence_index": i % 3,
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


def _saved(tmp_path, name: str, classifier, labels=STANCE, marking="replace"):
    model = SklearnModel(classifier, name=name, target_marking=marking, labels=labels)
    examples = _examples()
    if labels != STANCE:
        flip = {"negative": "positive", "positive": "negative", "neutral": "neutral"}
        examples = examples.map(lambda r: {"label": flip[r["label"]]})
    model.fit(examples)
    return save_model(model, tmp_path / name, actors={}, splitter="test", n_train=len(examples))


@pytest.fixture
def members(tmp_path):
    return [
        _saved(tmp_path, "lr", LogisticRegression(C=5.0, max_iter=500)),
        _saved(tmp_path, "prior", DummyClassifier(strategy="prior"), marking="none"),
    ]


def test_average_is_exact_and_weighted(members):
    examples = _examples()
    a, b = (load_saved_model(m)[0].predict_proba(examples) for m in members)
    assert not np.allclose(a, b)
    plain = EnsembleModel.from_saved(members)
    np.testing.assert_allclose(plain.predict_proba(examples), (a + b) / 2, rtol=0, atol=1e-12)
    weighted = EnsembleModel.from_saved(members, weights=[3, 1])
    np.testing.assert_allclose(
        weighted.predict_proba(examples), 0.75 * a + 0.25 * b, rtol=0, atol=1e-12
    )


def test_label_mismatch_is_refused(tmp_path, members):
    other = _saved(tmp_path, "reordered", LogisticRegression(max_iter=500), labels=STANCE[::-1])
    with pytest.raises(ValueError, match=r"member 1 \(reordered\) has labels") as err:
        EnsembleModel.from_saved([members[0], other])
    assert "\n" not in str(err.value)


def test_bad_weights_are_refused(members):
    with pytest.raises(ValueError, match="one non-negative number per member"):
        EnsembleModel.from_saved(members, weights=[1.0])


def test_save_load_round_trip_is_self_contained(tmp_path, members):
    examples = _examples()
    ensemble = EnsembleModel.from_saved(members, weights=[2, 1], name="pair")
    out = save_model(ensemble, tmp_path / "ens", actors={}, splitter="test", n_train=0)
    manifest = json.loads((out / MANIFEST).read_text())
    assert manifest["kind"] == "ensemble"
    assert [m["path"] for m in manifest["model"]["members"]] == ["members/0-lr", "members/1-prior"]
    before = ensemble.predict_proba(examples)
    for m in members:  # the copies, not the originals, are read back
        for f in m.iterdir():
            f.unlink()
        m.rmdir()
    loaded, _ = load_saved_model(out)
    assert isinstance(loaded, EnsembleModel)
    assert loaded.weights == [2.0, 1.0] and loaded.labels == STANCE
    np.testing.assert_allclose(loaded.predict_proba(examples), before, rtol=0, atol=1e-12)
    # saving the loaded ensemble elsewhere copies its members again
    again = save_model(loaded, tmp_path / "ens2", actors={}, splitter="test", n_train=0)
    np.testing.assert_allclose(
        load_saved_model(again)[0].predict_proba(examples), before, rtol=0, atol=1e-12
    )


def test_member_outside_the_folder_is_refused(tmp_path, members):
    out = save_model(
        EnsembleModel.from_saved(members), tmp_path / "ens", actors={}, splitter="t", n_train=0
    )
    manifest = json.loads((out / MANIFEST).read_text())
    manifest["model"]["members"][0]["path"] = str(members[0])
    (out / MANIFEST).write_text(json.dumps(manifest))
    with pytest.raises(ModelFolderError, match="lies outside the folder"):
        load_saved_model(out)
