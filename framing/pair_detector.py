"""A trained pair detector in the pipeline: pairs the lexicon's rules do not find.

Two detectors (sentence + previous sentence + what the rules found → the actors referred
to), each in its own module: ``tfidf``, word features and logistic regression
(:class:`~framing.reference_model.ReferenceDetector`, its threshold chosen by grouped
cross-validation), and ``transformer``, a fine-tuned cross-encoder
(:class:`~framing.reference_transformer.TransformerReferenceDetector`, its threshold
chosen on an article-grouped validation share). Either is trained on the train
articles of one or more annotated corpora (:func:`fit_pair_detector`), saved to a
folder and loaded back safely (:meth:`PairDetector.save` / :meth:`PairDetector.load`:
skops with a fixed list of trusted types, or safetensors; never pickle), and applied
by :class:`framing.segment.Segmenter` after the rules (:meth:`PairDetector.add_pairs`): an actor the rules did not find in a sentence
gets a mention with ``how="model"`` when the detector's probability reaches the
threshold and (``salient``, the default) the rules named that actor in the sentence or
one of the two before — an unnamed reference points back to an actor the text has just
named (:func:`~framing.reference_model.salient_only`). Its evidence span is the whole
sentence and its ``surface`` is empty (no words name the actor). Where the rules judged
every mention of the actor *not* the actor ("Moscow" the venue), the detector does not
overrule them.

Optional and off by default: on the shipped corpus it trades precision for recall
(data/README.md, "Pair finding"), and it learns the style of the corpus it is trained
on. ``framing train-pair-detector`` trains one; ``--pair-detector DIR`` applies it in
``framing segment``, ``framing predict`` and ``framing evaluate-pipeline``.
"""

from __future__ import annotations

import argparse
import json
import logging
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from framing.corpus import Mention
from framing.io import atomic_write
from framing.models.safe_load import ModelFolderError
from framing.subcommand import add_command

if TYPE_CHECKING:  # scikit-learn loads with the model, not with `framing --help`
    from framing.corpus import Corpus, Sentence
    from framing.reference_model import ReferenceDetector, ReferenceExample

log = logging.getLogger("framing.pair_detector")

THRESHOLDS = (0.3, 0.4, 0.5, 0.7, 0.9)
MIN_PRECISION = 0.95  # the threshold: the lowest whose cross-validated precision keeps this
MODEL_FILE = "detector.skops"
INFO_FILE = "detector.json"
KIND = "framing-pair-detector"
TRUSTED = (
    "framing.reference_model.ReferenceDetector",
    "framing.reference_model.SentenceEmbeddings",
    "sklearn.compose._column_transformer.ColumnTransformer",
    "sklearn.feature_extraction.text.CountVectorizer",
    "sklearn.feature_extraction.text.TfidfTransformer",
    "sklearn.feature_extraction.text.TfidfVectorizer",
    "sklearn.linear_model._logistic.LogisticRegression",
    "sklearn.multiclass.OneVsRestClassifier",
    "sklearn.pipeline.Pipeline",
    "sklearn.preprocessing._label.LabelBinarizer",
    "sklearn.preprocessing._label.MultiLabelBinarizer",
    "builtins.getattr",
    "numpy.dtype",
)


def cross_validate(
    examples: Sequence[ReferenceExample],
    folds: int = 5,
    thresholds: Sequence[float] = THRESHOLDS,
    **params: Any,
) -> dict[float, list[frozenset[str]]]:
    """Out-of-fold actor sets per threshold, the folds grouped by article."""
    from sklearn.model_selection import GroupKFold

    from framing.reference_model import ReferenceDetector, actor_sets

    groups = [e.article_id for e in examples]
    out: dict[float, list[Any]] = {t: [None] * len(examples) for t in thresholds}
    for fit_idx, eval_idx in GroupKFold(folds).split(examples, groups=groups):
        model = ReferenceDetector(**params).fit([examples[i] for i in fit_idx])
        proba = model.predict_proba([examples[i] for i in eval_idx])  # once per fold
        for t in thresholds:
            for i, found in zip(eval_idx, actor_sets(model.actors, proba, t), strict=True):
                out[t][i] = found
    return out


