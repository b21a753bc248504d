"""scikit-learn baselines (framing.models.sklearn) and target-aware inputs (features)."""

from __future__ import annotations

import json

import numpy as np
import pytest
from datasets import Dataset
from hydra.utils import instantiate
from run_helpers import compose_cfg, contrast_sentences
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.dummy import DummyClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline

from framing.models import MANIFEST, load_saved_model, read_manifest, save_model
from framing.models.features import (
    NO_MENTION,
    OTHER_TOKEN,
    TARGET_TOKEN,
    as_label_matrix,
    context_window,
    mark_sentence,
)
from framing.models.sklearn import MODEL_FILE, SklearnModel, VaderStance
from framing.tasks import example_features

STANCE = ["negative", "neutral", "positive"]
FRAMES = ["political", "economic", "security_and_defense"]


class Shady(BaseEstimator, TransformerMixin):
    """A custom step skops does not trust (stands for anything from an unknown source)."""

    def fit(self, X, y=None):
        return self

    def transform(self, X):
        return np.zeros((len(X), 1))


def _stance_rows(items):
    rows = []
    for i, (sentence, stance) in enumerate(items):
        for actor, label in stance.items():
            start = sentence.index(actor)
            other = [[sentence.index(a), sentence.index(a) + len(a)] for a in stance if a != actor]
            rows.append(
                {
                    "example_id": f"s{i}:{actor}",
                    "article_id": f"art{i // 4}",
                    "sentence_index": i % 4,
                    "start": 0,
                    "end": len(sentence),
                    "sentence": sentence,
                    "actor": actor,
                    "target_spans": [[start, start + len(actor)]],
                    "other_spans": other,
                    "actors_in_sentence": sorted(stance),
                    "n_actors": len(stance),
                    "source": "",
                    "date": "",
                    "label": label,
                }
            )
    return Dataset.from_list(rows, features=example_features("stance"))


NEUTRAL_ITEMS = [
    (f"Reporters saw {a} officials at the {place} on {day}.", {a: "neutral"})
    for a, place, day in [
        ("Russia", "airport", "Monday"),
        ("HTS", "border", "Tuesday"),
        ("Assad", "palace", "Friday"),
        ("Russia", "port", "Sunday"),
        ("HTS", "market", "Monday"),
        ("Assad", "airport", "Tuesday"),
    ]
]


@pytest.fixture(scope="module")
def stance_examples() -> Dataset:
    return _stance_rows(contrast_sentences() + NEUTRAL_ITEMS)


def _frame_rows(items) -> Dataset:
    """Multi-label framing examples from (sentence, frames) items, two per article."""
    rows = [
        {
            "example_id": f"f{i}",
            "article_id": f"art{i // 2}",
            "sentence_index": i % 2,
            "start": 0,
            "end": len(t),
            "sentence": t,
            "actor": "",
            "target_spans": [],
            "other_spans": [],
            "actors_in_sentence": [],
            "n_actors": 0,
            "source": "",
            "date": "",
            "label": labels,
        }
        for i, (t, labels) in enumerate(items)
    ]
    return Dataset.from_list(rows, features=example_features("framing", multilabel=True))


@pytest.fixture(scope="module")
def frame_examples() -> Dataset:
    texts = [
        ("Parliament voted on the new election law.", ["political"]),
        ("The ministry announced budget cuts and new taxes.", ["economic"]),
        ("Troops shelled the town overnight.", ["security_and_defense"]),
        ("The party leader resigned after the vote.", ["political"]),
        ("Prices of bread rose sharply in the markets.", ["economic"]),
        ("Militias attacked a checkpoint near the border.", ["security_and_defense"]),
        ("The vote on sanctions split the cabinet and hit trade.", ["political", "economic"]),
        ("Army spending ate the budget.", ["economic", "security_and_defense"]),
        ("Opposition parties demanded a new vote.", ["political"]),
        ("Airstrikes hit the airport.", ["security_and_defense"]),
    ]
    return _frame_rows(texts)


def make_model(name: str, task="stance", labels=STANCE, multilabel=False, *overrides):
    cfg = compose_cfg(f"model={name}", *overrides)
    return instantiate(
        cfg.model, task=task, labels=list(labels), multilabel=multilabel, _convert_="all"
    )


