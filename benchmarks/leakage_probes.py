"""Leakage probes for the shipped corpus: can a label be guessed without reading?

    python benchmarks/leakage_probes.py

Bag-of-words logistic regression, 5-fold CV grouped by article, that sees only
(a) the outlet name, (b) the sentence's first three words, (c) nothing
(majority class). Printed for stance (sentence × actor) and frames. Probes (a)
and (b) should be near (c) and far below the real models.

Controls for (b): the same probe on three words drawn at random positions of the
same sentence (seeded per sentence, mean of ``RANDOM_DRAWS`` draws) and on the
sentence's last three words. Any three words of a sentence carry some content (an
actor's name, a topic word, an evaluative verb); (b) well above the
random-three control would mean the *openings* are templated, i.e. that stock
opening phrases give the label away.
"""

from __future__ import annotations

import zlib

import numpy as np
from sklearn.dummy import DummyClassifier
from sklearn.feature_extraction.text import CountVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedGroupKFold, cross_val_predict
from sklearn.pipeline import make_pipeline

from framing.corpus import load_corpus
from framing.evaluation import macro_f1
from framing.labels import task_labels
from framing.run import resolve_path
from framing.segment import Segmenter
from framing.splits import trainable
from framing.tasks import columns, corpus_examples

RANDOM_SEED = 7
RANDOM_DRAWS = 3


def probe(
    texts: list[str], y: list[str], groups: list[str], labels: list[str], seed: int = 13
) -> dict[str, float]:
    cv = StratifiedGroupKFold(n_splits=5, shuffle=True, random_state=seed)
    out = {}
    for name, est in [
        (
            "bow",
            make_pipeline(
                CountVectorizer(token_pattern=r"[^ ]+", lowercase=True),
                LogisticRegression(max_iter=2000),
            ),
        ),
        ("majority", DummyClassifier(strategy="prior")),
    ]:
        pred = cross_val_predict(est, np.array(texts, dtype=object), y, groups=groups, cv=cv)
        out[name] = macro_f1(y, list(pred), labels)
    return out


def first_three(sentence: str) -> str:
    return " ".join(sentence.split()[:3])


def last_three(sentence: str) -> str:
    return " ".join(sentence.split()[-3:])


def random_three(sentence: str, draw: int) -> str:
    """Three words at random positions, the same for every row of one sentence."""
    words = sentence.split()
    rng = np.random.default_rng([RANDOM_SEED, draw, zlib.crc32(sentence.encode("utf-8"))])
    picked = sorted(rng.choice(len(words), size=min(3, len(words)), replace=False))
    return " ".join(words[i] for i in picked)


def main() -> None:
    corpus = load_corpus(resolve_path("data/syria"))
    segmenter = Segmenter()
    print("| task | probe sees | macro-F1 | majority baseline | uniform-random expectation |")
    print("|---|---|---|---|---|")
    for task in ("stance", "framing"):
        labels = task_labels(task)
        ds = corpus_examples(corpus, task, segmenter, labels)
        ds = ds.select(trainable(ds["article_id"], corpus.test_sets))  # the corpus proper
        c = columns(ds, ["sentence", "source", "label", "article_id", "actor"])
        # stance probes also see the actor: a per-actor label prior is not leakage
        suffix = [f" actor={a}" if task == "stance" else "" for a in c["actor"]]
        outlet = [src.replace(" ", "_") for src in c["source"]]
        word_views = {
            "first three words": [[first_three(s) for s in c["sentence"]]],
            "three random words (control)": [
                [random_three(s, d) for s in c["sentence"]] for d in range(RANDOM_DRAWS)
            ],
            "last three words (control)": [[last_three(s) for s in c["sentence"]]],
        }
        views: dict[str, list[list[str]]] = {"outlet name": [outlet]}
        views.update(word_views)
        if task == "stance":
            views["actor only"] = [[sfx.strip() for sfx in suffix]]
            views["outlet name + actor"] = [
                [o + sfx for o, sfx in zip(outlet, suffix, strict=True)]
            ]
            for name, draws in word_views.items():
                views[name.replace(" (control)", "") + " + actor"] = [
                    [f + sfx for f, sfx in zip(texts, suffix, strict=True)] for texts in draws
                ]
        rng = np.random.default_rng(0)
        random_f1 = np.mean(
            [
                macro_f1(c["label"], list(rng.choice(labels, len(c["label"]))), labels)
                for _ in range(20)
            ]
        )
        for view, draws in views.items():
            rs = [probe(texts, c["label"], c["article_id"], labels) for texts in draws]
            bow = float(np.mean([r["bow"] for r in rs]))
            majority = rs[0]["majority"]
            print(f"| {task} | {view} | {bow:.3f} | {majority:.3f} | {random_f1:.3f} |")


if __name__ == "__main__":
    main()
