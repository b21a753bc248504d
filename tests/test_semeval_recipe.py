"""experiment=semeval2016: the SemEval-2016 task 6 (subtask A) recipe on tiny fixtures
written here in the official file format (ID, Target, Tweet, Stance), the training file
in Windows-1252 as the official one is."""

from __future__ import annotations

import importlib
import json
import sys
from pathlib import Path

import numpy as np
from run_helpers import compose_cfg

from framing.models import load_saved_model
from framing.models.per_target import PerTargetClassifier
from framing.run import run

TRAIN = "semeval2016-task6-trainingdata.txt"
TEST = "SemEval2016-Task6-subtaskA-testdata-gold.txt"
# per target: words that carry each stance (made up; a few per class so the calibration
# folds have every class)
WORDS = {
    "Atheism": {"AGAINST": "pray god church", "FAVOR": "reason science free", "NONE": "lunch"},
    "Hillary Clinton": {"AGAINST": "liar emails jail", "FAVOR": "ready win vote", "NONE": "rain"},
}


def _rows(per_class: int, start: int) -> list[str]:
    rows, n = [], start
    for target, by_stance in WORDS.items():
        for stance, words in by_stance.items():
            for i in range(per_class):
                rows.append(f"{n}\t{target}\t“{words}” tweet {i} – #SemST\t{stance}")
                n += 1
    return rows


def write_semeval_dir(folder: Path) -> Path:
    header = "ID\tTarget\tTweet\tStance"
    folder.mkdir(parents=True, exist_ok=True)
    train = "\n".join([header, *_rows(4, 101)]) + "\n"
    (folder / TRAIN).write_bytes(train.replace("\n", "\r\n").encode("cp1252"))
    (folder / TEST).write_text("\n".join([header, *_rows(1, 10001)]) + "\n", encoding="utf-8")
    return folder


def test_recipe_composes_with_the_official_file_names(tmp_path):
    cfg = compose_cfg("experiment=semeval2016", f"semeval_dir={tmp_path}")
    assert cfg.data.format == "semeval2016" and cfg.data.path == f"{tmp_path}/{TRAIN}"
    assert cfg.split.name == "cross_dataset"
    assert cfg.split.test_data.format == "semeval2016"
    assert cfg.split.test_data.path == f"{tmp_path}/{TEST}"
    assert cfg.model.per_actor is True and cfg.model.name == "tfidf_svm_per_target"


def test_recipe_trains_one_model_per_target_and_reports_f_avg(tmp_path):
    folder = write_semeval_dir(tmp_path / "semeval")
    cfg = compose_cfg("experiment=semeval2016", f"semeval_dir={folder}", "n_boot=20")
    metrics = run(cfg, tmp_path / "run")
    assert metrics["status"] == "complete"
    assert metrics["n_examples"] == 6 and metrics["folds"][0]["n_train"] == 4 * 6
    test = metrics["test_sets"]["test"]
    assert test["n"] == 6 and test["f1_pn"] == metrics["overall"]["f1_pn"]
    assert test["f1_pn"] == 1.0  # each target's words separate its classes
    assert set(test["per_actor"]) == set(WORDS)
    model, manifest = load_saved_model(tmp_path / "run" / "model")
    assert isinstance(model.pipeline, PerTargetClassifier)
    assert sorted(model.pipeline.estimators_) == sorted(WORDS)
    assert manifest["model"]["per_actor"] is True
    # the cp1252 training file was read as cp1252: its curly quotes are in the vocabulary
    steps = model.pipeline.estimators_["Atheism"].named_steps["features"].named_transformers_
    vocabulary = list(steps["char"].vocabulary_)
    assert any("“" in g for g in vocabulary) and not any("\ufffd" in g for g in vocabulary)


