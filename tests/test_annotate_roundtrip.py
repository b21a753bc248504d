"""The annotation loop end to end through the CLI: export → edit as an annotator would →
import → the corpus validates and holds the edited labels; re-import changes nothing."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
from run_helpers import trained_run

from framing.cli import main
from framing.corpus import load_corpus
from framing.labels import task_labels
from framing.segment import Segmenter
from framing.tasks import corpus_examples
from framing.validate import validate_corpus

FIX = Path(__file__).parent / "fixtures" / "annotate"
ARTICLES = str(FIX / "articles.jsonl")


@pytest.fixture(scope="module")
def models(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    base = tmp_path_factory.getbasetemp()
    return trained_run(base, "stance"), trained_run(base, "framing")


def _other(label: str) -> str:
    return next(lab for lab in task_labels("stance") if lab != label)


def _check_corpus(corpus: Path) -> dict:
    loaded = load_corpus(corpus)
    problems = validate_corpus(loaded, Segmenter(), task_labels("stance"), task_labels("framing"))
    assert [str(p) for p in problems if p.severity == "error"] == []
    return {(a.article_id, a.start): a for a in loaded.annotations}


def test_label_studio_round_trip(models, tmp_path):
    out = tmp_path / "ls"
    stance_run, frame_run = models
    args = ["annotate", "export", ARTICLES, "-o", str(out), "--format", "label-studio"]
    assert main([*args, "--model", str(stance_run), "--model", str(frame_run)]) == 0
    tasks = json.loads((out / "tasks.json").read_text(encoding="utf-8"))
    xml = (out / "label_config.xml").read_text(encoding="utf-8")
    assert len(tasks) == 6
    for task in tasks:  # every pre-annotation names a tag of the config, with a score
        for item in task["predictions"][0]["result"]:
            assert f'name="{item["from_name"]}"' in xml and item["to_name"] == "text"
            assert item["type"] == "labels" or 0 <= item["score"] <= 1
    # the annotator (user 7) starts from the predictions and edits three sentences
    export, wanted = [], {}
    for n, task in enumerate(tasks, 1):
        data, result = task["data"], copy.deepcopy(task["predictions"][0]["result"])
        if data["task_id"] == "fx-1:0-66":  # another stance and another frame
            for item in result:
                if item["from_name"] == "stance_Russia":
                    wanted["stance"] = item["value"]["choices"] = [
                        _other(item["value"]["choices"][0])
                    ]
                if item["from_name"] == "frame":
                    item["value"]["choices"] = ["economic"]
        if data["task_id"] == "fx-1:148-255":  # a mention the lexicon missed
            value = {"start": 64, "end": 75, "text": "its leaders", "labels": ["HTS"]}
            result.append(
                {
                    "id": "x1",
                    "from_name": "actor",
                    "to_name": "text",
                    "type": "labels",
                    "value": value,
                }
            )
        if data["task_id"] == "fx-2:0-72":  # the highlighted mention is not Assad here
            result = [r for r in result if r["from_name"] != "stance_Assad"]
            for item in result:
                if item["from_name"] == "actor":
                    item["value"]["labels"] = ["not_actor"]
        for item in result:
            item.pop("score", None)
        export.append(
            {
                "id": n,
                "data": data,
                "predictions": task["predictions"],
                "annotations": [
                    {"id": n, "completed_by": 7, "was_cancelled": False, "result": result}
                ],
            }
        )
    exported = out / "project-1-at-2025-01-05.json"
    exported.write_text(json.dumps(export, ensure_ascii=False), encoding="utf-8")
    corpus = tmp_path / "corpus"
    assert main(["annotate", "import", str(exported), "--corpus", str(corpus)]) == 0
    rows = _check_corpus(corpus)
    assert len(rows) == 6
    first = rows[("fx-1", 0)]
    assert first.stance == {"Russia": wanted["stance"][0]} and first.frame == "economic"
    assert first.meta["annotator"] == "user7"
    assert [m["surface"] for m in rows[("fx-1", 148)].meta["mentions"]] == ["its leaders"]
    assert rows[("fx-2", 0)].stance == {}
    assert rows[("fx-2", 0)].meta["not_actor"][0]["surface"] == "the old regime"
    # the added mention is a target span when the model is retrained
    examples = corpus_examples(load_corpus(corpus), "stance", Segmenter(), task_labels("stance"))
    hts = [e for e in examples if e["article_id"] == "fx-1" and e["actor"] == "HTS"]
    assert [64, 75] in hts[0]["target_spans"]
    before = (corpus / "annotations.jsonl").read_bytes()
    assert main(["annotate", "import", str(exported), "--corpus", str(corpus)]) == 0
    assert (corpus / "annotations.jsonl").read_bytes() == before  # idempotent


def test_doccano_round_trip(models, tmp_path):
    out = tmp_path / "dc"
    args = ["annotate", "export", ARTICLES, "-o", str(out), "--format", "doccano"]
    assert main([*args, "--model", str(models[0])]) == 0
    lines = [json.loads(x) for x in (out / "tasks.jsonl").read_text(encoding="utf-8").splitlines()]
    names = {t["text"] for t in json.loads((out / "label_types.json").read_text())}
    assert all(lab in names for rec in lines for _, _, lab in rec["label"])
    edited = []
    for n, rec in enumerate(lines, 1):
        labels = rec.pop("label")
        if rec["task_id"] == "fx-1:0-66":
            actor, stance = labels[0][2].split(":")
            labels[0][2] = f"{actor}:{_other(stance)}"
            wanted = labels[0][2]
        if rec["task_id"] == "fx-1:148-255":
            labels.append([64, 75, "HTS"])
        if rec["task_id"] == "fx-2:0-72":
            labels = [[32, 46, "not_actor"]]
        labels.append([0, len(rec["text"]), "frame:political"])
        meta = {k: v for k, v in rec.items() if k != "text"}
        edited.append({"id": n, "text": rec["text"], "label": labels, "Comments": [], "meta": meta})
    folder = tmp_path / "doccano-export"
    folder.mkdir()
    (folder / "maria.jsonl").write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in edited), encoding="utf-8"
    )
    corpus = tmp_path / "corpus"
    args = ["annotate", "import", str(folder), "--corpus", str(corpus)]
    assert main([*args, "--articles", str(out / "articles.jsonl")]) == 0
    rows = _check_corpus(corpus)
    actor, stance = wanted.split(":")
    assert rows[("fx-1", 0)].stance == {actor: stance} and rows[("fx-1", 0)].frame == "political"
    assert rows[("fx-1", 0)].meta["labels_by"]["maria"]["stance"] == {actor: stance}
    assert rows[("fx-1", 148)].meta["mentions"][0]["surface"] == "its leaders"
    assert rows[("fx-2", 0)].stance == {} and rows[("fx-2", 0)].meta["not_actor"]


def test_select_then_export_only_the_chosen(models, tmp_path):
    pool = tmp_path / "pool.jsonl"
    assert main(["segment", ARTICLES, "-o", str(pool)]) == 0
    chosen = tmp_path / "next.jsonl"
    args = ["--pool", str(pool), "--n", "3", "--strategy", "margin", "-o", str(chosen)]
    assert main(["annotate", "select", "--model", str(models[0]), *args]) == 0
    rows = [json.loads(x) for x in chosen.read_text(encoding="utf-8").splitlines()]
    assert len(rows) == 3
    gaps = [
        sorted(v for k, v in r.items() if k.startswith("p_"))[-1]
        - sorted(v for k, v in r.items() if k.startswith("p_"))[-2]
        for r in rows
    ]
    assert gaps == sorted(gaps)
    out = tmp_path / "ls"
    assert main(["annotate", "export", ARTICLES, "-o", str(out), "--select", str(chosen)]) == 0
    tasks = json.loads((out / "tasks.json").read_text(encoding="utf-8"))
    assert {t["data"]["task_id"] for t in tasks} == {r["task_id"] for r in rows}
    assert (
        main(
            [
                "annotate",
                "select",
                "--model",
                str(models[0]),
                *args[:-4],
                "--strategy",
                "nope",
                "-o",
                str(chosen),
            ]
        )
        == 2
    )
