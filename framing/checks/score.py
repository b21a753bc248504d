"""Run a stance model on expanded cases, score them, and report pass rates.

The model is anything with ``task``, ``labels`` and the public
``predict_proba(sentences, actors=...)`` of :class:`framing.FramingModel`: each
(sentence, actor) pair goes through the same path as ``framing.load_model(...).predict``
(unicode repaired, the actor config's mention spans for the actor, the other actors'
spans), so a check sees what inference would.

Pass criteria, per case:

* **MFT** — every scored pair's predicted label is one of the labels the test accepts;
* **INV** — every pair of the case gets the same label;
* **DIR** — with the net score ``p(plus) − p(minus)`` (``positive`` − ``negative`` by
  default): ``up`` — the second sentence's net score is higher by more than
  ``tolerance``; ``down`` — lower by more than ``tolerance``; ``no_flip`` — the two labels
  are not ``plus`` and ``minus`` (in either order).
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from framing.actors import ActorLexicon, load_lexicon
from framing.checks.expand import Case, Pair, expand_suite
from framing.checks.suite import CheckError, Suite, load_suite
from framing.io import atomic_write
from framing.resources import CHECK_SUITES
from framing.sources import resolve_path

DEFAULT_SUITES = CHECK_SUITES  # framing/checks/suites/, shipped in the package
MAX_FAILURES = 5  # failing cases kept per test in the JSON, as examples


def suite_files(paths: Sequence[str | os.PathLike[str]] | None = None) -> list[Path]:
    """Suite files from files and folders (a folder: its ``*.yaml``); none → the shipped ``framing/checks/suites/``."""
    out: list[Path] = []
    for raw in paths or [DEFAULT_SUITES]:
        path = resolve_path(raw)  # as given, else from the source checkout
        if path.is_dir():
            found = sorted(p for p in path.iterdir() if p.suffix in (".yaml", ".yml"))
            if not found:
                raise CheckError(f"{path}: no suite files (*.yaml) in this folder")
            out.extend(found)
        elif path.is_file():
            out.append(path)
        else:
            raise CheckError(f"{path}: no such suite file or folder")
    return out


def model_lexicon(model: Any) -> ActorLexicon:
    """The actor config the model was trained with (its manifest), else the packaged one."""
    segmenter = getattr(model, "segmenter", None)  # a FramingModel: its own fallback rule
    if segmenter is not None:
        return segmenter.lexicon
    return load_lexicon((getattr(model, "manifest", None) or {}).get("actors") or None)


def predict_pairs(model: Any, pairs: Iterable[Pair]) -> dict[Pair, np.ndarray]:
    """Probabilities per distinct pair, in the model's label order, in one batch."""
    unique = list(dict.fromkeys(pairs))
    if not unique:
        return {}
    frame = model.predict_proba([p.text for p in unique], actors=[p.actor for p in unique])
    if len(frame) != len(unique):
        raise CheckError(
            f"the model gave {len(frame)} rows for {len(unique)} (sentence, actor) pairs"
        )
    proba = frame[[f"p_{label}" for label in model.labels]].to_numpy(dtype=float)
    order = frame["sentence_index"].to_numpy()
    return {unique[int(i)]: proba[k] for k, i in enumerate(order)}


def case_passes(
    case: Case, proba: dict[Pair, np.ndarray], labels: Sequence[str], polarity: dict[str, str]
) -> tuple[bool, list[str]]:
    """Whether ``case`` passes, and the predicted label per pair."""
    predicted = [labels[int(np.argmax(proba[p]))] for p in case.pairs]
    if case.type == "mft":
        ok = all(label in accepted for label, accepted in zip(predicted, case.expect, strict=True))
    elif case.type == "inv":
        ok = len(set(predicted)) == 1
    elif case.direction == "no_flip":
        ok = set(predicted) != {polarity["plus"], polarity["minus"]}
    else:
        plus, minus = labels.index(polarity["plus"]), labels.index(polarity["minus"])
        first, second = (proba[p][plus] - proba[p][minus] for p in case.pairs)
        moved = second - first if case.direction == "up" else first - second
        ok = bool(moved > case.tolerance)
    return ok, predicted


class _Tally:
    """Passed / total counts, overall and per actor."""

    def __init__(self) -> None:
        self.cases = self.passed = 0
        self.by_actor: dict[str, list[int]] = {}

    def add(self, case: Case, ok: bool) -> None:
        self.cases += 1
        self.passed += ok
        for actor in case.actors:
            counts = self.by_actor.setdefault(actor, [0, 0])
            counts[0] += 1
            counts[1] += ok

    def to_dict(self) -> dict[str, Any]:
        return {
            "cases": self.cases,
            "passed": self.passed,
            "pass_rate": _rate(self.passed, self.cases),
            "by_actor": {
                a: {"cases": n, "passed": k, "pass_rate": _rate(k, n)}
                for a, (n, k) in self.by_actor.items()
            },
        }


def _rate(passed: int, total: int) -> float | None:
    return round(passed / total, 4) if total else None


