"""The one path from raw article to sentences with actor mentions.

``clean → split → match`` is used for training data and for inference alike, so
a model never sees text prepared differently.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from framing.actors import ActorLexicon, load_lexicon
from framing.corpus import Article, Mention, Sentence
from framing.references import resolve_references
from framing.text.clean import CleanedArticle, clean_article
from framing.text.sentences import get_splitter


@dataclass(slots=True)
class SegmentedArticle:
    article: Article
    cleaned: CleanedArticle
    sentences: list[Sentence]

    @property
    def text(self) -> str:
        """The cleaned body that sentence offsets refer to."""
        return self.cleaned.text


class Segmenter:
    """Clean, split and match articles.

    Parameters
    ----------
    actors:
        An :class:`~framing.actors.ActorLexicon`, an actor config mapping or YAML path;
        ``None`` takes the packaged ``configs/actors/syria.yaml``.
    splitter:
        Sentence splitter backend (see :mod:`framing.text.sentences`).
    """

    def __init__(
        self,
        actors: ActorLexicon | str | Path | dict[str, Any] | None = None,
        splitter: str = "sentencex",
    ) -> None:
        self.lexicon = load_lexicon(actors)
        self.splitter = get_splitter(splitter)

    def segment(self, article: Article) -> SegmentedArticle:
        cleaned = clean_article(article)
        sentences = self.segment_text(cleaned.text, article.id, date=article.date)
        return SegmentedArticle(article, cleaned, sentences)

    def segment_text(
        self, text: str, article_id: str = "", date: str | None = None
    ) -> list[Sentence]:
        """Sentences with mentions for an already cleaned body.

        ``date`` (the article's, ISO) picks among dated aliases; role nouns that need
        an antecedent and carry-over cues are resolved across the sentences
        (:func:`framing.references.resolve_references`).
        """
        spans = self.splitter.spans(text)
        sentences = [Sentence(article_id, i, a, b, text[a:b], []) for i, (a, b) in enumerate(spans)]
        mentions = self.lexicon.find(text, date=date)
        if not mentions:
            return sentences
        starts = [a for a, _ in spans]
        for mention in mentions:
            i = bisect.bisect_right(starts, mention.start) - 1
            if i >= 0 and mention.end <= spans[i][1]:
                sentences[i].mentions.append(mention)
        resolve_references(sentences, self.lexicon, text)
        return sentences


def mentions_in(sentence: Sentence, actor: str) -> list[Mention]:
    """The mentions of one actor in a sentence (those judged not the actor left out)."""
    return [m for m in sentence.mentions if m.actor == actor and m.is_actor]
