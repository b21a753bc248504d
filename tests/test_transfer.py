"""Two-stage transfer: model.init_from and the stages runner (experiment=stance_transfer)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

pytest.importorskip("torch")
pytest.importorskip("transformers")

from run_helpers import build_tiny_corpus, compose_cfg, write_newsmtsc  # noqa: E402
from test_models_hf import LABELS, _examples, _model, tiny_checkpoint  # noqa: E402,F401

from framing.models import save_model  # noqa: E402
from framing.models.hf import TransformerModel  # noqa: E402
from framing.models.init_from import InitFromError  # noqa: E402
from framing.run import run  # noqa: E402

TINY = ("model.epochs=1", "model.batch_size=8", "model.max_length=64", "model.learning_rate=5e-3")


@pytest.fixture(scope="module")
def saved(tiny_checkpoint, tmp_path_factory) -> Path:  # noqa: F811
    out = tmp_path_factory.mktemp("stage1") / "model"
    model = _model(tiny_checkpoint, epochs=1, early_stopping=False).fit(_examples(16))
    save_model(model, out, actors={"name": "x", "actors": {}}, splitter="regex", n_train=16)
    return out


def test_init_from_continues_from_the_saved_weights(saved):
    import torch

    ref = TransformerModel.load(saved, json.loads((saved / "manifest.json").read_text()))
    m = TransformerModel(init_from=str(saved), labels=LABELS, task="stance")
    m._load_pretrained()
    a, b = ref.model.state_dict(), m.model.state_dict()
    assert a.keys() == b.keys() and all(torch.equal(a[k], b[k]) for k in a)
    assert m.params()["init_from"] == str(saved)


def test_init_from_refuses_another_label_set_or_format(saved, tmp_path):
    with pytest.raises(InitFromError, match="labels"):
        TransformerModel(init_from=str(saved), labels=["no", "yes"])._load_pretrained()
    with pytest.raises(InitFromError, match="input_format"):
        TransformerModel(
            init_from=str(saved), labels=LABELS, input_format="markers"
        )._load_pretrained()
    with pytest.raises(InitFromError, match="no saved framing model"):
        TransformerModel(init_from=str(tmp_path), labels=LABELS)._load_pretrained()


def _public_set_and_corpus(tmp_path: Path) -> tuple[Path, Path]:
    """NewsMTSC-shaped train and test files, and a tiny corpus whose last two articles are
    a realistic test-only set."""
    pub = tmp_path / "newsmtsc"
    pub.mkdir()
    for name in ("rw-train", "rw-test", "mt-test"):
        write_newsmtsc(pub / f"newsmtsc-{name}.jsonl", bad_lines=False)
    corpus = build_tiny_corpus(tmp_path / "corpus", n_articles=8)
    splits = json.loads((corpus / "splits.json").read_text())
    splits["test_only"] = {
        "realistic": [
            json.loads(x)["id"] for x in (corpus / "articles.jsonl").read_text().splitlines()
        ][-2:]
    }
    (corpus / "splits.json").write_text(json.dumps(splits))
    return pub, corpus


def test_stance_transfer_runs_both_stages_side_by_side(tiny_checkpoint, tmp_path):  # noqa: F811
    pub, corpus = _public_set_and_corpus(tmp_path)
    cfg = compose_cfg(
        "experiment=stance_transfer",
        f"newsmtsc_dir={pub}",
        f"data.path={corpus}",
        f"model.checkpoint={tiny_checkpoint}",
        "n_boot=20",
        *TINY,
    )
    out = tmp_path / "run"
    metrics = run(cfg, out)
    stages = json.loads((out / "stages.json").read_text())
    assert list(stages) == ["public", "corpus"]
    assert stages["public"]["data"] == "newsmtsc" and stages["public"]["split"] == "cross_dataset"
    assert set(stages["public"]["test_sets"]) == {"test-rw", "test-mt"}
    assert (
        stages["corpus"]["init_from_stage"] == "public" and stages["corpus"]["split"] == "heldout"
    )
    assert set(stages["corpus"]["test_sets"]) == {"realistic", "test-rw", "test-mt"}
    assert stages["corpus"]["test_sets"]["realistic"]["n"] > 0
    manifest = json.loads((out / "corpus" / "model" / "manifest.json").read_text())
    assert manifest["model"]["init_from"] == str((out / "public" / "model").resolve())
    assert metrics["stages"] == stages and metrics["data"] == "syria"
    table = (out / "stages.md").read_text()
    assert "| public |" in table and "| corpus |" in table and "test-mt" in table


def test_stance_joint_trains_on_both_sources_and_scores_every_test_set(
    tiny_checkpoint,  # noqa: F811
    tmp_path,
):
    pub, corpus = _public_set_and_corpus(tmp_path)
    cfg = compose_cfg(
        "experiment=stance_joint",
        f"newsmtsc_dir={pub}",
        f"data.sources.syria.path={corpus}",
        f"model.checkpoint={tiny_checkpoint}",
        "n_boot=20",
        *TINY,
    )
    metrics = run(cfg, tmp_path / "run")
    assert {s["name"] for s in metrics["sources"]} == {"syria", "newsmtsc"}
    assert set(metrics["test_sets"]) >= {"realistic", "test-rw", "test-mt"}
    assert set(metrics["end_to_end"]) == {"fixed", "realistic"}