def check_suites(
    model: Any, suites: Sequence[Suite], lexicon: ActorLexicon | None = None
) -> dict[str, Any]:
    """Expand ``suites``, run ``model`` on every case, and return the pass rates."""
    lexicon = lexicon or model_lexicon(model)
    labels = [str(x) for x in model.labels]
    expanded: list[tuple[Suite, list[Case]]] = []
    for suite in suites:
        if suite.task != model.task:
            raise CheckError(
                f"{suite.path}: a {suite.task} suite, but the model is a {model.task} model"
            )
        missing = suite.labels() - set(labels)
        if missing:
            raise CheckError(
                f"{suite.path}: labels {sorted(missing)} are not among the model's labels {labels}"
            )
        expanded.append((suite, expand_suite(suite, lexicon)))
    proba = predict_pairs(model, (p for _, cases in expanded for c in cases for p in c.pairs))

    capabilities, tests = [], []
    overall = _Tally()
    for suite, cases in expanded:
        for cap in suite.capabilities:
            cap_tally, by_type = _Tally(), {}
            for spec in cap.tests:
                tally, failures = _Tally(), []
                for case in (c for c in cases if c.capability == cap.name and c.test == spec.name):
                    ok, predicted = case_passes(case, proba, labels, suite.polarity)
                    for t in (tally, cap_tally, overall, by_type.setdefault(spec.type, _Tally())):
                        t.add(case, ok)
                    if not ok and len(failures) < MAX_FAILURES:
                        failures.append(_failure(case, predicted, proba, labels))
                tests.append(
                    {
                        "suite": suite.name,
                        "capability": cap.name,
                        "test": spec.name,
                        "type": spec.type,
                        **tally.to_dict(),
                        "failures": failures,
                    }
                )
            capabilities.append(
                {
                    "suite": suite.name,
                    "capability": cap.name,
                    "description": cap.description,
                    "tests": len(cap.tests),
                    **cap_tally.to_dict(),
                    "by_type": {
                        k: {"cases": t.cases, "pass_rate": _rate(t.passed, t.cases)}
                        for k, t in by_type.items()
                    },
                }
            )
    return {
        "model": str(getattr(model, "model_id", type(model).__name__)),
        "model_path": str(getattr(model, "path", "")),
        "task": model.task,
        "labels": labels,
        "actor_config": lexicon.name,
        "suites": [{"name": s.name, "path": str(s.path)} for s, _ in expanded],
        "summary": {"tests": len(tests), **overall.to_dict()},
        "capabilities": capabilities,
        "tests": tests,
    }


def _failure(
    case: Case, predicted: list[str], proba: dict[Pair, np.ndarray], labels: Sequence[str]
) -> dict[str, Any]:
    out: dict[str, Any] = {
        "sentences": [p.text for p in case.pairs],
        "actors": [p.actor for p in case.pairs],
        "predicted": predicted,
        "proba": [[round(float(x), 4) for x in proba[p]] for p in case.pairs],
    }
    if case.type == "mft":
        out["expected"] = [list(e) for e in case.expect]
    elif case.type == "dir":
        out["direction"] = case.direction
    return out


def run_checks(
    model: Any, suites: Sequence[str | os.PathLike[str]] | None = None, actors: Any = None
) -> dict[str, Any]:
    """Load the suite files (default: the shipped ``framing/checks/suites/``) and check ``model`` on them.

    ``actors``: an actor config (path, mapping or lexicon) to fill and match the
    actor slots; default the one in the model's manifest.
    """
    loaded = [load_suite(p) for p in suite_files(suites)]
    lexicon = load_lexicon(actors) if actors is not None else None
    return check_suites(model, loaded, lexicon)


def write_results(path: str | os.PathLike[str], results: dict[str, Any]) -> Path:
    """Write the results as JSON, atomically."""
    path = Path(path)
    with atomic_write(path) as fh:
        json.dump(results, fh, indent=2, ensure_ascii=False)
        fh.write("\n")
    return path


def metrics_summary(results: dict[str, Any]) -> dict[str, Any]:
    """The pass rates without the per-test failure examples (for a run's ``metrics.json``)."""
    keep = ("model", "suites", "summary", "capabilities")
    out = {k: results[k] for k in keep}
    out["tests"] = [{k: v for k, v in t.items() if k != "failures"} for t in results["tests"]]
    return out


def format_table(results: dict[str, Any]) -> str:
    """A Markdown table: capability, tests, cases, pass rate, and the pass rate per actor."""
    actors = list(dict.fromkeys(a for c in results["capabilities"] for a in c["by_actor"]))
    several = len(results["suites"]) > 1
    head = ["capability", "tests", "cases", "pass rate", *actors]
    if several:
        head.insert(0, "suite")
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    rows = [*results["capabilities"], {"suite": "", "capability": "**all**", **results["summary"]}]
    for cap in rows:
        cells = [cap["capability"], str(cap["tests"]), str(cap["cases"]), _pct(cap["pass_rate"])]
        for actor in actors:
            per = cap["by_actor"].get(actor)
            cells.append(f"{_pct(per['pass_rate'])} ({per['cases']})" if per else "–")
        if several:
            cells.insert(0, cap["suite"])
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def _pct(rate: float | None) -> str:
    return "–" if rate is None else f"{100 * rate:.1f}%"