def test_cv_benchmark_scores_candidates_on_the_training_file_only(tmp_path, monkeypatch):
    """benchmarks/semeval2016_cv.py: recipes compared by CV on the training file; the test
    file is never opened (it does not exist here)."""
    monkeypatch.syspath_prepend(str(Path(__file__).resolve().parent.parent / "benchmarks"))
    cv = importlib.import_module("semeval2016_cv")
    folder = write_semeval_dir(tmp_path / "semeval")
    (folder / TEST).unlink()
    out = tmp_path / "cv.json"
    monkeypatch.setattr(
        sys,
        "argv",
        [
            "semeval2016_cv.py",
            "--data",
            str(folder),
            "--folds",
            "2",
            "--seeds",
            "1",
            "2",
            "--candidate",
            "recipe=experiment=semeval2016",
            "--candidate",
            "pooled=experiment=semeval2016 model=tfidf_svm model.actor_feature=true",
            "--out",
            str(out),
        ],
    )
    cv.main()
    result = json.loads(out.read_text(encoding="utf-8"))
    assert result["n_train"] == 4 * 6 and result["seeds"] == [1, 2]
    names = [c["name"] for c in result["candidates"]]
    assert names == ["recipe", "pooled"]
    recipe = result["candidates"][0]
    assert len(recipe["per_seed"]) == 2 and 0 <= recipe["f_avg"]["mean"] <= 100
    assert recipe["overrides"] == ["experiment=semeval2016"]


def _ensemble_script(monkeypatch):
    monkeypatch.syspath_prepend(str(Path(__file__).resolve().parent.parent / "benchmarks"))
    return importlib.import_module("semeval2016_ensemble")


def _toy_probabilities():
    """Two members' probabilities for four tweets: one right, one confidently wrong."""
    labels = ["negative", "neutral", "positive"]
    gold = ["negative", "positive", "neutral", "positive"]
    right = np.eye(3)[[0, 2, 1, 2]] * 0.6 + 0.4 / 3
    wrong = np.eye(3)[[2, 0, 0, 1]] * 0.9 + 0.1 / 3
    return labels, gold, right, wrong


def test_ensemble_weight_choice(monkeypatch):
    ens = _ensemble_script(monkeypatch)
    assert len(ens.weight_grid(2, 0.05)) == 21 and len(ens.weight_grid(3, 0.5)) == 6
    assert all(abs(sum(w) - 1) < 1e-9 for w in ens.weight_grid(3, 0.1))
    labels, gold, right, wrong = _toy_probabilities()
    weights, table = ens.choose_weights([right, wrong], gold, labels, 0.25)
    assert len(table) == 5
    # the wrong member is more confident: only weights up to 0.25 on it keep every answer
    # right; of those, the one nearest to equal weights is chosen
    assert weights == (0.75, 0.25)
    assert ens.choose_weights([right, right], gold, labels, 0.25)[0] == (0.5, 0.5)


