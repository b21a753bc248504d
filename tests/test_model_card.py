"""Model cards, ``transformers.pipeline`` on saved folders, ``framing card`` and ``framing push``."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("transformers")

from run_helpers import trained_run  # noqa: E402
from test_models_hf import LABELS, SENTENCES, _examples, _model, tiny_checkpoint  # noqa: E402,F401

from framing.cli import main  # noqa: E402
from framing.models import load_saved_model, save_model  # noqa: E402

ACTORS = {
    "name": "tiny",
    "actors": {
        "Russia": {"aliases": ["Russia", "Moscow", "the Kremlin"]},
        "HTS": {"aliases": ["HTS", "al-Sharaa"]},
        "Assad": {"aliases": ["Assad"]},
    },
}


def _save_in_run(model, run: Path, n: int) -> Path:
    """Save ``model`` as ``run/model`` next to a run's ``metrics.json`` with scores."""
    save_model(model, run / "model", actors=ACTORS, splitter="sentencex", n_train=n)
    metrics = {
        "status": "complete",
        "task": "stance",
        "model": "transformer",
        "data": "tiny",
        "split": "kfold",
        "seed": 3,
        "overall": {
            "n": n,
            "macro_f1": 0.5,
            "accuracy": 0.6,
            "f1_pn": 0.55,
            "macro_f1_ci": {"low": 0.41, "high": 0.58, "n_boot": 50, "level": 0.95},
            "per_class": {
                lab: {"precision": 0.5, "recall": 0.5, "f1": 0.5, "support": 4} for lab in LABELS
            },
            "per_actor": {"Russia": {"macro_f1": 0.52, "n": 20}},
        },
        "environment": {"git": {"commit": "a" * 40, "dirty": True}, "python": "3.x"},
    }
    (run / "metrics.json").write_text(json.dumps(metrics), encoding="utf-8")
    assert main(["card", str(run)]) == 0
    return run / "model"


def test_pair_model_card_and_pipeline_give_framing_labels(tiny_checkpoint, tmp_path):  # noqa: F811
    from huggingface_hub import ModelCard
    from transformers import pipeline

    import framing

    data = _examples()
    saved = _save_in_run(
        _model(tiny_checkpoint, input_format="pair").fit(data), tmp_path / "run", 48
    )
    card = ModelCard.load(saved / "README.md")
    meta = card.data.to_dict()
    assert meta["pipeline_tag"] == "text-classification"
    assert meta["library_name"] == "transformers" and meta["language"] == "en"
    assert meta["metrics"] == ["f1", "accuracy"] and meta["datasets"] == ["tiny"]
    results = meta["model-index"][0]["results"]
    assert {m["type"]: m["value"] for r in results for m in r["metrics"]} == {
        "f1": 0.5,
        "accuracy": 0.6,
    }
    text = card.text
    assert '`{"text": actor, "text_pair": sentence}`' in text
    assert "0.500 [0.410, 0.580] (95% bootstrap, 50 draws)" in text
    assert all(f"| {i} | {lab} |" in text for i, lab in enumerate(LABELS))
    assert "data/README.md" in text and "a" * 40 in text and "uncommitted" in text

    sentences = [s for s, _, _ in SENTENCES] * 2
    actors = [a for _, a, b in SENTENCES] + [b for _, a, b in SENTENCES]
    classify = pipeline("text-classification", model=str(saved), device="cpu")
    piped = classify([{"text": a, "text_pair": s} for s, a in zip(sentences, actors, strict=True)])
    ours = framing.load_model(saved).predict(sentences, actors=[[a] for a in actors])
    assert [p["label"] for p in piped] == list(ours["stance"])
    proba = ours[[f"p_{lab}" for lab in LABELS]].to_numpy()
    # the pipeline knows no temperature: its scores are framing's before scaling
    from framing.calibration import undo_temperature

    raw = undo_temperature(proba, framing.load_model(saved).model.temperature)
    np.testing.assert_allclose([p["score"] for p in piped], raw.max(axis=1), atol=1e-5)


def test_mean_pooling_folder_is_refused_by_pipeline_and_loads_in_framing(
    tiny_checkpoint,  # noqa: F811
    tmp_path,
):
    from transformers import AutoModelForSequenceClassification, pipeline

    data = _examples(24)
    model = _model(tiny_checkpoint, input_format="pair", pooling="mean", epochs=1).fit(data)
    proba = model.predict_proba(data)
    saved = _save_in_run(model, tmp_path / "run", 24)
    config = json.loads((saved / "config.json").read_text())
    assert config["model_type"] == "framing-mean-pooling"
    with pytest.raises(ValueError, match="framing-mean-pooling"):
        pipeline("text-classification", model=str(saved), device="cpu")
    with pytest.raises(ValueError, match="framing-mean-pooling"):
        AutoModelForSequenceClassification.from_pretrained(saved)
    again, _ = load_saved_model(saved)
    np.testing.assert_allclose(again.predict_proba(data), proba, atol=1e-6)
    text = (saved / "README.md").read_text(encoding="utf-8")
    assert "library_name: framing" in text and "refuses it" in text


def test_card_command_and_push_to_a_stand_in_hub(tmp_path_factory, monkeypatch, capsys):
    import huggingface_hub

    run = trained_run(tmp_path_factory.getbasetemp(), "stance")
    card = run / "model" / "README.md"
    card.unlink(missing_ok=True)
    assert main(["card", str(run)]) == 0
    text = card.read_text(encoding="utf-8")
    metrics = json.loads((run / "metrics.json").read_text(encoding="utf-8"))
    assert text.startswith("---\n") and "library_name: framing" in text
    assert f"{metrics['overall']['macro_f1']:.3f} [" in text
    assert "skops" in text and "Stance of a news sentence" in text

    calls: list[tuple[str, dict]] = []

    class FakeApi:
        def create_repo(self, repo_id, **kw):
            calls.append(("create_repo", {"repo_id": repo_id, **kw}))

        def upload_folder(self, **kw):
            files = sorted(p.name for p in Path(kw["folder_path"]).iterdir())
            calls.append(("upload_folder", {**kw, "files": files}))
            return type("Info", (), {"commit_url": "https://hub.example/commit/1"})()

    monkeypatch.setattr(huggingface_hub, "HfApi", FakeApi)
    capsys.readouterr()
    assert main(["push", str(run), "me/framing-stance", "--private"]) == 0
    assert capsys.readouterr().out.strip() == "https://hub.example/commit/1"
    assert [c[0] for c in calls] == ["create_repo", "upload_folder"]
    assert calls[0][1]["repo_id"] == "me/framing-stance" and calls[0][1]["private"] is True
    assert calls[0][1]["exist_ok"] is True
    upload = calls[1][1]
    assert Path(upload["folder_path"]) == run / "model" and upload["repo_id"] == "me/framing-stance"
    assert {"README.md", "manifest.json"} <= set(upload["files"])


def test_push_of_a_missing_folder_is_one_line(tmp_path, caplog):
    assert main(["push", str(tmp_path / "nope"), "me/x"]) == 2
    assert "nope" in caplog.text
