"""The fast predict path (framing.models.cached_tfidf CachedTfidf / FastOneHot, framing.models.features target_columns,
framing.models.fast_predict FastPredictor) gives exactly what the scikit-learn pipeline gives."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from datasets import Dataset
from hypothesis import given, settings
from hypothesis import strategies as st
from run_helpers import contrast_sentences
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.preprocessing import OneHotEncoder
from test_models_sklearn import NEUTRAL_ITEMS, STANCE, _frame_rows, _stance_rows, make_model

from framing.models import load_saved_model, load_skops, save_model
from framing.models.cached_tfidf import CachedTfidf, FastOneHot
from framing.models.fast_predict import FastPredictor
from framing.models.features import (
    NO_MENTION,
    TargetFeatures,
    context_window,
    examples_frame,
    mark_sentence,
    target_columns,
)
from framing.models.sklearn import MODEL_FILE, TRUSTED_TYPES

ROOT = Path(__file__).resolve().parent.parent

TEXTS = [
    "Officials praised TARGETACTOR but condemned OTHERACTOR.",
    "",
    "   ",
    "a",
    "I",
    "the the the the the the the the the",  # repeated words: counts add up
    "Damascus's 'rebels' — HTS-led forces; 5,000 troops (2024) … don't!",
    "Ο ΠΡΩΘΥΠΟΥΡΓΟΣ ΕΙΠΕ: «ΟΧΙ». ΑΣ.Β ΟΔΟΣ",  # final sigma inside and at word ends
    "İstanbul IŞIK ıi — ǅemal Ǆ",  # case changes that change length
    "naïve café coöperate résumé",
    "Россия и Асад заявили о перемирии",
    "مسؤولون سوريون قالوا",
    "tabs\tand\nnewlines\r\nand\u00a0nbsp\u2003em-space\u3000ideographic",
    "unseen zyxwvut qqqqq xxxxxxx words",
    "under_score snake_case __dunder__ ALLCAPS MiXeD",
    "emoji 🙂🙂 and ZWJ 👩‍👩‍👧 and combining é",
    "x" * 40 + " " + "y" * 3,
]
TRAIN = [
    "Officials praised TARGETACTOR but condemned OTHERACTOR.",
    "TARGETACTOR forces shelled the town; OTHERACTOR denied it.",
    "The the THE state media said TARGETACTOR's army won.",
    "naïve café coöperate résumé Россия Асад",
    "ΟΔΟΣ ΑΣ ΟΧΙ ο πρωθυπουργός",
    "İstanbul IŞIK don't 2024 5,000 HTS-led",
    "L_praised R_but L_condemned R_the NOTARGETMENTION",
]


def assert_same_matrix(fast, slow) -> None:
    """Bit-identical CSR matrices: shape, structure (sorted columns) and values."""
    fast, slow = sparse.csr_array(fast), sparse.csr_array(slow)
    assert fast.shape == slow.shape
    assert fast.dtype == slow.dtype
    assert np.array_equal(fast.indptr, slow.indptr)
    assert np.array_equal(fast.indices, slow.indices)
    assert np.array_equal(fast.data, slow.data)


VECTORIZERS = {
    "char_wb 2-5 sublinear": dict(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True),
    "char_wb 1-3": dict(analyzer="char_wb", ngram_range=(1, 3)),
    "char_wb 3-3 l1": dict(analyzer="char_wb", ngram_range=(3, 3), norm="l1"),
    "char_wb 4-6 no idf": dict(analyzer="char_wb", ngram_range=(4, 6), use_idf=False),
    "char_wb binary no norm": dict(analyzer="char_wb", ngram_range=(2, 4), binary=True, norm=None),
    "char_wb max_features": dict(analyzer="char_wb", ngram_range=(2, 5), max_features=150),
    "char_wb float32": dict(analyzer="char_wb", ngram_range=(2, 3), dtype=np.float32),
    "word 1-2 sublinear": dict(ngram_range=(1, 2), sublinear_tf=True),
    "word 1-1": dict(),
    "word 1-3 no lowercase": dict(ngram_range=(1, 3), lowercase=False),
    "word 2-2": dict(ngram_range=(2, 2), sublinear_tf=True),
    "word max_features": dict(ngram_range=(1, 2), max_features=20),
    "word strip_accents": dict(ngram_range=(1, 2), strip_accents="unicode"),
    "window S+ 1-2": dict(ngram_range=(1, 2), sublinear_tf=True, token_pattern=r"\S+"),
    "word \\w+ 1-2": dict(ngram_range=(1, 2), token_pattern=r"(?u)\b\w+\b"),
    "stop words (sklearn path)": dict(ngram_range=(1, 2), stop_words=["the"]),
    "char (sklearn path)": dict(analyzer="char", ngram_range=(2, 3)),
}


@pytest.mark.parametrize("name", sorted(VECTORIZERS))
def test_cached_tfidf_matches_sklearn(name):
    vec = TfidfVectorizer(**VECTORIZERS[name]).fit(TRAIN + TEXTS[:8])
    fast = CachedTfidf(vec)
    for docs in (TEXTS, TEXTS[::-1], TRAIN, [TEXTS[5]], [""], TEXTS + TEXTS):
        assert_same_matrix(fast.transform(docs), vec.transform(docs))
    if "sklearn path" in name:
        assert fast.mode == "sklearn"
    else:
        assert fast.mode in ("char_wb", "word")


def test_cached_tfidf_edge_inputs():
    vec = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5)).fit(TRAIN)
    fast = CachedTfidf(vec)
    with pytest.raises(ValueError, match="string object received"):
        fast.transform("a single string")
    assert_same_matrix(fast.transform(iter(TEXTS)), vec.transform(TEXTS))  # any iterable
    # nothing in the vocabulary: an all-zero row, as sklearn gives
    assert fast.transform(["zzzz qqqq"]).nnz == 0 == vec.transform(["zzzz qqqq"]).nnz


def test_cache_stays_bounded_and_results_do_not_change():
    vec = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True).fit(TRAIN)
    fast = CachedTfidf(vec, cache_size=10)
    rng = np.random.default_rng(0)
    alphabet = list("abcdefghij ÉΣς'-")
    for _ in range(20):
        docs = ["".join(rng.choice(alphabet, size=rng.integers(0, 40))) for _ in range(15)]
        assert_same_matrix(fast.transform(docs), vec.transform(docs))
        assert len(fast._slots) <= 10 + sum(len(d.split()) for d in docs)
    words = TfidfVectorizer(ngram_range=(1, 2)).fit(TRAIN)
    fast_words = CachedTfidf(words, cache_size=5)
    for i in range(10):
        docs = [f"w{i}x{j} TARGETACTOR forces w{j}" for j in range(8)]
        assert_same_matrix(fast_words.transform(docs), words.transform(docs))
        assert len(fast_words._piece_ids) <= 5 + 3 * 8


# hypothesis: text from a small alphabet with the awkward characters
_ALPHABET = st.sampled_from(list("abcAB  \t\n'’-_.,;:ΣσςİıÉé5") + ["  ", "TARGETACTOR", "the "])
_TEXT = st.lists(_ALPHABET, max_size=30).map("".join)


@settings(max_examples=60, deadline=None)
@given(st.lists(_TEXT, min_size=1, max_size=6), st.lists(_TEXT, min_size=1, max_size=6))
def test_cached_tfidf_property(train, docs):
    for params in (
        dict(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True),
        dict(ngram_range=(1, 2), sublinear_tf=True),
        dict(ngram_range=(1, 2), token_pattern=r"\S+"),
    ):
        try:
            vec = TfidfVectorizer(**params).fit(train)
        except ValueError:  # empty vocabulary
            continue
        assert_same_matrix(CachedTfidf(vec).transform(docs), vec.transform(docs))


# ---------------------------------------------------------------------------
# target features: the fast mark_sentence / context_window against the originals
_WORDS = re.compile(r"\w[\w'’-]*")


def reference_mark(sentence, target_spans, other_spans=(), marking="replace"):
    if marking == "none":
        return sentence
    spans = [(int(s), int(e), True) for s, e in target_spans] + [
        (int(s), int(e), False) for s, e in other_spans
    ]
    spans.sort()
    out, pos = [], 0
    for s, e, is_target in spans:
        if s < pos:
            continue
        out.append(sentence[pos:s])
        if marking == "replace":
            out.append("TARGETACTOR" if is_target else "OTHERACTOR")
        else:
            left, right = ("<t>", "</t>") if is_target else ("<o>", "</o>")
            out.append(f"{left} {sentence[s:e]} {right}")
        pos = e
    out.append(sentence[pos:])
    return "".join(out)


def reference_window(sentence, target_spans, size=5):
    if not target_spans:
        return NO_MENTION
    words = [(m.start(), m.end(), m.group().lower()) for m in _WORDS.finditer(sentence)]
    out = []
    for s, e in target_spans:
        left = [w for ws, we, w in words if we <= s][-size:] if size else []
        right = [w for ws, we, w in words if ws >= e][:size] if size else []
        out.extend("L_" + w for w in left)
        out.extend("R_" + w for w in right)
    return " ".join(out) if out else NO_MENTION


_SENT_ALPHABET = st.sampled_from(
    list("ab AB'’-_.,\"()ΣσİÉé5") + [" Russia", "Russia's", "HTS-led", " ΟΔΟΣ", "ΑΣ.Β", "'s "]
)


@st.composite
def sentence_and_spans(draw):
    sentence = "".join(draw(st.lists(_SENT_ALPHABET, max_size=25)))
    n = len(sentence)
    pos = st.integers(min_value=-2, max_value=n + 2)

    def span():
        a = draw(pos)
        return [a, draw(st.integers(min_value=a, max_value=max(a, n + 2)))]

    targets = sorted(span() for _ in range(draw(st.integers(0, 3))))
    others = sorted(span() for _ in range(draw(st.integers(0, 2))))
    return sentence, targets, others


@settings(max_examples=400, deadline=None)
@given(sentence_and_spans(), st.sampled_from(["replace", "wrap", "none"]), st.integers(0, 4))
def test_target_features_match_reference(example, marking, size):
    sentence, targets, others = example
    assert mark_sentence(sentence, targets, others, marking) == reference_mark(
        sentence, targets, others, marking
    )
    assert context_window(sentence, targets, size) == reference_window(sentence, targets, size)


@pytest.mark.parametrize(
    ("sentence", "spans"),
    [
        ("Officials praised Russia's envoy.", [[18, 24]]),  # a word crosses the mention's end
        ("The pro-Russia camp", [[8, 14]]),  # and its start
        ("Moscow-based firms and Moscow", [[0, 6], [23, 29]]),
        ("x '-Russia-' y", [[4, 10]]),  # runs without a \w before the boundary
        ("ΟΔΟΣ ΑΣ.Β Russia ΑΣ", [[10, 16]]),
        ("Russia", [[0, 6]]),
        ("", [[0, 0]]),
    ],
)
def test_context_window_boundaries(sentence, spans):
    for size in (1, 2, 5):
        assert context_window(sentence, spans, size) == reference_window(sentence, spans, size)


def test_target_columns_and_transform_agree():
    sentences = ["Officials praised Russia but condemned HTS.", "No actor here.", "Russia's HTS"]
    targets = [[[18, 24]], [], [[0, 6]]]
    others = [[[39, 42]], [], [[9, 12]]]
    tf = TargetFeatures("replace", 3)
    frame = pd.DataFrame(
        {
            "sentence": sentences,
            "target_spans": targets,
            "other_spans": others,
            "actor": ["Russia", "", "Russia"],
        }
    )
    out = tf.transform(frame)
    text, window = target_columns(sentences, targets, others, "replace", 3)
    assert (
        out["text"].tolist()
        == text
        == [reference_mark(*a) for a in zip(sentences, targets, others, strict=False)]
    )
    assert (
        out["window"].tolist()
        == window
        == [reference_window(s, t, 3) for s, t in zip(sentences, targets, strict=False)]
    )
    assert target_columns(sentences, targets, others, "none", 0) == (sentences, ["", "", ""])


def test_fast_one_hot_matches_encoder():
    enc = OneHotEncoder(handle_unknown="ignore").fit(
        pd.DataFrame({"actor": ["Russia", "HTS", "Assad"]})
    )
    values = ["HTS", "Assad", "Nobody", "Russia", ""]
    fast = FastOneHot(enc)
    assert fast.fast
    assert_same_matrix(
        fast.transform(values, ["actor"]), enc.transform(pd.DataFrame({"actor": values}))
    )


# ---------------------------------------------------------------------------
# the whole model
FRAMES = ["political", "economic", "security_and_defense"]


@pytest.fixture(scope="module")
def stance_examples() -> Dataset:
    return _stance_rows(contrast_sentences() + NEUTRAL_ITEMS)


@pytest.fixture(scope="module")
def frame_examples(stance_examples) -> Dataset:
    """Multi-label frames over the stance sentences (enough text for a sparse matrix)."""
    sentences = sorted(set(stance_examples["sentence"]))
    return _frame_rows(
        (t, [FRAMES[i % 3]] + ([FRAMES[(i + 1) % 3]] if i % 4 == 0 else []))
        for i, t in enumerate(sentences)
    )


def _pipeline_proba(model, examples):
    from framing.models.features import as_label_matrix

    proba = model.pipeline.predict_proba(examples_frame(examples))
    if model.multilabel:
        return proba
    return as_label_matrix(proba, [str(c) for c in model.pipeline.classes_], model.labels)


@pytest.mark.parametrize("name", ["tfidf_logreg", "tfidf_svm", "tfidf_logreg_blind"])
def test_fast_predictor_equals_pipeline(name, stance_examples):
    model = make_model(name).fit(stance_examples)
    fast = model.fast_predictor()
    assert isinstance(fast, FastPredictor)
    pipe = model.pipeline
    slow_x = pipe.named_steps["features"].transform(
        pipe.named_steps["target"].transform(examples_frame(stance_examples))
    )
    assert_same_matrix(fast.features(stance_examples), slow_x)
    assert np.array_equal(
        model.predict_proba(stance_examples), _pipeline_proba(model, stance_examples)
    )


def test_fast_predictor_multilabel_and_non_tfidf(frame_examples, stance_examples):
    model = make_model("tfidf_logreg", "framing", FRAMES, True).fit(frame_examples)
    assert model.pipeline.named_steps["features"].sparse_output_
    assert model.fast_predictor() is not None
    assert np.array_equal(
        model.predict_proba(frame_examples), _pipeline_proba(model, frame_examples)
    )
    for name in ("majority", "vader"):
        assert make_model(name).fit(stance_examples).fast_predictor() is None


def test_skops_roundtrip_keeps_format_and_predictions(stance_examples, tmp_path):
    import skops.io as sio

    model = make_model("tfidf_logreg").fit(stance_examples)
    before = model.predict_proba(stance_examples)  # builds and fills the caches
    save_model(model, tmp_path, actors={}, splitter="sentencex", n_train=len(stance_examples))
    # nothing of the fast path is saved: the same types as ever, all trusted
    untrusted = sio.get_untrusted_types(file=tmp_path / MODEL_FILE)
    assert set(untrusted) <= set(TRUSTED_TYPES)
    assert not any("Cached" in t or "Fast" in t for t in untrusted)
    pipeline = load_skops(tmp_path / MODEL_FILE, TRUSTED_TYPES)
    assert [type(s).__name__ for _, s in pipeline.steps] == [
        "TargetFeatures",
        "ColumnTransformer",
        "LogisticRegression",
    ]
    loaded, _ = load_saved_model(tmp_path)
    assert loaded.fast_predictor() is not None  # rebuilt lazily after loading
    assert np.array_equal(loaded.predict_proba(stance_examples), before)
    assert np.array_equal(before, _pipeline_proba(model, stance_examples))


def _saved_reference_models():
    return sorted(
        p.parent
        for p in (ROOT / "experiments" / "reference").glob("*/*/model/model.skops")
        if '"tfidf' in (p.parent / "manifest.json").read_text(encoding="utf-8")
    )


@pytest.mark.parametrize("directory", _saved_reference_models(), ids=lambda p: str(p.parent.name))
def test_models_saved_before_the_fast_path_predict_the_same(
    directory, stance_examples, frame_examples
):
    """Locally saved reference models (model/ folders are not committed: none in CI)."""
    model, manifest = load_saved_model(directory)
    examples = stance_examples if manifest["task"] == "stance" else frame_examples
    assert model.fast_predictor() is not None
    assert np.array_equal(model.predict_proba(examples), _pipeline_proba(model, examples))
    if manifest["task"] == "stance":
        assert model.labels == STANCE
