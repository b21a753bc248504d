"""Lay out a NewsMTSC release the way framing's recipes read it, and the audit-free copy.

    python benchmarks/newsmtsc_files.py --release DATASETS_DIR \\
        [--out ~/.cache/framing/newsmtsc] [--noaudit ~/.cache/framing/newsmtsc_noaudit]

NewsMTSC (Hamborg & Donnay, EACL 2021) is published in its authors' repository
(github.com/fhamborg/NewsMTSC); the folder ``NewsSentiment/experiments/default/datasets``
of a checkout holds ``newsmtsc-rw/`` and ``newsmtsc-mt/``, each with ``train.jsonl`` (the
same 7,758 lines in both), ``dev.jsonl`` and ``test.jsonl``. Give that folder as
``--release``: ``--out`` gets ``newsmtsc-{rw,mt}-{train,dev,test}.jsonl`` (what
``newsmtsc_dir=`` and ``benchmarks/newsmtsc.py`` read).

``--noaudit`` also writes the copy the real-news recipes train on (``stance_joint``,
``stance_joint_war``, ``stance_joint_war_fakes`` with ``newsmtsc_dir=`` that folder): the
train file without the sentences that framing's own real-news audit labelled from it
(``data/real_news/newsmtsc_stance.jsonl`` and ``newsmtsc_mentions.jsonl``, sources
``newsmtsc-*-train``; dropped by ``primary_gid`` and by sentence text, 7,482 of 7,758
lines kept), so the audit's tune and test pools score models that never saw them; dev and
test are copied as they are. A missing file stops with its path.
"""

from __future__ import annotations

import argparse
import json
import shutil
from pathlib import Path

from framing.input_files import iter_jsonl
from framing.io import atomic_write

AUDIT = [
    Path(__file__).resolve().parent.parent / "data/real_news" / name
    for name in ("newsmtsc_stance.jsonl", "newsmtsc_mentions.jsonl")
]
SETS = [(v, s) for v in ("rw", "mt") for s in ("train", "dev", "test")]


def lay_out(release: Path, out: Path) -> list[Path]:
    """Copy the six files of ``release`` to ``out`` under framing's names."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for variant, split in SETS:
        source = release / f"newsmtsc-{variant}" / f"{split}.jsonl"
        if not source.is_file():
            raise SystemExit(
                f"newsmtsc_files: {source} not found (is --release the datasets folder?)"
            )
        target = out / f"newsmtsc-{variant}-{split}.jsonl"
        shutil.copyfile(source, target)
        written.append(target)
    return written


def audited_gids(audit_files: list[Path]) -> set[str]:
    """The ``gid`` of every audit record taken from a train file."""
    return {
        record["gid"]
        for path in audit_files
        for _, record in iter_jsonl(path)
        if isinstance(record, dict) and "train" in record.get("source", "")
    }


def without_audit(folder: Path, out: Path, audit_files: list[Path] = AUDIT) -> tuple[int, int]:
    """Write ``out``: ``folder``'s files, the train files without the audited sentences;
    returns (lines kept, lines read) of the train file."""
    gids = audited_gids(audit_files)
    train = folder / "newsmtsc-rw-train.jsonl"
    lines = train.read_text(encoding="utf-8").splitlines(keepends=True)
    records = [json.loads(line) for line in lines]
    texts = {r["sentence_normalized"] for r in records if r["primary_gid"] in gids}
    kept = [
        line
        for line, r in zip(lines, records, strict=True)
        if r["primary_gid"] not in gids and r["sentence_normalized"] not in texts
    ]
    out.mkdir(parents=True, exist_ok=True)
    for variant, split in SETS:
        name = f"newsmtsc-{variant}-{split}.jsonl"
        if split == "train":
            with atomic_write(out / name) as fh:
                fh.writelines(kept)
        else:
            shutil.copyfile(folder / name, out / name)
    return len(kept), len(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--release", type=Path, required=True, help="the datasets folder")
    parser.add_argument("--out", type=Path, default=Path("~/.cache/framing/newsmtsc"))
    parser.add_argument("--noaudit", type=Path, help="also write the audit-free copy here")
    args = parser.parse_args()
    out = args.out.expanduser()
    written = lay_out(args.release.expanduser(), out)
    print(f"{out}: {len(written)} files")
    if args.noaudit:
        kept, read = without_audit(out, args.noaudit.expanduser())
        print(f"{args.noaudit}: train {kept} of {read} lines kept (audited sentences left out)")


if __name__ == "__main__":
    main()
