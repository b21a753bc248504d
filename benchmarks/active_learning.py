"""Active-learning simulation on the shipped corpus: does choosing what to label pay?

    python benchmarks/active_learning.py [--seeds 3] [--step 0.1]

Stance (sentence × actor pairs). The pool is every pair of the training articles
(the corpus minus its fixed test split: the 72 training articles and the 44 test-only
realistic ones); its labels are hidden until "annotated".
Each run starts from the pairs of a random 10% of the training articles, then adds
batches of ``step`` × pool size chosen by each strategy of
:data:`framing.annotate.selection.STRATEGIES`, retrains TF-IDF + logistic regression
(``framing/conf/model/tfidf_logreg.yaml``) after every batch and scores macro-F1 on the
corpus's test split. Printed: macro-F1 (mean ± sd over seeds) at 20/40/60% of the pool
labelled, per strategy; saved: the learning curves in
``experiments/results/plots/active_learning.png`` and the table in
``experiments/results/active_learning.md``.
"""

from __future__ import annotations

import argparse
import functools
import logging
import sys
from pathlib import Path

import numpy as np
from hydra.utils import instantiate
from joblib import Parallel, delayed
from omegaconf import OmegaConf

from framing.annotate.selection import STRATEGIES, select
from framing.corpus import load_corpus
from framing.evaluation import macro_f1
from framing.labels import task_labels
from framing.resources import CONFIG_DIR
from framing.segment import Segmenter
from framing.tasks import columns, corpus_examples

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "experiments" / "results"
REPORT_AT = (0.2, 0.4, 0.6)
START_ARTICLES = 0.10


OVERRIDES: list[str] = []  # --override: config keys changed from tfidf_logreg.yaml


@functools.lru_cache(maxsize=1)
def model_config():
    """``model=tfidf_logreg`` as framing-run composes it (its defaults list pulls in the
    shared TF-IDF feature block), with the --override keys applied."""
    from hydra import compose, initialize_config_dir

    import framing.run  # noqa: F401  (registers the typed config schema)

    with initialize_config_dir(str(CONFIG_DIR), version_base="1.3"):
        cfg = compose("config", overrides=["model=tfidf_logreg"]).model
    return OmegaConf.merge(cfg, OmegaConf.from_dotlist(OVERRIDES))


def new_model(labels: list[str]):
    cfg = model_config()
    return instantiate(cfg, task="stance", labels=labels, multilabel=False, _convert_="all")


def simulate(
    pool, test, labels, strategy: str, seed: int, step: float
) -> list[tuple[float, float]]:
    """(share of the pool labelled, test macro-F1) after the start and every batch."""
    rng = np.random.default_rng(seed)
    cols = columns(pool, ["article_id", "sentence"])
    articles = sorted(set(cols["article_id"]))
    start = set(rng.choice(articles, max(1, round(START_ARTICLES * len(articles))), replace=False))
    labelled = [i for i, a in enumerate(cols["article_id"]) if a in start]
    texts, gold_test = cols["sentence"], columns(test, ["label"])["label"]
    batch, top = step * len(pool), round(REPORT_AT[-1] * len(pool))
    curve = []
    while True:
        model = new_model(labels).fit(pool.select(labelled))
        pred = [labels[j] for j in model.predict_proba(test).argmax(axis=1)]
        curve.append((len(labelled) / len(pool), macro_f1(gold_test, pred, labels)))
        if len(labelled) >= top:
            return curve
        rest = sorted(set(range(len(pool))) - set(labelled))
        # batches end on multiples of ``step`` (20%, 30%, ...), so every run has those points
        k = np.floor(len(labelled) / batch + 1e-9) + 1
        while round(k * batch) <= len(labelled):  # 409 labelled, next stop 409.2: the one after
            k += 1
        n = int(min(round(k * batch) - len(labelled), len(rest)))
        proba = model.predict_proba(pool.select(rest))
        chosen = select(proba, [texts[i] for i in rest], n, strategy, seed=seed * 1000 + len(curve))
        labelled += [rest[i] for i in chosen]


def _run(pool, test, labels, strategy: str, seed: int, step: float, overrides: list[str]):
    OVERRIDES[:] = overrides  # a worker process starts with the module's default
    return strategy, seed, simulate(pool, test, labels, strategy, seed, step)


