"""A learned reference detector: sentence + previous sentence → the actors referred to.

The measured alternative to the rules of :mod:`framing.references` (issue #12,
item 2). One example per annotated sentence: its text, the previous sentence's
text, the actors the lexicon finds in both (``rule:`` / ``prev:`` tokens) and
whether the article is dated after 2024-12-08 (when "the government" changes
hands); the targets are the sentence's gold actors. Features: word 1–2-gram
TF-IDF of the sentence and of the previous sentence, kept apart, and the tokens;
one-vs-rest logistic regression. With ``embeddings=True`` the features also hold the
sentence-transformer embeddings (the packaged all-MiniLM-L6-v2 by default) of the
sentence and, at half weight, of the previous sentence: unnamed references ("the
committee", "the ministry") that share no word with a training sentence can still
lie near one. :func:`combine` gives the union with the rules' pairs, a model pair
added when its probability reaches a threshold.

Not part of the default pipeline: ``benchmarks/reference_model.py`` measures it
against the rules (grouped cross-validation on the train articles, then the test
articles once); see data/README.md for the figures.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.compose import ColumnTransformer
from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.multiclass import OneVsRestClassifier
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import MultiLabelBinarizer

from framing.corpus import Corpus, Sentence
from framing.dates import iso_day
from framing.pairs import RULE_WAYS, found_pairs, prf
from framing.references import ANTECEDENT_WINDOW

if TYPE_CHECKING:
    from framing.segment import Segmenter

TRANSITION = "2024-12-08"  # the date "Damascus" / "the government" change referent
_EMBEDDINGS: dict[str, dict[str, np.ndarray]] = {}  # checkpoint -> text -> embedding
_CACHE_LIMIT = 200_000  # texts kept per checkpoint (cross-validation embeds each once)


@dataclass(frozen=True, slots=True)
class ReferenceExample:
    article_id: str
    text: str
    previous: str  # the previous sentence ("" for the first)
    tokens: str  # "rule:<actor> prev:<actor> era:after" — what the lexicon found, the era
    rule_actors: frozenset[str]  # the pairs the rules find in this sentence
    gold: frozenset[str]
    # the actors the rules find in this sentence or one of the ANTECEDENT_WINDOW before:
    # those an unnamed reference can point back to (see :func:`salient_only`)
    recent: frozenset[str] = frozenset()


def sentence_examples(
    sentences: Sequence[Sentence],
    date: str | None,
    gold: Sequence[frozenset[str] | None] | None = None,
) -> list[ReferenceExample]:
    """One example per sentence of one article, segmented and matched by the rules (the
    rules' pairs and the previous sentence's feed the features). ``gold``: each
    sentence's gold actors, or None to leave it out (at inference, every sentence)."""
    era = "era:after" if (iso_day(date) or "") >= TRANSITION else "era:before"
    by_rules = [frozenset(found_pairs(s, ways=RULE_WAYS)) for s in sentences]
    out = []
    for i, sentence in enumerate(sentences):
        wanted = frozenset() if gold is None else gold[i]
        if wanted is None:
            continue
        found, prev_found = by_rules[i], by_rules[i - 1] if i else frozenset()
        recent = frozenset().union(*by_rules[max(0, i - ANTECEDENT_WINDOW) : i + 1])
        tokens = [era, *(f"rule:{a}" for a in sorted(found))]
        tokens += [f"prev:{a}" for a in sorted(prev_found)]
        out.append(
            ReferenceExample(
                sentence.article_id,
                sentence.text,
                sentences[i - 1].text if i else "",
                " ".join(tokens),
                found,
                wanted,
                recent,
            )
        )
    return out


def reference_examples(
    corpus: Corpus, segmenter: Segmenter, article_ids: Iterable[str]
) -> list[ReferenceExample]:
    """One example per annotated sentence of the articles (matched by offsets, as
    :func:`framing.pairs.pair_scores` does)."""
    by_article = corpus.annotations_by_article()
    out = []
    for art_id in article_ids:
        article = corpus.articles.get(art_id)
        if article is None:
            continue
        gold = {(a.start, a.end): frozenset(a.stance) for a in by_article.get(art_id, [])}
        sentences = segmenter.segment(article).sentences
        out += sentence_examples(
            sentences, article.date, [gold.get((s.start, s.end)) for s in sentences]
        )
    return out


def _columns(examples: Sequence[ReferenceExample]) -> np.ndarray:
    return np.array([[e.text, e.previous, e.tokens] for e in examples], dtype=object)


