"""The reported metrics, listed once: how each is read from ``metrics.json``, which
direction is better, its table header and its formatter.

:mod:`framing.tables` (``framing compare``, sweep summaries) builds its columns, its
sort order and its ``--sort`` aliases from :data:`METRICS`. Adding a metric: compute it
in :mod:`framing.evaluation` (a key of ``overall``) and add one :class:`Metric` here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Metric:
    """One reported metric.

    ``key``: its table column; ``header`` / ``group_header``: the headers of the run
    table and of the grouped (mean ± sd) table; ``kind``: the run table's formatter
    (``ci``: value with its interval, ``metric``: three decimals); ``higher_is_better``:
    the sort direction; ``read(metrics)``: the value from a run's ``metrics.json``;
    ``aliases``: other names ``--sort`` accepts.
    """

    key: str
    header: str
    read: Callable[[dict[str, Any]], Any]
    kind: str = "metric"
    group_header: str | None = None
    higher_is_better: bool = True
    aliases: tuple[str, ...] = ()


def _overall(name: str) -> Callable[[dict[str, Any]], Any]:
    return lambda m: (m.get("overall") or {}).get(name)


def _headline(m: dict[str, Any]) -> Any:
    return (m.get("headline") or {}).get("value", (m.get("overall") or {}).get("macro_f1"))


def _multi_actor(m: dict[str, Any]) -> Any:
    return ((m.get("subsets") or {}).get("multi_actor") or {}).get("macro_f1")


METRICS: tuple[Metric, ...] = (
    Metric(
        "macro_f1",
        "macro-F1 [95% CI]",
        _headline,
        kind="ci",
        group_header="macro-F1 (mean ± sd)",
        aliases=("macro-f1", "f1", "headline"),
    ),
    Metric("accuracy", "accuracy", _overall("accuracy")),
    # F1 over positive and negative: NewsMTSC's F1pn, and SemEval-2016 task 6's official
    # F_avg, (F1(FAVOR) + F1(AGAINST)) / 2 with NONE counted in both (framing.evaluation.f1_pn)
    Metric("f1_pn", "F1pn", _overall("f1_pn"), aliases=("f1pn", "f_avg", "favg")),
    Metric(
        "multi_actor_macro_f1",
        "multi-actor F1",
        _multi_actor,
        aliases=("multi_actor", "multi-actor"),
    ),
)
