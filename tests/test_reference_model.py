"""The learned reference detector: examples from a corpus, fit/predict, union with the rules."""

from __future__ import annotations

from pathlib import Path

from framing.corpus import load_corpus
from framing.reference_model import (
    ReferenceDetector,
    ReferenceExample,
    combine,
    pair_prf,
    reference_examples,
)
from framing.segment import Segmenter

CORPUS = Path(__file__).resolve().parent.parent / "data" / "syria"


def _ex(text, previous, tokens, gold, rules=()):
    return ReferenceExample("a", text, previous, tokens, frozenset(rules), frozenset(gold))


def _toy() -> list[ReferenceExample]:
    out = []
    for i in range(12):
        out.append(
            _ex(f"The group shelled village {i}.", "HTS fighters massed.", "prev:HTS", {"HTS"})
        )
        out.append(_ex(f"Moscow sent jets to base {i}.", "", "rule:Russia", {"Russia"}, {"Russia"}))
        out.append(_ex(f"Rain fell on field {i}.", "Farmers waited.", "", set()))
    return out


def test_detector_learns_an_unnamed_reference_from_the_previous_sentence():
    model = ReferenceDetector(C=10.0, min_df=1).fit(_toy())
    assert model.actors == ["HTS", "Russia"]
    new = [
        _ex("The group shelled a school.", "HTS fighters said so.", "prev:HTS", {"HTS"}),
        _ex("Rain fell on the road.", "Farmers waited.", "", set()),
    ]
    assert model.predict_proba(new).shape == (2, 2)
    assert model.predict(new) == [frozenset({"HTS"}), frozenset()]


def test_union_and_pair_scores():
    examples = [
        _ex("x", "", "", {"HTS", "Russia"}, {"Russia"}),
        _ex("y", "", "", set(), {"Assad"}),
    ]
    union = combine(examples, [frozenset({"HTS"}), frozenset()])
    assert union == [frozenset({"HTS", "Russia"}), frozenset({"Assad"})]
    scores = pair_prf(examples, union)
    assert (scores["tp"], scores["fp"], scores["fn"]) == (2, 1, 0)
    assert scores["precision"] == round(2 / 3, 4) and scores["recall"] == 1.0


def test_examples_from_the_corpus_follow_its_annotations():
    corpus = load_corpus(CORPUS)
    ids = sorted({a.article_id for a in corpus.annotations})[:2]
    examples = reference_examples(corpus, Segmenter(), ids)
    annotated = [a for a in corpus.annotations if a.article_id in ids]
    assert 0 < len(examples) <= len(annotated)
    by_text = {(a.article_id, a.text): frozenset(a.stance) for a in annotated}
    assert all(by_text[(e.article_id, e.text)] == e.gold for e in examples)
    # the first sentence of an article has no previous sentence; the era is marked
    assert examples[0].previous == ""
    assert all("era:" in e.tokens for e in examples)


class _FakeEncoder:
    """Stands in for a sentence-transformer: a text's vector is its words' hashes."""

    calls: list[list[str]] = []

    def encode(self, texts, batch_size=64, normalize_embeddings=True, **options):
        import numpy as np

        self.calls.append(list(texts))
        out = np.zeros((len(texts), 8), dtype=np.float32)
        for i, text in enumerate(texts):
            for word in text.lower().split():
                out[i, sum(map(ord, word)) % 8] += 1.0
            out[i] /= max(np.linalg.norm(out[i]), 1e-9)
        return out

    def get_embedding_dimension(self):
        return 8


def test_embeddings_add_sentence_vectors_and_embed_each_text_once(monkeypatch):
    import numpy as np

    from framing import reference_model
    from framing.models import embeddings

    fake = _FakeEncoder()
    _FakeEncoder.calls = []
    monkeypatch.setattr(embeddings, "_encoder", lambda path, device: fake)
    monkeypatch.setattr(reference_model, "_EMBEDDINGS", {})
    columns = np.array([["a b", "c"], ["a b", ""]], dtype=object)
    got = reference_model.SentenceEmbeddings(previous_weight=0.5).fit_transform(columns)
    assert got.shape == (2, 16)
    assert np.allclose(got[0, :8], got[1, :8])  # the same sentence, the same vector
    assert np.allclose(got[1, 8:], 0.0)  # no previous sentence: zeros
    assert np.isclose(np.linalg.norm(got[0, 8:]), 0.5)  # the previous one at half weight
    reference_model.SentenceEmbeddings().transform(columns)
    assert _FakeEncoder.calls == [["a b", "c"]]  # cached: embedded once

    model = ReferenceDetector(C=10.0, min_df=1, embeddings=True).fit(_toy())
    new = [_ex("The group shelled a school.", "HTS fighters said so.", "prev:HTS", {"HTS"})]
    assert model.predict(new) == [frozenset({"HTS"})]
    width = (
        model.pipeline_.named_steps["features"].transform(reference_model._columns(new)).shape[1]
    )
    plain = ReferenceDetector(C=10.0, min_df=1).fit(_toy())
    assert (
        width
        == plain.pipeline_.named_steps["features"].transform(reference_model._columns(new)).shape[1]
        + 16
    )