class SentenceEmbeddings(TransformerMixin, BaseEstimator):
    """Columns (sentence, previous sentence) → their normalised sentence embeddings side by
    side, the previous sentence's at ``previous_weight`` (an empty one embeds as zeros)."""

    def __init__(self, checkpoint: str = "default", previous_weight: float = 0.5) -> None:
        self.checkpoint = checkpoint
        self.previous_weight = previous_weight

    def fit(self, X: np.ndarray, y: object = None) -> SentenceEmbeddings:
        return self

    def transform(self, X: np.ndarray) -> np.ndarray:
        from framing.models.embeddings import _encoder, encode_into
        from framing.models.hf_setup import resolve_checkpoint

        path = resolve_checkpoint(self.checkpoint)
        cache = _EMBEDDINGS.setdefault(path, {})
        texts = list(dict.fromkeys(str(t) for t in np.asarray(X).ravel() if t))
        if len(cache) + sum(t not in cache for t in texts) > _CACHE_LIMIT:
            cache.clear()
        encode_into(cache, texts, path)
        encoder = _encoder(path, None)
        dimension = getattr(encoder, "get_embedding_dimension", None)  # sentence-transformers 5
        zero = np.zeros((dimension or encoder.get_sentence_embedding_dimension)(), np.float32)

        def embed(column: np.ndarray) -> np.ndarray:
            return np.stack([cache.get(str(t), zero) if t else zero for t in column])

        X = np.asarray(X, dtype=object)
        return np.hstack([embed(X[:, 0]), self.previous_weight * embed(X[:, 1])])


class ReferenceDetector(BaseEstimator):
    """TF-IDF (sentence, previous sentence) + lexicon tokens [+ sentence embeddings] →
    one-vs-rest logistic regression."""

    def __init__(
        self,
        C: float = 4.0,
        min_df: int = 2,
        embeddings: bool = False,
        checkpoint: str = "default",
    ) -> None:
        self.C = C
        self.min_df = min_df
        self.embeddings = embeddings
        self.checkpoint = checkpoint

    def fit(self, examples: Sequence[ReferenceExample]) -> ReferenceDetector:
        def words() -> TfidfVectorizer:
            return TfidfVectorizer(ngram_range=(1, 2), min_df=self.min_df, sublinear_tf=True)

        self.labels_ = MultiLabelBinarizer()
        y = self.labels_.fit_transform([sorted(e.gold) for e in examples])
        features = ColumnTransformer(
            [
                ("sentence", words(), 0),
                ("previous", words(), 1),
                ("tokens", CountVectorizer(token_pattern=r"\S+", binary=True), 2),
                *(
                    [("embeddings", SentenceEmbeddings(self.checkpoint), [0, 1])]
                    if self.embeddings
                    else []
                ),
            ]
        )
        classifier = OneVsRestClassifier(LogisticRegression(C=self.C, max_iter=2000))
        self.pipeline_ = Pipeline([("features", features), ("classifier", classifier)])
        self.pipeline_.fit(_columns(examples), y)
        return self

    @property
    def actors(self) -> list[str]:
        return list(self.labels_.classes_)

    def predict_proba(self, examples: Sequence[ReferenceExample]) -> np.ndarray:
        """``[n examples, n actors]`` probabilities, actors in :attr:`actors` order."""
        proba = self.pipeline_.predict_proba(_columns(examples))
        if len(self.actors) == 1 and proba.shape[1] == 2:
            proba = proba[:, 1:]  # one actor seen in training: a binary problem's two columns
        return proba

    def predict(
        self, examples: Sequence[ReferenceExample], threshold: float = 0.5
    ) -> list[frozenset[str]]:
        return actor_sets(self.actors, self.predict_proba(examples), threshold)


def actor_sets(actors: Sequence[str], proba: np.ndarray, threshold: float) -> list[frozenset[str]]:
    """Per row of ``[n examples, n actors]`` probabilities, the actors reaching ``threshold``."""
    return [
        frozenset(a for a, p in zip(actors, row, strict=True) if p >= threshold) for row in proba
    ]


def salient_only(
    examples: Sequence[ReferenceExample], model_sets: Sequence[frozenset[str]]
) -> list[frozenset[str]]:
    """The model's actors that the rules named in the sentence or one of the
    ``ANTECEDENT_WINDOW`` before: an unnamed reference ("the committee", "the ministry")
    points back to an actor the text has just named, the window the role-noun rules use."""
    return [m & e.recent for e, m in zip(examples, model_sets, strict=True)]


def combine(
    examples: Sequence[ReferenceExample], model_sets: Sequence[frozenset[str]]
) -> list[frozenset[str]]:
    """The rules' pairs, plus the model's (the union)."""
    return [e.rule_actors | m for e, m in zip(examples, model_sets, strict=True)]


def pair_prf(
    examples: Sequence[ReferenceExample], predicted: Sequence[frozenset[str]]
) -> dict[str, float | int]:
    """Pair precision, recall and F1 of predicted actor sets against the gold."""
    tp = sum(len(p & e.gold) for e, p in zip(examples, predicted, strict=True))
    fp = sum(len(p - e.gold) for e, p in zip(examples, predicted, strict=True))
    fn = sum(len(e.gold - p) for e, p in zip(examples, predicted, strict=True))
    return prf(tp, fp, fn)
