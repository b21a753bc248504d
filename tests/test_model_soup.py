"""benchmarks/model_soup.py: saved transformer fine-tunes of one recipe averaged by weight."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("torch")
pytest.importorskip("transformers")

from datasets import Dataset  # noqa: E402
from test_models_hf import _examples, _model, tiny_checkpoint  # noqa: E402,F401

from framing.models import MANIFEST, load_saved_model, save_model  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
import model_soup  # noqa: E402


@pytest.fixture(scope="module")
def members(tmp_path_factory, tiny_checkpoint):  # noqa: F811
    root = tmp_path_factory.mktemp("soup")
    data = Dataset.from_dict(_examples())
    out = []
    for seed in (3, 4):
        model = _model(tiny_checkpoint, epochs=1, seed=seed).fit(data)
        out.append(save_model(model, root / f"s{seed}", actors={}, splitter="t", n_train=48))
    return out


def test_the_soup_holds_the_mean_of_the_weights_and_loads(members, tmp_path):
    from safetensors.torch import load_file

    out = tmp_path / "soup"
    model_soup.main([str(members[0]), str(members[1]), "-o", str(out)])
    weights = [load_file(m / model_soup.WEIGHTS) for m in members]
    averaged = load_file(out / model_soup.WEIGHTS)
    for name, tensor in averaged.items():
        expected = (weights[0][name].double() + weights[1][name].double()) / 2
        np.testing.assert_allclose(tensor.double().numpy(), expected.numpy(), rtol=1e-6, atol=1e-7)
    manifest = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    temperatures = [
        json.loads((m / MANIFEST).read_text(encoding="utf-8"))["model"]["temperature"]
        for m in members
    ]
    assert manifest["model"]["temperature"] == pytest.approx(sum(temperatures) / 2)
    assert manifest["soup_of"] == [str(m) for m in members]
    soup, _ = load_saved_model(out)
    proba = soup.predict_proba(Dataset.from_dict(_examples(6)))
    assert proba.shape == (6, 3) and np.allclose(proba.sum(axis=1), 1)
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no staging left


def test_models_of_different_recipes_are_refused(members, tmp_path):
    other = tmp_path / "other"
    other.mkdir()
    for f in members[1].iterdir():
        (other / f.name).write_bytes(f.read_bytes())
    manifest = json.loads((other / MANIFEST).read_text(encoding="utf-8"))
    manifest["model"]["input_format"] = "markers"
    (other / MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
    with pytest.raises(SystemExit, match="model.input_format 'markers' != 'pair'"):
        model_soup.main([str(members[0]), str(other), "-o", str(tmp_path / "soup")])
    with pytest.raises(SystemExit, match="no manifest.json"):
        model_soup.main([str(members[0]), str(tmp_path / "nothing"), "-o", str(tmp_path / "s")])
    assert not (tmp_path / "soup").exists()
