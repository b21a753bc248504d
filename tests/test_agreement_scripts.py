"""The double-annotation scripts in data/syria/agreement/ (sample.py, agreement.py) on
tiny hand-written annotations, never the shipped corpus."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest

from framing.corpus import Annotation, Article, Corpus
from framing.segment import Segmenter

SCRIPTS = Path(__file__).resolve().parent.parent / "data" / "syria" / "agreement"


@pytest.fixture()
def scripts(monkeypatch):
    monkeypatch.syspath_prepend(str(SCRIPTS))
    return importlib.import_module("sample"), importlib.import_module("agreement")


def _ann(article: str, start: int, text: str, frame: str = "other", **stance: str) -> Annotation:
    return Annotation(article, start, start + len(text), text, frame, dict(stance))


ANNS = [_ann("a1", i * 20, f"Sentence {i} of a1.") for i in range(6)] + [
    _ann("t1", i * 20, f"Sentence {i} of t1.") for i in range(4)
]


def test_population_keeps_the_corpus_proper_apart_from_test_only_splits(scripts):
    sample, _ = scripts
    only = {"realistic": ["t1"]}
    assert {a.article_id for a in sample.population(ANNS, only, None)} == {"a1"}
    assert {a.article_id for a in sample.population(ANNS, only, "realistic")} == {"t1"}
    with pytest.raises(SystemExit, match="no test-only split 'other'"):
        sample.population(ANNS, only, "other")
    assert sample.sample_dir(None) == SCRIPTS
    assert sample.sample_dir("realistic") == SCRIPTS / "realistic"


def test_draw_is_seeded_and_gives_context_only_when_asked(scripts):
    sample, _ = scripts
    anns = ANNS[:6]
    plain = sample.draw(anns, seed=7, share=0.5)
    assert plain == sample.draw(anns, seed=7, share=0.5)
    assert len(plain) == 3
    assert all(set(r) == {"id", "text"} for r in plain)  # the corpus proper's format
    ids = [r["id"] for r in plain]
    assert ids == sorted(ids, key=lambda i: int(i.split(":")[1].split("-")[0]))  # corpus order
    rows = sample.draw(anns, {"a1": "2024-06-18"}, seed=7, share=1.0)
    assert [list(r) for r in rows[:1]] == [["id", "date", "previous", "text"]]
    assert rows[0]["previous"] == "" and rows[0]["date"] == "2024-06-18"
    assert rows[3]["previous"] == "Sentence 2 of a1." and rows[3]["text"] == "Sentence 3 of a1."


FIRST = {
    "s1": {"text": "one", "frame": "economic", "stance": {"Russia": "negative"}},
    "s2": {"text": "two", "frame": "political", "stance": {"HTS": "neutral"}},
    "s3": {"text": "three", "frame": "political", "stance": {}},
    "s4": {"text": "four", "frame": "economic", "stance": {"Russia": "positive", "HTS": "neutral"}},
}
SECOND = [
    {"id": "s1", "frame": "economic", "stance": {"Russia": "negative"}},
    {"id": "s2", "frame": "economic", "stance": {"HTS": "neutral", "Assad": "negative"}},
    {"id": "s3", "frame": "political", "stance": {}},
    {"id": "s4", "frame": "economic", "stance": {"Russia": "positive", "HTS": "negative"}},
]


def test_score_counts_not_about_as_a_category_and_lists_disagreements(scripts):
    _, agreement = scripts
    report, disagreements = agreement.score(FIRST, SECOND)
    # union pairs: Russia s1, Assad s2 (not_about vs negative), HTS s2, HTS s4, Russia s4
    assert report["stance_pairs_union"] == 5
    assert report["stance_pairs_both"] == 4
    assert report["stance_agreement_both"] == 0.75
    assert report["frame_agreement"] == 0.75
    # frames: both say economic twice and political once; s2 differs:
    # p_o = 3/4, p_e = (2/4 * 3/4) + (2/4 * 1/4) = 1/2, kappa = 0.5
    assert report["frame_kappa"] == 0.5
    assert [d["id"] for d in disagreements] == ["s2", "s4"]
    assert disagreements[0]["stance"] == {"Assad": ["not_about", "negative"]}
    assert disagreements[0]["frame"] == ["political", "economic"]
    assert disagreements[1]["stance"] == {"HTS": ["neutral", "negative"]}


def test_per_actor_and_presence(scripts):
    _, agreement = scripts
    actors = ["Assad", "HTS", "Russia"]
    per = agreement.per_actor(FIRST, SECOND, actors)
    assert per["Assad"] == {"first": 0, "second": 1, "both": 0, "same_label": 0}
    assert per["HTS"] == {"first": 2, "second": 2, "both": 2, "same_label": 1}
    assert per["Russia"] == {"first": 2, "second": 2, "both": 2, "same_label": 2}
    got = agreement.presence(FIRST, SECOND, actors)
    assert got["n"] == 12 and got["agreement"] == round(11 / 12, 3)


def test_alias_senses_compare_the_annotators_with_the_lexicon(scripts):
    _, agreement = scripts
    text = (
        "Her sister lives in Moscow. The Kremlin refused the offer. A Russian tourist took photos."
    )
    article = Article(id="x", text=text, date="2025-03-01")
    spans = [(0, 27), (28, 58), (59, 89)]
    first = {
        f"x:{a}-{b}": {"text": text[a:b], "frame": "other", "stance": s}
        for (a, b), s in zip(
            spans, [{}, {"Russia": "negative"}, {"Russia": "neutral"}], strict=True
        )
    }
    second = [
        {"id": f"x:{a}-{b}", "frame": "other", "stance": s}
        for (a, b), s in zip(spans, [{}, {"Russia": "negative"}, {}], strict=True)
    ]
    corpus = Corpus(Path("."), {"x": article}, [])
    got = agreement.alias_senses(first, second, agreement.segmented(corpus, second, Segmenter()))
    assert got["items"] == 3  # "Moscow" the place, "The Kremlin", "Russian" a tourist
    assert got["not_actor"] == {"first": 1, "second": 2, "lexicon": 2}
    assert got["first_second"]["agreement"] == round(2 / 3, 3)
    assert got["second_lexicon"] == {"kappa": 1.0, "n": 3, "agreement": 1.0}
    assert [d["id"] for d in got["disagreements"]] == ["x:59-89"]


def test_pair_finding_scores_humans_and_the_lexicon_against_each_annotator(scripts):
    _, agreement = scripts
    text = "The Kremlin refused the offer. Prices rose in Homs. Assad thanked Moscow."
    article = Article(id="x", text=text, date="2025-03-01")
    spans = [(0, 30), (31, 51), (52, 73)]
    first = {
        f"x:{a}-{b}": {"text": text[a:b], "frame": "other", "stance": s}
        for (a, b), s in zip(
            spans, [{"Russia": "negative"}, {"HTS": "negative"}, {"Assad": "negative"}], strict=True
        )
    }
    second = [
        {"id": f"x:{a}-{b}", "frame": "other", "stance": s}
        for (a, b), s in zip(
            spans,
            [{"Russia": "negative"}, {}, {"Assad": "negative", "Russia": "neutral"}],
            strict=True,
        )
    ]
    corpus = Corpus(Path("."), {"x": article}, [])
    got = agreement.pair_finding(first, second, agreement.segmented(corpus, second, Segmenter()))
    # second vs first: 2 of the second's 3 pairs are the first's, 2 of the first's 3 found
    assert got["second_vs_first"] == {
        "precision": 0.667,
        "recall": 0.667,
        "tp": 2,
        "pairs": 3,
        "reference_pairs": 3,
    }
    # the lexicon: Russia (the Kremlin), Assad and Russia ("Moscow" thanked)
    lexicon = got["lexicon_vs_second"]
    assert (lexicon["tp"], lexicon["pairs"], lexicon["reference_pairs"]) == (3, 3, 3)
    assert got["lexicon_vs_first"]["recall"] == 0.667