def choose_threshold(
    examples: Sequence[ReferenceExample], predicted: dict[float, list[frozenset[str]]]
) -> tuple[float, dict[float, dict[str, Any]]]:
    """The lowest threshold whose rules-OR-model pairs keep ``MIN_PRECISION`` (else the
    highest), and the cross-validated scores of each."""
    from framing.reference_model import combine, pair_prf

    scores = {t: pair_prf(examples, combine(examples, sets)) for t, sets in predicted.items()}
    kept = [t for t, s in scores.items() if s["precision"] >= MIN_PRECISION]
    return (min(kept) if kept else max(scores)), scores


def _fit_tfidf(
    examples: Sequence[ReferenceExample], salient: bool, folds: int, **params: Any
) -> tuple[ReferenceDetector, float, dict[str, Any]]:
    """TF-IDF detector; its threshold by grouped cross-validation over the articles."""
    from framing.reference_model import ReferenceDetector, pair_prf, salient_only

    n_articles = len({e.article_id for e in examples})
    if n_articles < folds:
        raise ValueError(
            f"pair detector: {n_articles} training article(s); cross-validation needs at "
            f"least {folds}"
        )
    predicted = cross_validate(examples, folds=folds, **params)
    if salient:
        predicted = {t: salient_only(examples, sets) for t, sets in predicted.items()}
    threshold, scores = choose_threshold(examples, predicted)
    detector = ReferenceDetector(**params).fit(examples)
    info = {
        "params": detector.get_params(),
        "cross_validation": {
            "folds": folds,
            "salient": salient,
            "min_precision": MIN_PRECISION,
            "rules": pair_prf(examples, [e.rule_actors for e in examples]),
            "rules_or_model": {str(t): s for t, s in scores.items()},
        },
    }
    return detector, threshold, info


def _save_tfidf(detector: ReferenceDetector, directory: Path) -> None:
    from framing.models.skops_io import dump_skops

    dump_skops(detector, directory / MODEL_FILE)


def _load_tfidf(directory: Path) -> ReferenceDetector:
    from framing.models.skops_io import load_skops
    from framing.reference_model import ReferenceDetector

    detector = load_skops(directory / MODEL_FILE, TRUSTED)
    if not isinstance(detector, ReferenceDetector) or not hasattr(detector, "pipeline_"):
        raise ModelFolderError(f"{directory / MODEL_FILE}: not a fitted pair detector")
    return detector


def _fit_transformer(
    examples: Sequence[ReferenceExample], salient: bool, folds: int, **params: Any
) -> tuple[Any, float, dict[str, Any]]:
    """Fine-tuned cross-encoder; its threshold on a held-out share of the articles
    (``folds`` unused)."""
    from framing.reference_transformer import train_transformer_detector

    detector, threshold, info = train_transformer_detector(examples, salient=salient, **params)
    return detector, threshold, {"params": detector.model.params(), **info}


def _save_transformer(detector: Any, directory: Path) -> None:
    detector.save(directory)


def _load_transformer(directory: Path) -> Any:
    from framing.reference_transformer import TransformerReferenceDetector

    return TransformerReferenceDetector.load(directory)


class DetectorKind(NamedTuple):
    fit: Any  # (examples, salient, folds, **params) -> (detector, threshold, scores)
    save: Any  # (detector, folder) -> None
    load: Any  # folder -> detector


# ``--model`` and ``detector`` in detector.json -> how it is fitted, written and read
KINDS: dict[str, DetectorKind] = {
    "tfidf": DetectorKind(_fit_tfidf, _save_tfidf, _load_tfidf),
    "transformer": DetectorKind(_fit_transformer, _save_transformer, _load_transformer),
}


