"""``framing ensemble``: saved models averaged into one saved model folder."""

from __future__ import annotations

import json

import numpy as np
import pytest
from datasets import Dataset
from run_helpers import stance_dataset
from sklearn.dummy import DummyClassifier
from sklearn.linear_model import LogisticRegression

from framing.cli import main
from framing.ensemble_command import build_ensemble
from framing.models import MANIFEST, load_saved_model, save_model
from framing.models.sklearn import SklearnModel

STANCE = ["negative", "neutral", "positive"]
ITEMS = [
    ("Russia was condemned for the strikes.", "Russia", "negative"),
    ("HTS was praised for opening the roads.", "HTS", "positive"),
    ("Assad officials were seen at the airport.", "Assad", "neutral"),
    ("Russia was thanked for the aid.", "Russia", "positive"),
    ("HTS was accused of reprisals.", "HTS", "negative"),
    ("Russia officials met reporters.", "Russia", "neutral"),
]


def _examples() -> Dataset:
    return stance_dataset(ITEMS, per_article=2)


@pytest.fixture
def saved(tmp_path):
    out = []
    for name, clf, actors in (
        ("lr", LogisticRegression(C=5.0, max_iter=500), {"name": "a"}),
        ("prior", DummyClassifier(strategy="prior"), {"name": "b"}),
    ):
        model = SklearnModel(clf, name=name, target_marking="replace", labels=STANCE)
        model.fit(_examples())
        out.append(save_model(model, tmp_path / name, actors=actors, splitter="t", n_train=6))
    return out


def test_the_command_saves_a_weighted_average_that_loads(tmp_path, saved, caplog):
    out = tmp_path / "runs" / "both"
    code = main(["ensemble", str(saved[0]), str(saved[1]), "--weights", "3", "1", "-o", str(out)])
    assert code == 0
    manifest = json.loads((out / MANIFEST).read_text())
    assert manifest["kind"] == "ensemble" and manifest["actors"] == {"name": "a"}
    assert "actor config differs" in caplog.text  # the second member's lexicon is not used
    ensemble, _ = load_saved_model(out)
    members = [load_saved_model(p)[0] for p in saved]
    x = _examples()
    expected = (3 * members[0].predict_proba(x) + members[1].predict_proba(x)) / 4
    np.testing.assert_allclose(ensemble.predict_proba(x), expected, rtol=1e-6)
    assert not [p for p in out.parent.iterdir() if p.name.startswith(".")]  # no staging left


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["ONE"], "at least two saved models"),
        (["ONE", "TWO", "--weights", "1"], "weights"),
        (["ONE", "missing"], "no manifest.json"),
    ],
)
def test_bad_ensembles_are_one_line_errors(tmp_path, saved, caplog, args, message):
    names = {"ONE": str(saved[0]), "TWO": str(saved[1]), "missing": str(tmp_path / "nope")}
    argv = ["ensemble", *(names.get(a, a) for a in args), "-o", str(tmp_path / "e")]
    assert main(argv) == 2
    assert message in caplog.text
    assert not (tmp_path / "e").exists()


def test_an_occupied_output_is_refused(tmp_path, saved):
    (tmp_path / "e").mkdir()
    (tmp_path / "e" / "keep.txt").write_text("x")
    with pytest.raises(ValueError, match="not an empty folder"):
        build_ensemble(saved, tmp_path / "e")
    assert (tmp_path / "e" / "keep.txt").read_text() == "x"
