"""Shared fixtures: paths to the test data, the default actor lexicon, a segmenter."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from framing.actors import ActorLexicon, load_lexicon
from framing.segment import Segmenter

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
SCRAPED = FIXTURES / "scraped"
HTML = FIXTURES / "html"
SHIPPED_CORPUS = ROOT / "data" / "syria"


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def fixtures_dir() -> Path:
    return FIXTURES


@pytest.fixture(scope="session")
def scraped_dir() -> Path:
    return SCRAPED


@pytest.fixture(scope="session")
def scraped_expected() -> dict:
    return json.loads((SCRAPED / "expected.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def html_dir() -> Path:
    return HTML


@pytest.fixture(scope="session")
def html_expected() -> dict:
    return json.loads((HTML / "expected.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def shipped_corpus() -> Path:
    return SHIPPED_CORPUS


@pytest.fixture(scope="session")
def lexicon() -> ActorLexicon:
    """The packaged default lexicon (framing/conf/actors/syria.yaml)."""
    return load_lexicon()


@pytest.fixture(scope="session")
def segmenter(lexicon: ActorLexicon) -> Segmenter:
    """The default clean → split → match path."""
    return Segmenter(lexicon)


@pytest.fixture(scope="session")
def tiny_corpus_dir(tmp_path_factory: pytest.TempPathFactory, shipped_corpus: Path) -> Path:
    """The first 10 articles of the shipped corpus with their annotations (3 as test split)."""
    out = tmp_path_factory.mktemp("tiny-corpus")
    articles = (shipped_corpus / "articles.jsonl").read_text(encoding="utf-8").splitlines()[:10]
    ids = [json.loads(line)["id"] for line in articles]
    keep = set(ids)
    annotations = [
        line
        for line in (shipped_corpus / "annotations.jsonl").read_text(encoding="utf-8").splitlines()
        if json.loads(line)["article_id"] in keep
    ]
    (out / "articles.jsonl").write_text("\n".join(articles) + "\n", encoding="utf-8")
    (out / "annotations.jsonl").write_text("\n".join(annotations) + "\n", encoding="utf-8")
    (out / "splits.json").write_text(json.dumps({"seed": 0, "test": ids[:3]}), encoding="utf-8")
    return out
