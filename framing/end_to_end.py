"""End-to-end evaluation: raw test articles → cleaning, splitting, pair finding, stance →
scored against the gold pairs (``framing evaluate-pipeline``, ``eval.end_to_end``).

This is the number a researcher's conclusions rest on: not the stance model on gold
pairs, but what ``framing predict --summary`` would report on articles it has never
seen. :func:`evaluate_pipeline` runs the articles through :class:`framing.engine.Predictor`
(the one inference path) and reports:

* ``pairs``: pair precision and recall, overall, per actor and per way of finding
  (:func:`framing.pairs.pair_scores`, with the segmenter the predictions used);
* ``stance_found``: stance macro-F1 on the found pairs that are gold pairs (a spurious
  pair has no gold label; it costs precision above), per actor;
* ``stance_gold``: stance macro-F1 of the same model on every gold pair, for reference
  (the classifier alone);
* ``net_stance``: the error of the per-article × actor net stance
  ``(n_positive − n_negative) / n`` (:func:`framing.summary.summarize_rows`, the code
  behind ``--summary``) against the same score of the gold labels: ``mae`` over the
  cells both have, ``mae_missing_as_zero`` over every cell either has (a cell found
  only by one side counts 0 on the other), and the cell counts.

Every sentence of the corpus's articles is annotated, so the predicted summary of a
whole article is compared with the gold one of the same article.
"""

from __future__ import annotations

import argparse
import json
import logging
import math
import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from framing.engine import ArticleFailure, Predictor
from framing.framing_model import FramingModel, load_model
from framing.pairs import pair_scores, scores_markdown
from framing.subcommand import add_command
from framing.summary import summarize_rows

if TYPE_CHECKING:
    from framing.corpus import Corpus

log = logging.getLogger("framing.end_to_end")


def _net(rows: list[dict[str, Any]], labels: Sequence[str]) -> dict[tuple[str, str], float]:
    table = summarize_rows(rows, labels).stance
    if table is None or table.empty:
        return {}
    return {(str(r.article_id), str(r.actor)): float(r.net_stance) for r in table.itertuples()}


def _macro_f1(gold: list[str], pred: list[str], actors: list[str], labels: Sequence[str]):
    from framing.evaluation import classification_metrics

    if not gold:
        return {"n": 0, "macro_f1": float("nan")}
    m = classification_metrics(gold, pred, labels, actors, n_boot=0)
    out = {"n": m["n"], "macro_f1": m["macro_f1"], "accuracy": m["accuracy"]}
    if "per_actor" in m:
        out["per_actor"] = {a: v["macro_f1"] for a, v in m["per_actor"].items()}
    return out