class PairDetector:
    """A fitted detector (TF-IDF or transformer) and its threshold (see the module
    docstring)."""

    def __init__(
        self,
        detector: Any,
        threshold: float,
        info: dict[str, Any] | None = None,
        salient: bool = True,
    ) -> None:
        if not 0.0 < float(threshold) <= 1.0:
            raise ValueError(f"pair detector threshold {threshold!r}: must be in (0, 1]")
        self.detector = detector
        self.threshold = float(threshold)
        self.salient = bool(salient)
        self.info = dict(info or {})

    @property
    def actors(self) -> list[str]:
        return self.detector.actors

    @property
    def kind(self) -> str:
        return getattr(self.detector, "kind", "tfidf")

    def add_pairs(self, sentences: list[Sentence], date: str | None) -> list[Sentence]:
        """Add a ``how="model"`` mention to each sentence for each actor the detector finds
        and the rules did not (in place); returns the sentences."""
        from framing.reference_model import sentence_examples

        if not sentences:
            return sentences
        examples = sentence_examples(sentences, date)
        proba = self.detector.predict_proba(examples)
        for sentence, example, row in zip(sentences, examples, proba, strict=True):
            named = {m.actor for m in sentence.mentions}  # the rules decided these
            for actor, p in zip(self.actors, row, strict=True):
                if self.salient and actor not in example.recent:
                    continue
                if p >= self.threshold and actor not in named:
                    sentence.mentions.append(
                        Mention(actor, sentence.start, sentence.end, "", how="model")
                    )
        return sentences

    def save(self, directory: str | Path) -> None:
        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        KINDS[self.kind].save(self.detector, directory)
        info = {
            "kind": KIND,
            "detector": self.kind,
            "threshold": self.threshold,
            "salient": self.salient,
            "actors": self.actors,
            **self.info,
        }
        with atomic_write(directory / INFO_FILE) as fh:
            json.dump(info, fh, indent=2)

    @classmethod
    def load(cls, directory: str | Path) -> PairDetector:
        """A saved detector; a missing, foreign or damaged folder is one line naming it."""
        directory = Path(directory)
        info_path = directory / INFO_FILE
        try:
            info = json.loads(info_path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise ModelFolderError(f"{info_path}: missing (not a pair detector folder)") from None
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise ModelFolderError(f"{info_path}: unreadable ({exc})") from None
        if not isinstance(info, dict) or info.get("kind") != KIND:
            raise ModelFolderError(f"{info_path}: not a pair detector (kind {KIND!r})")
        kind = info.get("detector", "tfidf")  # folders saved before there were two
        if kind not in KINDS:
            raise ModelFolderError(
                f"{info_path}: unknown detector {kind!r} (one of {', '.join(KINDS)})"
            )
        detector = KINDS[kind].load(directory)
        if detector.actors != info.get("actors"):
            raise ModelFolderError(
                f"{directory}: the detector's actors {detector.actors} differ from "
                f"{INFO_FILE}'s {info.get('actors')}"
            )
        try:
            threshold = float(info["threshold"])
        except (KeyError, TypeError, ValueError):
            raise ModelFolderError(f"{info_path}: needs a numeric 'threshold'") from None
        own = ("kind", "detector", "threshold", "salient", "actors")
        extra = {k: v for k, v in info.items() if k not in own}
        return cls(detector, threshold, extra, salient=bool(info.get("salient", True)))


def load_pair_detector(source: str | Path | PairDetector | None) -> PairDetector | None:
    """A detector from a folder (or as given; None stays None)."""
    if source is None or isinstance(source, PairDetector):
        return source
    return PairDetector.load(source)


def train_pair_detector(
    corpus: Corpus,
    segmenter: Any,
    article_ids: Sequence[str],
    folds: int = 5,
    salient: bool = True,
    model: str = "tfidf",
    **params: Any,
) -> tuple[PairDetector, dict[str, Any]]:
    """Fit on ``article_ids`` of one corpus (see :func:`fit_pair_detector`)."""
    from framing.reference_model import reference_examples

    examples = reference_examples(corpus, segmenter, article_ids)
    detector, info = fit_pair_detector(examples, folds, salient, model, **params)
    detector.info["trained_on"] = {"corpus": str(corpus.path), "articles": len(set(article_ids))}
    return detector, detector.info


def fit_pair_detector(
    examples: Sequence[ReferenceExample],
    folds: int = 5,
    salient: bool = True,
    model: str = "tfidf",
    **params: Any,
) -> tuple[PairDetector, dict[str, Any]]:
    """Fit a detector of kind ``model`` (:data:`KINDS`: ``tfidf``, its threshold by
    grouped cross-validation over the examples' articles; ``transformer``, its threshold
    on an article-grouped validation share), the pairs scored as the pipeline keeps them
    (``salient``); returns the detector and its scores."""
    if model not in KINDS:
        raise ValueError(f"pair detector: unknown model {model!r} (one of {', '.join(KINDS)})")
    detector, threshold, info = KINDS[model].fit(examples, salient, folds, **params)
    return PairDetector(detector, threshold, info, salient=salient), info


# ---------------------------------------------------------------------------
# the command line
def add_cli(subparsers: Any) -> None:
    p = add_command(subparsers, "train-pair-detector", cmd_train_pair_detector)
    p.add_argument(
        "--data",
        action="append",
        help="corpus folder; repeat to train on several (default: data/syria)",
    )
    p.add_argument("-o", "--output", required=True, help="folder to save the detector in")
    p.add_argument("--actors", help="actor config YAML (default: the packaged one)")
    p.add_argument(
        "--model",
        choices=sorted(KINDS),
        default="tfidf",
        help="tfidf (word features + logistic regression, the default) or transformer "
        "(a fine-tuned cross-encoder; minutes to tens of minutes on a CPU)",
    )
    p.add_argument("--embeddings", action="store_true", help="tfidf: add sentence embeddings")
    p.add_argument(
        "--folds", type=int, default=5, help="tfidf: cross-validation folds (default: 5)"
    )
    p.add_argument(
        "--C", type=float, default=4.0, help="tfidf: inverse regularisation (default: 4)"
    )
    p.add_argument("--checkpoint", default="default", help="transformer: encoder to fine-tune")
    p.add_argument("--epochs", type=float, default=3.0, help="transformer: epochs (default: 3)")
    p.add_argument("--seed", type=int, default=13, help="transformer: seed (default: 13)")
    p.add_argument(
        "--anywhere",
        action="store_true",
        help="let it add an actor the rules did not name in the sentence or the two before "
        "(default: only those, as unnamed references point back)",
    )


def cmd_train_pair_detector(args: argparse.Namespace) -> int:
    """train a pair detector on corpora's train articles

    Fits the learned pair detector on every annotated article outside each corpus's
    held-out sets, chooses its threshold (the lowest keeping pair precision >= 0.95 for
    rules OR model: by grouped cross-validation for tfidf, on a held-out 15% of the
    articles for transformer) and saves it; apply it with --pair-detector DIR in segment,
    predict and evaluate-pipeline."""
    from framing.corpus import load_corpus
    from framing.pairs import split_ids
    from framing.reference_model import reference_examples
    from framing.segment import Segmenter
    from framing.sources import resolve_path

    segmenter = Segmenter(args.actors)
    examples: list[Any] = []
    trained_on = []
    for folder in args.data or ["data/syria"]:
        corpus = load_corpus(resolve_path(folder))
        ids = split_ids(corpus, "train")
        examples += reference_examples(corpus, segmenter, ids)
        trained_on.append({"corpus": str(corpus.path), "articles": len(ids)})
    if args.model == "transformer":
        params = {"checkpoint": args.checkpoint, "epochs": args.epochs, "seed": args.seed}
    else:
        params = {"folds": args.folds, "C": args.C, "embeddings": args.embeddings}
    try:
        detector, info = fit_pair_detector(
            examples, salient=not args.anywhere, model=args.model, **params
        )
    except ValueError as exc:
        log.error("%s", exc)
        return 2
    detector.info["trained_on"] = trained_on
    detector.save(args.output)
    scores = info.get("cross_validation") or info["validation"]
    chosen = scores["rules_or_model"][str(detector.threshold)]
    how = "cross-validated" if "cross_validation" in info else "on the validation share,"
    print(
        f"{args.output}: {sum(t['articles'] for t in trained_on)} train articles, "
        f"threshold {detector.threshold} ({how} rules OR model: precision "
        f"{chosen['precision']:.3f}, recall {chosen['recall']:.3f}; rules alone "
        f"{scores['rules']['precision']:.3f} / {scores['rules']['recall']:.3f})"
    )
    return 0
