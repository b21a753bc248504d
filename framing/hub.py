"""``framing push MODEL REPO_ID``: upload a saved model and its card to the Hugging Face Hub.

For users who are online: the model folder (weights or skops files, tokenizer,
``manifest.json``) goes up as it is, with its ``README.md`` model card written afresh
first (:func:`framing.model_card.write_card`). Authentication is huggingface_hub's own
(``hf auth login`` or the ``HF_TOKEN`` variable).
"""

from __future__ import annotations

import argparse
import logging
from pathlib import Path

from framing.subcommand import add_command

__all__ = ["push_model"]
log = logging.getLogger(__name__)


def push_model(
    path: str | Path,
    repo_id: str,
    *,
    private: bool = False,
    revision: str | None = None,
    message: str | None = None,
) -> str:
    """Create ``repo_id`` (if it does not exist) and upload the model folder; returns the
    URL of the commit."""
    from huggingface_hub import HfApi

    from framing.model_card import write_card
    from framing.models import resolve_model_dir

    directory = resolve_model_dir(path)
    write_card(directory)
    api = HfApi()
    api.create_repo(repo_id, repo_type="model", private=private, exist_ok=True)
    info = api.upload_folder(
        repo_id=repo_id,
        repo_type="model",
        folder_path=str(directory),
        revision=revision,
        commit_message=message or f"Upload framing model from {directory.name}",
    )
    return str(getattr(info, "commit_url", info))


def add_cli(sub: argparse._SubParsersAction) -> None:
    p = add_command(sub, "push", _cmd_push)
    p.add_argument("model", help="saved model folder or run folder")
    p.add_argument("repo_id", help="the Hub repository, e.g. user/framing-stance")
    p.add_argument("--private", action="store_true", help="create the repository as private")
    p.add_argument("--revision", help="branch to push to (default: main)")
    p.add_argument("--message", help="commit message")


def _cmd_push(args: argparse.Namespace) -> int:
    """upload a saved model and its card to the Hugging Face Hub

    Upload a saved model folder (or a run's model/) with its model card to a Hub model
    repository, created if missing. Needs a login (hf auth login or HF_TOKEN).
    """
    try:
        url = push_model(
            args.model,
            args.repo_id,
            private=args.private,
            revision=args.revision,
            message=args.message,
        )
    except FileNotFoundError as exc:
        log.error("%s", exc)
        return 2
    except Exception as exc:  # huggingface_hub: network, authentication, permissions
        log.error("push to %s failed: %s: %s", args.repo_id, type(exc).__name__, exc)
        return 1
    print(url)
    return 0