def evaluate_pipeline(
    model: str | os.PathLike[str] | FramingModel,
    corpus: Corpus,
    article_ids: Sequence[str],
    *,
    actors: Any = None,
    batch_size: int = 2048,
    pair_detector: Any = None,
) -> dict[str, Any]:
    """Score the whole inference path on ``article_ids`` of ``corpus`` (see the module
    docstring). ``model``: a saved stance model; ``actors`` overrides its actor config
    (e.g. an older lexicon, to compare ways of finding pairs); ``pair_detector`` adds a
    trained pair detector after the rules (:mod:`framing.pair_detector`)."""
    from framing.examples import ModelInputs

    stance = load_model(model)
    if stance.task != "stance":
        raise ValueError(f"{stance.path}: end-to-end evaluation needs a stance model")
    labels = stance.labels
    ids = [i for i in article_ids if i in corpus.articles]
    missing = sorted(set(article_ids) - set(ids))
    if missing:
        log.warning("%d test article(s) not in the corpus: %s", len(missing), ", ".join(missing))
    predictor = Predictor(stance, batch_size=batch_size, actors=actors, pair_detector=pair_detector)
    by_article = corpus.annotations_by_article()

    # the pipeline's rows, as framing predict writes them
    rows: list[dict[str, Any]] = []
    failures = 0
    for result in predictor.run(corpus.articles[i] for i in ids):
        if isinstance(result, ArticleFailure):
            log.warning("%s: %s", result.where, result.reason)
            failures += 1
        else:
            rows.extend(result.rows)

    # gold rows (one per annotated pair) and the stance of found gold pairs
    predicted = {(r["article_id"], r["start"], r["end"], r["actor"]): r["stance"] for r in rows}
    gold_rows: list[dict[str, Any]] = []
    found_gold, found_pred, found_actor = [], [], []
    inputs, ref_gold, ref_actor = ModelInputs(), [], []
    for art_id in ids:
        article = corpus.articles[art_id]
        sentences = {(s.start, s.end): s for s in predictor.segmenter.segment(article).sentences}
        for k, ann in enumerate(by_article.get(art_id, [])):
            for actor, label in ann.stance.items():
                gold_rows.append(
                    {
                        "article_id": art_id,
                        "source": article.source,
                        "date": article.date,
                        "sentence_index": k,
                        "actor": actor,
                        "stance": label,
                    }
                )
                got = predicted.get((art_id, ann.start, ann.end, actor))
                if got is not None:
                    found_gold.append(label)
                    found_pred.append(got)
                    found_actor.append(actor)
                sentence = sentences.get((ann.start, ann.end))
                if sentence is not None:
                    inputs.add_stance(sentence, actor)
                    ref_gold.append(label)
                    ref_actor.append(actor)
    ref_pred = (
        stance.decide(stance.predict_examples(inputs.columns, batch_size)) if ref_gold else []
    )

    gold_net, pred_net = _net(gold_rows, labels), _net(rows, labels)
    both = sorted(set(gold_net) & set(pred_net))
    either = sorted(set(gold_net) | set(pred_net))

    def mae(cells: list[tuple[str, str]]) -> float:
        if not cells:
            return float("nan")
        errors = [abs(gold_net.get(c, 0.0) - pred_net.get(c, 0.0)) for c in cells]
        return round(sum(errors) / len(errors), 4)

    return {
        "articles": len(ids),
        "failed_articles": failures,
        "actors": predictor.segmenter.lexicon.name,
        "pairs": pair_scores(corpus, predictor.segmenter, ids),
        "stance_found": _macro_f1(found_gold, found_pred, found_actor, labels),
        "stance_gold": _macro_f1(ref_gold, list(ref_pred), ref_actor, labels),
        "net_stance": {
            "mae": mae(both),
            "mae_missing_as_zero": mae(either),
            "cells_gold": len(gold_net),
            "cells_found": len(pred_net),
            "cells_both": len(both),
        },
    }


def end_to_end_markdown(scores: dict[str, Any], title: str = "") -> str:
    """The scores as Markdown: pair table, then stance and net-stance lines."""
    f, g, n = scores["stance_found"], scores["stance_gold"], scores["net_stance"]
    lines = [
        scores_markdown(scores["pairs"], title),
        "",
        f"stance macro-F1 on found pairs: {f['macro_f1']:.3f} (n={f['n']}); "
        f"on gold pairs: {g['macro_f1']:.3f} (n={g['n']})",
        f"net stance MAE (article × actor): {n['mae']:.3f} over {n['cells_both']} cells "
        f"found and gold; {n['mae_missing_as_zero']:.3f} counting missed/spurious cells as 0 "
        f"({n['cells_gold']} gold, {n['cells_found']} found)",
    ]
    return "\n".join(lines)


def test_set_ids(corpus: Corpus, name: str) -> list[str]:
    """Article ids of a held-out test set: ``fixed`` (or ``test``) or a test-only set."""
    sets = corpus.test_sets
    key = "fixed" if name == "test" else name
    if key not in sets or not sets[key]:
        raise ValueError(
            f"{corpus.path}: no test set {name!r} in splits.json (known: {', '.join(sets)})"
        )
    return sets[key]


def _clean(value: Any) -> Any:
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    return value


