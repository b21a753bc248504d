"""The installed package's version, read from its metadata (no heavy imports)."""

from __future__ import annotations


def package_version() -> str:
    """The installed version of ``framing`` (``"unknown"`` when not installed)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("framing")
    except PackageNotFoundError:
        return "unknown"
