"""The pages' words, in Chinese (the default) and English: one catalogue, looked up by key, kept
in one TOML table per subject beside this module (the pages, the procedures, the forms' fields;
`tables.load`), the procedures' completed from their declarations (`procedures`), and what the
catalogue of messages (`events.messages`) says for everyone: the rules' titles (keyed by rule ID),
the choices' values (`choice.<value>`) and the event types (`event.<type>`).

A key missing from the catalogue falls back to the English text a caller gives, or to the key
itself with underscores as spaces, so a new field or state never breaks a page; it only shows in
English until it is added here."""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal

from api.web.i18n import procedures
from api.web.i18n.tables import load
from events import messages

Lang = Literal["zh", "en"]
LANGS: tuple[Lang, ...] = ("zh", "en")
DEFAULT_LANG: Lang = "zh"
LANG_COOKIE = "uf_lang"


def _merged(*subjects: dict[str, tuple[str, str]]) -> dict[str, tuple[str, str]]:
    """The subjects' words as one catalogue. A key said by two subjects would silently lose one
    of its texts, so it stops the import instead."""
    catalogue: dict[str, tuple[str, str]] = {}
    for words in subjects:
        twice = catalogue.keys() & words.keys()
        if twice:
            raise ValueError(f"keys in two subjects of the pages' catalogue: {sorted(twice)}")
        catalogue |= words
    return catalogue


# key: (中文, English)
_M = _merged(
    load("pages"),
    procedures.WORDS,
    load("fields"),
    load("evidence"),
    load("work"),
    load("lists"),
    messages.RULE_TITLES,
    {f"choice.{value}": pair for value, pair in messages.words.VALUES.items() if ":" not in value},
    {f"event.{name}": pair for name, pair in messages.words.EVENTS.items()},
)


def translate(lang: str, key: str, default: str | None = None, **values: object) -> str:
    """The text for `key` in `lang`, with `{name}` placeholders filled from `values`."""
    pair = _M.get(key)
    if pair is not None:
        text = pair[0] if lang == "zh" else pair[1]
    else:
        text = default if default is not None else key.split(".", 1)[-1].replace("_", " ").replace("-", " ")
    return text.format(**values) if values else text


def has(key: str) -> bool:
    return key in _M


def translator(lang: str) -> Callable[..., str]:
    def t(key: str, default: str | None = None, **values: object) -> str:
        return translate(lang, key, default, **values)

    return t


def pick_lang(value: str | None) -> Lang:
    return "en" if value == "en" else DEFAULT_LANG