def test_ensemble_benchmark_chooses_on_dev_then_scores_test_once(tmp_path, monkeypatch):
    """benchmarks/semeval2016_ensemble.py: step 1 never opens the test file (absent here);
    step 2 retrains on the whole training file, saves the weighted ensemble, scores test."""
    from framing.models.ensemble import EnsembleModel

    ens = _ensemble_script(monkeypatch)
    folder = tmp_path / "semeval"
    folder.mkdir()
    header = "ID\tTarget\tTweet\tStance"
    (folder / TRAIN).write_bytes(("\r\n".join([header, *_rows(6, 101)]) + "\r\n").encode("cp1252"))
    cache = tmp_path / "cache"
    argv = [
        "semeval2016_ensemble.py",
        "--data",
        str(folder),
        "--cache",
        str(cache),
        "--dev-share",
        "0.25",
        "--step",
        "0.5",
        "--member",
        "svm=experiment=semeval2016",
        "--member",
        "lr=task=stance model=tfidf_logreg model.min_df=1",
    ]
    monkeypatch.setattr(sys, "argv", argv)
    ens.main()
    dev = json.loads((cache / "dev.json").read_text(encoding="utf-8"))
    assert dev["n_dev"] == 9 and len(dev["grid"]) == 3
    assert set(dev["chosen_weights"]) == {"svm", "lr"}
    assert sum(dev["chosen_weights"].values()) == 1
    assert 0 <= dev["members"]["svm"]["dev"]["f1_pn"] <= 100
    assert np.load(cache / "svm.dev.npy").shape == (9, 3)
    # --folds: every training tweet scored out of fold, selection kept apart from dev.json
    monkeypatch.setattr(sys, "argv", [*argv, "--folds", "2"])
    ens.main()
    cv = json.loads((cache / "cv2.json").read_text(encoding="utf-8"))
    assert cv["n_dev"] == 36 and cv["members"]["svm"]["split"]["folds"] == 2
    assert np.load(cache / "lr.cv2.npy").shape == (36, 3)
    assert json.loads((cache / "dev.json").read_text(encoding="utf-8")) == dev
    (folder / TEST).write_text("\n".join([header, *_rows(1, 10001)]) + "\n", encoding="utf-8")
    monkeypatch.setattr(sys, "argv", [*argv, "--test"])
    ens.main()
    test = json.loads((cache / "test.json").read_text(encoding="utf-8"))
    assert set(test["test"]) == {"svm", "lr", "ensemble"}
    assert test["test"]["svm"]["f1_pn"] == 100.0  # each target's words separate its classes
    assert np.load(cache / "ensemble.test.npy").shape == (6, 3)
    model, manifest = load_saved_model(cache / "final" / "model")
    assert isinstance(model, EnsembleModel) and manifest["n_train_examples"] == 36
    assert model.weights == [dev["chosen_weights"]["svm"], dev["chosen_weights"]["lr"]]


def test_ensemble_recipe_is_the_benchmarks_choice():
    """experiment=semeval2016_ensemble: the members and weights benchmarks/
    semeval2016_ensemble.py chose (experiment=semeval2016's SVM, model=transformer's
    defaults, 0.5 / 0.5)."""
    from omegaconf import OmegaConf

    def plain(node):
        return OmegaConf.to_container(node, resolve=True)

    cfg = compose_cfg("experiment=semeval2016_ensemble")
    svm = plain(compose_cfg("experiment=semeval2016").model)
    assert plain(cfg.model.members.svm) == {**svm, "name": "tfidf_svm_per_target"}
    assert plain(cfg.model.members.transformer) == plain(compose_cfg("model=transformer").model)
    assert plain(cfg.model.weights) == {"svm": 0.5, "transformer": 0.5}
    assert plain(cfg.split) == plain(compose_cfg("experiment=semeval2016").split)
    assert plain(cfg.data) == plain(compose_cfg("experiment=semeval2016").data)


def test_ensemble_recipe_runs_saves_and_loads(tmp_path):
    """The recipe through framing-run's run() (the MiniLM member swapped for a quick
    TF-IDF one): one saved ensemble that framing.load_model reads back, predicting what
    the run wrote."""
    import framing
    from framing.models.ensemble import EnsembleModel
    from framing.public_sets import semeval_examples

    folder = write_semeval_dir(tmp_path / "semeval")
    cfg = compose_cfg(
        "experiment=semeval2016_ensemble",
        f"semeval_dir={folder}",
        "model@model.members.transformer=tfidf_logreg",
        "n_boot=20",
    )
    metrics = run(cfg, tmp_path / "run")
    assert metrics["status"] == "complete" and metrics["model"] == "semeval2016_ensemble"
    assert metrics["test_sets"]["test"]["n"] == 6
    loaded = framing.load_model(tmp_path / "run")
    assert isinstance(loaded.model, EnsembleModel) and loaded.model.weights == [0.5, 0.5]
    assert [m.name for m in loaded.model.members] == ["svm", "transformer"]
    rows = [json.loads(line) for line in (tmp_path / "run" / "predictions.jsonl").open()]
    written = np.array([[r[f"p_{lab}"] for lab in loaded.labels] for r in rows])
    proba = loaded.model.predict_proba(semeval_examples(folder / TEST))
    np.testing.assert_allclose(proba, written, rtol=0, atol=1e-6)
