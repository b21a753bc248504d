"""Text preparation: cleaning scraped articles and splitting them into sentences."""

from framing.text.clean import CleanedArticle, Removal, clean_article, clean_text
from framing.text.sentences import SentenceSplitter, split_sentences
from framing.text.unicode import normalize_unicode

__all__ = [
    "CleanedArticle",
    "Removal",
    "SentenceSplitter",
    "clean_article",
    "clean_text",
    "normalize_unicode",
    "split_sentences",
]
