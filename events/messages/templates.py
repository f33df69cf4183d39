"""Message templates, kept as TOML tables beside this module: `key = ["中文", "English"]`, with
`{name}` placeholders that name the evidence the message is filled from."""

from __future__ import annotations

import string
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

Lang = Literal["zh", "en"]
LANGS: tuple[Lang, ...] = ("zh", "en")
HERE = Path(__file__).parent


@dataclass(frozen=True)
class Template:
    key: str
    zh: str
    en: str

    def text(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en

    def names(self, lang: str | None = None) -> frozenset[str]:
        """The evidence each language's text names (both when `lang` is None)."""
        texts = (self.zh, self.en) if lang is None else (self.text(lang),)
        return frozenset(name for text in texts for _, name, _, _ in string.Formatter().parse(text) if name)

    def fill(self, lang: str, values: Mapping[str, Any], word: Callable[[str, Any, str], str]) -> str | None:
        """The text with each placeholder's value put in words (`word(name, value, spec)`: the
        spec is what follows a colon, "{extension_approved:flag}"), or None when the values lack
        one of them."""
        if not self.names(lang) <= values.keys():
            return None
        out: list[str] = []
        for literal, name, spec, _ in string.Formatter().parse(self.text(lang)):
            out.append(literal)
            if name:
                out.append(word(name, values[name], spec or ""))
        return "".join(out)


def read_toml(file: str) -> dict[str, Any]:
    with (HERE / f"{file}.toml").open("rb") as f:
        return tomllib.load(f)


def load_table(name: str) -> dict[str, tuple[str, str]]:
    """A table of `<name>.toml` (a dotted name: a section of the file), in the file's order."""
    file, _, section = name.partition(".")
    table = read_toml(file)
    if section:
        table = table[section]
    return {key: (zh, en) for key, (zh, en) in table.items()}


def load_templates(name: str) -> dict[str, Template]:
    return {key: Template(key, zh, en) for key, (zh, en) in load_table(name).items()}