def clean_test_sets(cfg: Any, corpus: Corpus) -> dict[str, list[str]]:
    """The corpus's held-out sets a run's saved model never trained on: every test-only
    set, and the fixed test split when the run is ``split=heldout`` on it."""
    split = cfg.get("split") or {}
    sets = {k: v for k, v in corpus.test_only.items() if v}
    if split.get("name") == "heldout" and str(split.get("test", "fixed")) == "fixed":
        sets = {"fixed": list(corpus.test_ids), **sets} if corpus.test_ids else sets
    return sets


def _target_corpus(data: Any) -> Any:
    """The corpus data config a run is split on: ``data`` itself, or the target source of
    a several-source config (``data=syria_newsmtsc``); None when that is not a corpus."""
    from framing.mixing import is_multi_source, target_source

    source = target_source(data) if is_multi_source(data) else data
    return source if source.get("format") == "corpus" else None


def end_to_end_metrics(cfg: Any, out: Path) -> dict[str, Any]:
    """The run hook (``eval.end_to_end``, on by default): for a stance run on a corpus
    with raw articles (the data, or the target source of several) and a saved model,
    :func:`evaluate_pipeline` on every held-out set the model never trained on
    (:func:`clean_test_sets`), as ``{"end_to_end": {set: scores}}``; ``{}`` when the run
    has none."""
    from framing.corpus import load_corpus
    from framing.sources import resolve_path

    eval_cfg = cfg.get("eval") or {}
    if not eval_cfg.get("end_to_end", True):
        return {}
    task = cfg.get("task") or {}
    data = cfg.get("data") or {}
    if task.get("name") != "stance" or task.get("multilabel", False):
        return {}
    corpus_data = _target_corpus(data)
    if corpus_data is None or not cfg.get("save_model", True):
        log.info("end-to-end evaluation skipped: needs a corpus with raw articles and save_model")
        return {}
    corpus = load_corpus(resolve_path(corpus_data["path"]))
    sets = clean_test_sets(cfg, corpus)
    if not sets:
        log.info("end-to-end evaluation skipped: no held-out set the model never trained on")
        return {}
    scores = {}
    for name, ids in sets.items():
        scores[name] = _clean(evaluate_pipeline(out / "model", corpus, ids))
        s = scores[name]
        log.info(
            "end to end on %s: pair P %.3f R %.3f, stance macro-F1 on found pairs %s, "
            "net-stance MAE %s",
            name,
            s["pairs"]["overall"]["precision"],
            s["pairs"]["overall"]["recall"],
            s["stance_found"]["macro_f1"],
            s["net_stance"]["mae"],
        )
    return {"end_to_end": scores}


# ---------------------------------------------------------------------------
# the command line
def add_cli(subparsers: Any) -> None:
    p = add_command(subparsers, "evaluate-pipeline", cmd_evaluate_pipeline)
    p.add_argument("--model", required=True, help="a stance run folder (with model/) or model")
    p.add_argument("--data", default="data/syria", help="corpus folder (default: data/syria)")
    p.add_argument(
        "--set",
        default="test",
        help="held-out test set of splits.json: test (the fixed split) or a test-only set "
        "such as realistic (default: test)",
    )
    p.add_argument("--actors", help="actor config YAML instead of the one saved with the model")
    p.add_argument(
        "--pair-detector",
        metavar="DIR",
        help="a trained pair detector (framing train-pair-detector), applied after the rules",
    )
    p.add_argument("-o", "--output", help="also write the scores as JSON")


def cmd_evaluate_pipeline(args: argparse.Namespace) -> int:
    """score raw test articles end to end: pair finding, stance, net stance"""
    from framing.corpus import load_corpus
    from framing.io import atomic_write
    from framing.sources import resolve_path

    corpus = load_corpus(resolve_path(args.data))
    ids = test_set_ids(corpus, args.set)
    scores = evaluate_pipeline(
        args.model, corpus, ids, actors=args.actors, pair_detector=args.pair_detector
    )
    scores["set"] = args.set
    print(end_to_end_markdown(scores, f"{corpus.path.name} · {args.set} · {scores['actors']}"))
    if args.output:
        with atomic_write(Path(args.output)) as fh:
            json.dump(_clean(scores), fh, indent=2)
    return 0
