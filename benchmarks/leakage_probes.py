"""Leakage probes for the shipped corpus: can a label be guessed without reading?

    python benchmarks/leakage_probes.py

Bag-of-words logistic regression, 5-fold CV grouped by article, that sees only
(a) the outlet name, (b) the sentence's first three words, (c) nothing
(majority class). Printed for stance (sentence × actor) and frames. Probes (a)
and (b) should be near (c) and far below the real models.
"""

from __future__ import annotations

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
from framing.tasks import columns, corpus_examples


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


def main() -> None:
    corpus = load_corpus(resolve_path("data/syria"))
    segmenter = Segmenter()
    print("| task | probe sees | macro-F1 | majority baseline | uniform-random expectation |")
    print("|---|---|---|---|---|")
    for task in ("stance", "framing"):
        labels = task_labels(task)
        ds = corpus_examples(corpus, task, segmenter, labels)
        c = columns(ds, ["sentence", "source", "label", "article_id", "actor"])
        first3 = [" ".join(s.split()[:3]) for s in c["sentence"]]
        # stance probes also see the actor: a per-actor label prior is not leakage
        suffix = [f" actor={a}" if task == "stance" else "" for a in c["actor"]]
        outlet = [src.replace(" ", "_") for src in c["source"]]
        views = {"outlet name": outlet, "first three words": first3}
        if task == "stance":
            views["actor only"] = [sfx.strip() for sfx in suffix]
            views["outlet name + actor"] = [o + sfx for o, sfx in zip(outlet, suffix, strict=True)]
            views["first three words + actor"] = [
                f + sfx for f, sfx in zip(first3, suffix, strict=True)
            ]
        rng = np.random.default_rng(0)
        random_f1 = np.mean(
            [
                macro_f1(c["label"], list(rng.choice(labels, len(c["label"]))), labels)
                for _ in range(20)
            ]
        )
        for view, texts in views.items():
            r = probe(texts, c["label"], c["article_id"], labels)
            print(f"| {task} | {view} | {r['bow']:.3f} | {r['majority']:.3f} | {random_f1:.3f} |")


if __name__ == "__main__":
    main()
