"""The headers of the lists' files (the pages' CSV and .xlsx exports, the command line's CSV with
UNIONFLOW_LANG=zh): a column's key `k` is `col.k` in the catalogue (lists.toml), a coverage
figure's target `<figure>_target` that figure's name and "target"; a key not in the catalogue shows
as itself."""

from __future__ import annotations

from api.web.i18n import translate

_TARGET = "_target"


def column_header(lang: str, key: str) -> str:
    if key.endswith(_TARGET) and key != _TARGET:
        return translate(lang, "col.target_of", figure=column_header(lang, key.removesuffix(_TARGET)))
    return translate(lang, f"col.{key}", key)
