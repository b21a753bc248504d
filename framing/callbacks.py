"""Hydra callbacks for ``framing-run``.

:class:`SweepSummary` writes ``summary.md`` and ``summary.csv`` into the sweep
folder when a multirun ends: the table ``framing compare <sweep>`` prints. Enable
it in ``framing/conf/config.yaml``::

    hydra:
      callbacks:
        sweep_summary:
          _target_: framing.callbacks.SweepSummary

or for one sweep: ``framing-run -m ++hydra.callbacks.sweep_summary._target_=framing.callbacks.SweepSummary ...``
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from hydra.experimental.callback import Callback
from omegaconf import DictConfig, OmegaConf

log = logging.getLogger("framing.callbacks")


class SweepSummary(Callback):
    """Write the sweep's comparison table (Markdown and CSV) when the sweep ends.

    ``sort``: a ``framing compare --sort`` key (e.g. ``macro_f1``); default: job order.
    A failure here is logged, never raised: the sweep's runs are already written.
    """

    def __init__(self, sort: str | None = None) -> None:
        self.sort = sort

    def on_multirun_end(self, config: DictConfig, **kwargs: Any) -> None:
        from framing.compare import CompareError, write_sweep_summary

        folder = OmegaConf.select(config, "hydra.sweep.dir")
        if not folder:
            log.warning("sweep summary not written: the config has no hydra.sweep.dir")
            return
        sweep_dir = Path(str(folder))
        if not sweep_dir.is_dir():
            log.warning("sweep summary not written: %s does not exist", sweep_dir)
            return
        try:
            md, csv_path = write_sweep_summary(sweep_dir, sort=self.sort)
        except (CompareError, OSError, ValueError) as exc:
            log.warning("sweep summary not written: %s", exc)
            return
        log.info("sweep summary: %s, %s", md, csv_path)