# ---------------------------------------------------------------------------
def test_majority_predicts_training_priors(stance_examples):
    model = make_model("majority")
    assert model.fit(stance_examples) is model
    proba = model.predict_proba(stance_examples)
    assert proba.shape == (len(stance_examples), 3)
    labels = stance_examples["label"]
    priors = [labels.count(lab) / len(labels) for lab in STANCE]
    assert np.allclose(proba, np.tile(priors, (len(labels), 1)))


def test_probability_columns_follow_the_label_order_and_missing_labels_get_zero(
    stance_examples,
):
    order = ["positive", "sarcastic", "negative", "neutral"]
    model = make_model("majority", "stance", order)
    proba = model.fit(stance_examples).predict_proba(stance_examples)
    labels = stance_examples["label"]
    assert proba.shape == (len(labels), 4)
    assert np.allclose(proba[0], [labels.count(lab) / len(labels) for lab in order])
    assert np.all(proba[:, 1] == 0)


def test_predict_before_fit_raises(stance_examples):
    with pytest.raises(RuntimeError, match="not fitted"):
        make_model("majority").predict_proba(stance_examples)


def test_vader_needs_no_training_and_reads_the_target_window():
    items = [
        ("Everyone loved the wonderful, brilliant Russia plan.", {"Russia": "positive"}),
        ("Everyone hated the terrible, disgusting HTS plan.", {"HTS": "negative"}),
        ("The Assad convoy drove north.", {"Assad": "neutral"}),
    ]
    ex = _stance_rows(items)
    model = make_model("vader")
    assert isinstance(model.classifier, VaderStance)
    proba = model.fit(ex).predict_proba(ex)
    assert proba.shape == (3, 3)
    assert np.allclose(proba.sum(axis=1), 1)
    assert [STANCE[j] for j in proba.argmax(axis=1)] == ["positive", "negative", "neutral"]


def test_tfidf_svm_fit_predict_shapes(stance_examples):
    model = make_model("tfidf_svm")
    proba = model.fit(stance_examples).predict_proba(stance_examples)
    assert proba.shape == (len(stance_examples), 3)
    assert np.allclose(proba.sum(axis=1), 1)
    assert np.all((proba >= 0) & (proba <= 1))


def test_tfidf_svm_calibrates_on_shuffled_seeded_folds(caplog):
    """Unshuffled folds follow the file's order (SemEval-2016's training file is sorted by
    target): the calibration folds are a shuffled StratifiedKFold seeded by the run's seed."""
    from sklearn.model_selection import StratifiedKFold

    y = ["negative"] * 6 + ["neutral"] * 6 + ["positive"] * 6
    cv = make_model("tfidf_svm").build(y).named_steps["clf"].cv
    assert isinstance(cv, StratifiedKFold) and cv.shuffle and cv.n_splits == 3
    assert cv.random_state == compose_cfg().seed
    assert (
        make_model("tfidf_svm", "stance", STANCE, False, "seed=5").classifier.cv.random_state == 5
    )
    # a rare class: fewer folds, same shuffling, the configured splitter left as it was
    model = make_model("tfidf_svm")
    rare = model.build(["negative"] * 2 + ["positive"] * 9).named_steps["clf"].cv
    assert rare.n_splits == 2 and rare.shuffle and model.classifier.cv.n_splits == 3
    # a bare number of folds still works, with a warning that its folds are unshuffled
    model.classifier.set_params(cv=3)
    with caplog.at_level("WARNING", logger="framing.models.sklearn"):
        assert model.build(y).named_steps["clf"].cv == 3
    assert "unshuffled folds" in caplog.text


def test_tfidf_svm_calibration_folds_keep_articles_together(stance_examples, tmp_path):
    """With article ids, calibration folds are a shuffled, seeded StratifiedGroupKFold: no
    article has sentences on both sides of a fold; the saved model keeps the splitter."""
    from sklearn.model_selection import StratifiedKFold

    y = list(stance_examples["label"])
    groups = list(stance_examples["article_id"])
    model = make_model("tfidf_svm")
    clf = model.build(y, groups).named_steps["clf"]
    assert isinstance(clf.cv, list) and len(clf.cv) == 3
    for train, test in clf.cv:
        assert not {groups[i] for i in train} & {groups[i] for i in test}
    again = make_model("tfidf_svm").build(y, groups).named_steps["clf"].cv
    assert all((a[1] == b[1]).all() for a, b in zip(clf.cv, again, strict=True))  # seeded
    model.fit(stance_examples)
    assert isinstance(model.pipeline.named_steps["clf"].cv, StratifiedKFold)
    model.save(tmp_path / "m")
    # without article ids (SemEval) the shuffled StratifiedKFold is used as configured
    assert isinstance(make_model("tfidf_svm").build(y).named_steps["clf"].cv, StratifiedKFold)


