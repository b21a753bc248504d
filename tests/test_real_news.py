"""The real-news benchmarks (mentions, stance) on tiny NewsMTSC-shaped files written here."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"


def _write_jsonl(path: Path, rows: list[dict]) -> None:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")


@pytest.fixture
def audit(tmp_path, monkeypatch):
    """Two sentences in a fake NewsMTSC test file and readers' labels for them."""
    folder = tmp_path / "newsmtsc"
    folder.mkdir()
    sentences = [
        ("s1", "The Kremlin denied the report, and Lisa Wagner, a donor, stayed silent."),
        ("s2", "Flights to Moscow were cancelled, and Sergei Petrov, the envoy, left."),
    ]
    _write_jsonl(
        folder / "newsmtsc-rw-test.jsonl",
        [{"primary_gid": g, "sentence_normalized": t, "targets": []} for g, t in sentences],
    )

    def mention(text: str, surface: str, sense: str, reason: str | None = None) -> dict:
        start = text.index(surface)
        return {
            "start": start,
            "end": start + len(surface),
            "surface": surface,
            "actor": "Russia",
            "sense": sense,
            "reason": reason,
        }

    labels = [
        {
            "source": "newsmtsc-rw-test",
            "gid": "s1",
            "pool": "test",
            "annotators": ["A"],
            "mentions": [
                mention(sentences[0][1], "The Kremlin", "actor"),
                mention(sentences[0][1], "Wagner", "not_actor", "other"),
            ],
            "missed": [],
        },
        {
            "source": "newsmtsc-rw-test",
            "gid": "s2",
            "pool": "test",
            "annotators": ["A"],
            "mentions": [mention(sentences[1][1], "Moscow", "not_actor", "place")],
            "missed": [{"actor": "Russia", "surface": "Sergei Petrov, the envoy"}],
        },
    ]
    label_path = tmp_path / "labels.jsonl"
    _write_jsonl(label_path, labels)
    monkeypatch.syspath_prepend(str(BENCHMARKS))
    return folder, label_path


def _run(monkeypatch, capsys, *args: str) -> str:
    import real_news_mentions

    monkeypatch.setattr(sys, "argv", ["real_news_mentions.py", *args])
    real_news_mentions.main()
    return capsys.readouterr().out


def test_scores_pairs_mentions_and_senses_against_the_labels(audit, monkeypatch, capsys):
    folder, labels = audit
    out = _run(monkeypatch, capsys, "--newsmtsc", str(folder), "--labels", str(labels))
    assert "pool tune: 0 sentences" in out  # both sentences are in the test pool
    out = _run(
        monkeypatch, capsys, "--newsmtsc", str(folder), "--labels", str(labels), "--pool", "test"
    )
    # s1: a Russia pair found and gold (the Kremlin; Wagner the surname makes none);
    # s2: gold by the missed envoy, not found (Moscow the destination makes none)
    assert "Russia  pairs: precision 1.000 (1/1), recall 0.500 (1/2)" in out
    assert "sense accuracy on ambiguous mentions: 1.000 (2/2)" in out
    assert "unlabelled mentions (not scored): 0" in out


def test_a_mention_the_labels_do_not_cover_is_counted_apart(audit, monkeypatch, capsys, tmp_path):
    folder, labels = audit
    rows = [json.loads(line) for line in labels.read_text(encoding="utf-8").splitlines()]
    rows[0]["mentions"] = rows[0]["mentions"][:1]  # drop Wagner's label
    _write_jsonl(labels, rows)
    out = _run(
        monkeypatch,
        capsys,
        "--newsmtsc",
        str(folder),
        "--labels",
        str(labels),
        "--pool",
        "test",
        "--errors",
    )
    assert "unlabelled mentions (not scored): 1" in out
    assert "UNLABELLED Russia 'Wagner' (not_actor)" in out


def test_a_missing_newsmtsc_file_is_one_line(audit, monkeypatch, capsys, tmp_path):
    _, labels = audit
    with pytest.raises(SystemExit, match="newsmtsc-rw-test.jsonl not found"):
        _run(
            monkeypatch,
            capsys,
            *("--newsmtsc", str(tmp_path / "nowhere"), "--labels", str(labels), "--pool", "test"),
        )


# ---------------------------------------------------------------------------
# benchmarks/real_news_stance.py: a tiny trained stance run on stance labels written here
@pytest.fixture(scope="module")
def stance_run(tmp_path_factory) -> Path:
    from run_helpers import trained_run

    return trained_run(tmp_path_factory.getbasetemp(), "stance")


def test_stance_benchmark_scores_models_on_agreed_pairs(
    audit, stance_run, monkeypatch, capsys, tmp_path
):
    folder, _ = audit
    rows = [
        {"gid": "s1", "actor": "Russia", "stance": "negative", "by": ["negative", "negative"]},
        {"gid": "s2", "actor": "Russia", "stance": None, "by": ["neutral", "negative"]},
    ]
    labels = tmp_path / "stance.jsonl"
    _write_jsonl(
        labels,
        [
            {
                "source": "newsmtsc-rw-test",
                "gid": r["gid"],
                "pool": "test",
                "actor": r["actor"],
                "stance": r["stance"],
                "stance_by": dict(zip(["A", "B"], r["by"], strict=True)),
            }
            for r in rows
        ],
    )
    import real_news_stance

    argv = ["real_news_stance.py", "--model", str(stance_run), str(stance_run)]
    argv += ["--labels", str(labels), "--newsmtsc", str(folder), "--n-boot", "50"]
    monkeypatch.setattr(sys, "argv", argv)
    real_news_stance.main()
    out = capsys.readouterr().out
    assert "pool test: 1 agreed pairs (1 left out: readers disagree)" in out
    assert "always neutral: macro-F1 0.000, accuracy 0.000" in out
    assert out.count(f"{stance_run}: macro-F1") == 2
    assert f"{stance_run} - {stance_run}: +0.000" in out  # the paired test, model vs itself
