"""A subject's words, kept as a TOML table beside this module: `key = ["中文", "English"]`."""

from __future__ import annotations

import tomllib
from pathlib import Path


def load(subject: str) -> dict[str, tuple[str, str]]:
    """The words of `<subject>.toml`, in the file's order."""
    with Path(__file__).with_name(f"{subject}.toml").open("rb") as f:
        table = tomllib.load(f)
    return {key: (zh, en) for key, (zh, en) in table.items()}