def test_tfidf_logreg_params_and_save_load_roundtrip(stance_examples, tmp_path):
    model = make_model("tfidf_logreg")
    params = model.params()
    assert params["name"] == "tfidf_logreg"
    assert params["target_marking"] == "replace" and params["window"] == 5
    assert params["actor_feature"] is True
    assert params["classifier"] == "LogisticRegression"
    proba = model.fit(stance_examples).predict_proba(stance_examples)
    save_model(model, tmp_path / "m", actors={"name": "x"}, splitter="sentencex", n_train=5)
    assert (tmp_path / "m" / MODEL_FILE).is_file()
    manifest = read_manifest(tmp_path / "m")
    assert manifest["kind"] == "sklearn" and manifest["task"] == "stance"
    assert manifest["labels"] == STANCE
    assert manifest["input_format"] == {"splitter": "sentencex", "target_marking": "replace"}
    assert manifest["n_train_examples"] == 5
    loaded, manifest2 = load_saved_model(tmp_path / "m")
    assert manifest2 == manifest
    assert loaded.labels == STANCE and loaded.target_marking == "replace"
    assert np.array_equal(loaded.predict_proba(stance_examples), proba)


@pytest.mark.parametrize(
    "name",
    [
        "majority",
        "vader",
        "tfidf_logreg_blind",
        "tfidf_svm",
    ],
)
def test_saved_model_reloads_with_identical_probabilities(name, stance_examples, tmp_path):
    model = make_model(name)
    proba = model.fit(stance_examples).predict_proba(stance_examples)
    assert proba.shape == (len(stance_examples), 3)
    assert np.allclose(proba.sum(axis=1), 1)
    save_model(model, tmp_path, actors={}, splitter="sentencex", n_train=len(stance_examples))
    loaded, manifest = load_saved_model(tmp_path)
    assert manifest["model"]["name"] == name
    assert np.array_equal(loaded.predict_proba(stance_examples), proba)


def test_target_marking_none_with_default_window_fits(stance_examples):
    model = make_model("tfidf_logreg", "stance", STANCE, False, "model.target_marking=none")
    assert model.target_marking == "none" and model.window == 5
    proba = model.fit(stance_examples).predict_proba(stance_examples)
    assert proba.shape == (len(stance_examples), 3)


def test_framing_task_switches_target_features_off():
    model = make_model("tfidf_logreg", "framing", FRAMES)
    assert model.target_marking == "none" and model.window == 0
    assert model.actor_feature is False


@pytest.mark.parametrize("name", ["tfidf_logreg", "majority"])
def test_multilabel_fit_predict_and_roundtrip(name, frame_examples, tmp_path):
    model = make_model(name, "framing", FRAMES, True)
    model.fit(frame_examples)
    proba = model.predict_proba(frame_examples)
    assert proba.shape == (len(frame_examples), len(FRAMES))
    assert np.all((proba >= 0) & (proba <= 1))
    if name == "tfidf_logreg":  # learns something: each gold label beats 0.5 on training data
        for row, labels in zip(proba, frame_examples["label"], strict=True):
            assert {FRAMES[j] for j in np.flatnonzero(row >= 0.5)} == set(labels)
    save_model(model, tmp_path / "m", actors={}, splitter="sentencex", n_train=10)
    loaded, manifest = load_saved_model(tmp_path / "m")
    assert manifest["multilabel"] is True and loaded.multilabel
    assert np.array_equal(loaded.predict_proba(frame_examples), proba)


def test_bad_model_options_are_value_errors():
    with pytest.raises(ValueError, match="unknown features"):
        SklearnModel(LogisticRegression(), features="bag")
    with pytest.raises(ValueError, match="unknown target_marking"):
        SklearnModel(LogisticRegression(), target_marking="bold")


