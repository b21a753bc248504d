"""Ensembles of saved models (framing.models.ensemble): tiny scikit-learn members."""

from __future__ import annotations

import json

import numpy as np
import pytest
from datasets import Dataset
from run_helpers import stance_dataset
from sklearn.dummy import DummyClassifier
from sklearn.linear_model import LogisticRegression

from framing.models import MANIFEST, load_saved_model, save_model
from framing.models.ensemble import EnsembleModel
from framing.models.safe_load import ModelFolderError
from framing.models.sklearn import SklearnModel

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
    return stance_dataset(ITEMS, per_article=3)


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


# --- built from config (EnsembleModel.from_config, framing/conf/model/ensemble.yaml) ---
def _from_config(*overrides: str):
    from run_helpers import compose_cfg

    from framing.run import instantiate_model

    cfg = compose_cfg(
        "model=ensemble",
        "model@model.members.svm=tfidf_logreg",  # two quick scikit-learn members
        "model@model.members.transformer=majority",
        *overrides,
    )
    return instantiate_model(cfg, "stance", STANCE, False)


def test_ensemble_from_config_fits_averages_saves_and_loads(tmp_path):
    import framing

    examples = _examples()
    model = _from_config("model.weights.svm=3", "model.weights.transformer=1")
    assert [m.name for m in model.members] == ["svm", "transformer"]
    assert model.weights == [3.0, 1.0]
    assert model.fit(examples) is model
    a, b = (m.predict_proba(examples) for m in model.members)  # both fitted on examples
    assert not np.allclose(a, b)
    proba = model.predict_proba(examples)
    np.testing.assert_allclose(proba, 0.75 * a + 0.25 * b, rtol=0, atol=1e-12)
    out = save_model(model, tmp_path / "ens", actors={}, splitter="test", n_train=len(examples))
    assert sorted(p.name for p in (out / "members").iterdir()) == ["0-svm", "1-transformer"]
    loaded = framing.load_model(out)
    assert isinstance(loaded.model, EnsembleModel) and loaded.model.weights == [3.0, 1.0]
    np.testing.assert_allclose(loaded.model.predict_proba(examples), proba, rtol=0, atol=1e-12)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        (["~model.weights", "+model.weights=[1.0]"], r"weights \[1\.0\] must be one non-neg"),
        (["~model.weights", "+model.weights=[1.0,-1.0]"], "one non-negative number per member"),
        (["~model.weights.transformer", "+model.weights.lr=1"], "weights name"),
        (["+model.members.bad={name: x}"], "member 'bad' is not a model config with _target_"),
    ],
)
def test_bad_ensemble_config_is_one_clear_error(overrides, message):
    from framing.run import ConfigError

    with pytest.raises(ConfigError, match=message) as err:
        _from_config(*overrides)
    assert "\n" not in str(err.value)


class _TakesValidation:
    """A toy member whose fit takes ``validation=`` (as the transformer's does)."""

    kind, task, labels, multilabel, name = "toy", "stance", STANCE, False, "toy"

    def fit(self, examples, validation=None):
        self.validation = validation
        return self


def test_fit_options_go_to_the_members_that_take_them():
    from framing.validation_data import _model_fit

    examples, dev = _examples(), _examples().select([0, 1])
    lr = SklearnModel(LogisticRegression(max_iter=500), name="lr", labels=STANCE)
    toy = _TakesValidation()
    EnsembleModel([lr, toy]).fit(examples, validation=dev)
    assert toy.validation is dev and lr.predict_proba(examples).shape == (len(examples), 3)
    with pytest.raises(ValueError, match=r"no member's fit\(\) takes validation"):
        EnsembleModel([lr, lr]).fit(examples, validation=dev)
    # split.validation_data reads fit()'s signature through the classmethod _target_
    from run_helpers import compose_cfg

    assert _model_fit(compose_cfg("model=ensemble")) is EnsembleModel.fit


def test_members_and_weights_may_be_lists():
    from framing.models.sklearn import SklearnModel as Sk

    lr = {"_target_": "framing.models.sklearn.SklearnModel", "name": "lr", "features": "none"}
    lr["classifier"] = {"_target_": "sklearn.dummy.DummyClassifier", "strategy": "prior"}
    model = EnsembleModel.from_config([lr, {**lr, "name": "lr2"}], [1, 3], labels=STANCE)
    assert [m.name for m in model.members] == ["lr", "lr2"] and model.weights == [1.0, 3.0]
    assert all(isinstance(m, Sk) and m.labels == STANCE for m in model.members)
    with pytest.raises(ValueError, match="two members are named 'lr'"):
        EnsembleModel.from_config([lr, lr], labels=STANCE)