def at(curve: list[tuple[float, float]], share: float) -> float:
    """F1 at the first point with at least ``share`` of the pool labelled."""
    return next(f1 for s, f1 in curve if s >= share - 0.005)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--step", type=float, default=0.1, help="batch size as a pool share")
    parser.add_argument(
        "--override",
        nargs="*",
        default=[],
        help="model config changes, e.g. char_ngrams=[3,4] (default: tfidf_logreg as shipped)",
    )
    parser.add_argument("--jobs", type=int, default=1, help="simulations run in parallel")
    parser.add_argument("--plot", default=str(RESULTS / "plots" / "active_learning.png"))
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    corpus = load_corpus(ROOT / "data" / "syria")
    labels = task_labels("stance")
    examples = corpus_examples(corpus, "stance", Segmenter(), labels)
    test_ids = set(corpus.test_ids)
    is_test = [a in test_ids for a in columns(examples, ["article_id"])["article_id"]]
    pool = examples.select([i for i, t in enumerate(is_test) if not t])
    test = examples.select([i for i, t in enumerate(is_test) if t])
    print(
        f"pool: {len(pool)} pairs from {len(set(pool['article_id']))} training articles; "
        f"test: {len(test)} pairs; batches of {args.step:.0%} of the pool; {args.seeds} seeds"
    )
    runs = [(s, seed) for seed in range(args.seeds) for s in STRATEGIES]
    done = Parallel(n_jobs=args.jobs, return_as="generator_unordered")(
        delayed(_run)(pool, test, labels, s, seed, args.step, args.override) for s, seed in runs
    )
    curves: dict[str, list] = {s: [] for s in STRATEGIES}
    for strategy, seed, curve in done:
        points = ", ".join(f"{share:.0%}: {f1:.3f}" for share, f1 in curve)
        print(f"{strategy} seed {seed}: {points}", flush=True)
        curves[strategy].append(curve)
    header = "| strategy | " + " | ".join(f"{p:.0%} of pool" for p in REPORT_AT) + " |"
    lines = [header, "|---|" + "---|" * len(REPORT_AT)]
    for name, runs in curves.items():
        cells = []
        for share in REPORT_AT:
            values = [at(c, share) for c in runs]
            cells.append(f"{np.mean(values):.3f} ± {np.std(values):.3f}")
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    table = "\n".join(lines)
    print(table)
    plot(curves, Path(args.plot))
    (RESULTS / "active_learning.md").write_text(
        "# Active learning on the shipped corpus (stance, TF-IDF + LR)\n\n"
        f"`python benchmarks/active_learning.py {' '.join(sys.argv[1:])}`".replace(" `", "`")
        + " — test macro-F1, mean ± sd over "
        f"{args.seeds} seeds, at the share of the training pool ({len(pool)} pairs) labelled; "
        f"start: the pairs of {START_ARTICLES:.0%} of the training articles, then batches of "
        f"{args.step:.0%} of the pool. Model: `framing/conf/model/tfidf_logreg.yaml`"
        + (f" with {' '.join(args.override)}" if args.override else "")
        + ".\n\n"
        + table
        + "\n\n![curves](plots/active_learning.png)\n",
        encoding="utf-8",
    )
    print(f"saved {args.plot} and {RESULTS / 'active_learning.md'}")


def plot(curves: dict[str, list[list[tuple[float, float]]]], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6.5, 4.2))
    for name, runs in curves.items():
        # the start (its share differs per seed: whole articles) at its mean share, then every
        # batch stop, each run read with at() as in the table
        stops = np.arange(0.2, REPORT_AT[-1] + 1e-9, 0.1)
        x = np.array([np.mean([c[0][0] for c in runs]), *stops]) * 100
        y = np.array([[c[0][1], *(at(c, float(s)) for s in stops)] for c in runs])
        ax.plot(x, y.mean(axis=0), marker="o", ms=3, label=name)
        ax.fill_between(
            x, y.mean(axis=0) - y.std(axis=0), y.mean(axis=0) + y.std(axis=0), alpha=0.15
        )
    ax.set_xlabel("training pool labelled (%)")
    ax.set_ylabel("test macro-F1 (stance)")
    ax.set_title("Active learning, TF-IDF + LR, shipped corpus")
    ax.grid(alpha=0.3)
    ax.legend()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.tight_layout()
    fig.savefig(path, dpi=150)
    plt.close(fig)


if __name__ == "__main__":
    main()