def test_skops_load_refuses_untrusted_types(stance_examples, tmp_path):
    import skops.io as sio

    from framing.models.features import examples_frame

    pipe = Pipeline([("shady", Shady()), ("clf", DummyClassifier())])
    pipe.fit(examples_frame(stance_examples), stance_examples["label"])
    folder = tmp_path / "evil"
    folder.mkdir()
    sio.dump(pipe, folder / MODEL_FILE)
    manifest = {"kind": "sklearn", "task": "stance", "labels": STANCE, "model": {}}
    (folder / MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
    with pytest.raises(ValueError, match="untrusted") as info:
        load_saved_model(folder)
    assert "Shady" in str(info.value)
    with pytest.raises(ValueError, match="untrusted"):
        SklearnModel.load(folder, manifest)


def test_load_saved_model_errors(tmp_path):
    with pytest.raises(FileNotFoundError, match="manifest.json"):
        load_saved_model(tmp_path)
    (tmp_path / MANIFEST).write_text(json.dumps({"kind": "abacus"}), encoding="utf-8")
    with pytest.raises(ValueError, match="unknown model kind 'abacus'"):
        load_saved_model(tmp_path)


# ---------------------------------------------------------------------------
SENT = "Officials praised Russia but condemned HTS."
RUSSIA, HTS = [[18, 24]], [[39, 42]]


def test_mark_sentence_replace_wrap_none():
    assert mark_sentence(SENT, RUSSIA, HTS, "replace") == (
        f"Officials praised {TARGET_TOKEN} but condemned {OTHER_TOKEN}."
    )
    assert mark_sentence(SENT, HTS, RUSSIA, "replace") == (
        f"Officials praised {OTHER_TOKEN} but condemned {TARGET_TOKEN}."
    )
    assert mark_sentence(SENT, RUSSIA, HTS, "wrap") == (
        "Officials praised <t> Russia </t> but condemned <o> HTS </o>."
    )
    assert mark_sentence(SENT, RUSSIA, HTS, "none") == SENT
    with pytest.raises(ValueError, match="unknown target marking"):
        mark_sentence(SENT, RUSSIA, HTS, "bold")


def test_mark_sentence_keeps_first_of_overlapping_spans():
    assert mark_sentence(SENT, [[18, 24]], [[20, 30]], "replace") == (
        f"Officials praised {TARGET_TOKEN} but condemned HTS."
    )


def test_context_window():
    assert context_window(SENT, RUSSIA, 2) == "L_officials L_praised R_but R_condemned"
    assert context_window(SENT, HTS, 1) == "L_condemned"
    assert context_window(SENT, [], 3) == NO_MENTION


def test_as_label_matrix_reorders_and_fills():
    proba = np.array([[0.2, 0.8], [0.6, 0.4]])
    out = as_label_matrix(proba, ["b", "a"], ["a", "c", "b"])
    assert np.array_equal(out, [[0.8, 0.0, 0.2], [0.4, 0.0, 0.6]])


def test_compact_tfidf_saves_the_vocabulary_as_arrays_and_transforms_the_same(tmp_path):
    import zipfile

    from sklearn.feature_extraction.text import TfidfVectorizer

    from framing.models.compact_tfidf import CompactTfidfVectorizer, unpack_vocabulary
    from framing.models.skops_io import dump_skops, load_skops

    docs = ["Moscow’s envoy met HTS leaders", "naïve café talks in Idlib", "the envoy left Idlib"]
    plain = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 4)).fit(docs)
    compact = CompactTfidfVectorizer(analyzer="char_wb", ngram_range=(2, 4)).fit(docs)
    dump_skops(plain, tmp_path / "plain.skops")
    dump_skops(compact, tmp_path / "compact.skops")
    loaded = load_skops(
        tmp_path / "compact.skops", ["framing.models.compact_tfidf.CompactTfidfVectorizer"]
    )
    assert loaded.vocabulary_ == plain.vocabulary_  # unicode terms exact
    np.testing.assert_allclose(loaded.transform(docs).toarray(), plain.transform(docs).toarray())
    sizes = {
        name: zipfile.ZipFile(tmp_path / f"{name}.skops").getinfo("schema.json").file_size
        for name in ("plain", "compact")
    }
    assert sizes["compact"] * 5 < sizes["plain"], sizes  # one node, not one per n-gram
    with pytest.raises(ValueError, match="disagree"):
        unpack_vocabulary(np.zeros(3, dtype=np.uint8), np.array([1, 1]), np.array([0, 1]))
    # without the framing type trusted, the file is refused, never loaded
    from framing.models.safe_load import ModelFolderError

    with pytest.raises(ModelFolderError, match="CompactTfidfVectorizer"):
        load_skops(tmp_path / "compact.skops", [])
