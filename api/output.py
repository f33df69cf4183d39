"""Rendering the command line's answers: a rich table for people, JSON or CSV for pipes.

Tables go to a terminal (or are read by a person from a pager); JSON and CSV are written to stdout
with nothing else on it (messages go to stderr), so `unionflow alerts --format csv > alerts.csv`
and `... --format json | jq` work. Values are made plain first (`plain`): dates as ISO text,
dataclasses as dicts, so the three formats say the same thing."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import json
import sys
from collections.abc import Iterable, Mapping, Sequence
from enum import StrEnum
from typing import Any

from rich import box
from rich.cells import cell_len
from rich.console import Console
from rich.table import Table
from rich.text import Text

from api.settings import Settings
from api.web.i18n.columns import column_header


class Format(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


FORMATS = tuple(f.value for f in Format)


def parse_format(value: str, allowed: Sequence[str] = FORMATS) -> Format:
    """The `--format` option's value, or ValueError naming the choices (the caller says which option)."""
    if value not in allowed:
        raise ValueError(f"{value!r} is not a format here; choose one of {', '.join(allowed)}")
    return Format(value)


def plain(value: Any) -> Any:
    """JSON-safe: dates and times as ISO text, dataclasses and mappings as dicts, tuples as lists."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [plain(v) for v in value]
    if hasattr(value, "model_dump"):
        return plain(value.model_dump(mode="json"))
    return value


def console() -> Console:
    """A console on the current stdout (looked up at call time, so test runners can capture it).
    Off a terminal, tables get a generous width instead of rich's 80 columns, so rows keep one line."""
    out = sys.stdout
    return Console(file=out, width=None if out.isatty() else 200, highlight=False, soft_wrap=False)


def _cell(value: Any) -> Text:
    # Text, not markup: values such as evidence may hold brackets rich would read as style tags.
    return Text(_text(value))


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:.1%}" if 0 <= value <= 1 else f"{value:,.1f}"
    if isinstance(value, list | tuple):
        return ", ".join(_text(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(plain(value), ensure_ascii=False)
    return str(plain(value))


# A spreadsheet reads a cell starting with one of these as a formula (CSV injection): such text is
# written with a leading single quote (OWASP's advice), so a name like "=HYPERLINK(...)" stays text.
# The one list of them: the CSV files of the command line and of the pages, and the .xlsx files
# (`api.spreadsheets`, which mark such a cell as text instead).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
BOM = "\ufeff"  # first in a CSV file: Excel then reads it as UTF-8, not as the system's code page


def formula_like(value: Any) -> bool:
    """Text a spreadsheet would read as a formula."""
    return isinstance(value, str) and value.startswith(_FORMULA_START)


def csv_cell(value: Any) -> Any:
    """A value as a CSV cell: lists and mappings as JSON, dates as ISO text, text that would be
    read as a formula behind a single quote."""
    if value is None:
        return ""
    if isinstance(value, list | tuple | dict):
        value = json.dumps(plain(value), ensure_ascii=False)
    value = plain(value)
    if formula_like(value):
        return "'" + value
    return value


def csv_headers(keys: Sequence[str]) -> list[str]:
    """A CSV file's header: each column's key (the field JSON names it by), or with the setting
    UNIONFLOW_LANG=zh its Chinese name."""
    lang = Settings().lang
    return [column_header("zh", k) for k in keys] if lang == "zh" else list(keys)


Columns = Sequence[tuple[str, str]]  # (key in the row, header)


def emit_rows(
    rows: Iterable[Mapping[str, Any]],
    columns: Columns,
    fmt: Format,
    *,
    title: str | None = None,
    caption: str | None = None,
    json_rows: Iterable[Any] | None = None,
) -> None:
    """A list of records. Tables and CSV show `columns`; JSON shows every field of each record
    (or of `json_rows`, the full records, when the table shows a summary of them)."""
    rows = list(rows)
    if fmt is Format.json:
        body = plain(list(json_rows) if json_rows is not None else rows)
        sys.stdout.write(json.dumps(body, ensure_ascii=False, indent=2) + "\n")
        return
    if fmt is Format.csv:
        sys.stdout.write(BOM)
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(csv_headers([key for key, _ in columns]))
        for row in rows:
            writer.writerow([csv_cell(row.get(key)) for key, _ in columns])
        return
    # At least as wide as the title, which rich would otherwise wrap to the columns' width.
    table = Table(title=title, caption=caption, box=box.SIMPLE_HEAD, min_width=cell_len(title or "") + 4)
    for _, header in columns:
        table.add_column(header, overflow="fold")
    for row in rows:
        table.add_row(*(_cell(row.get(key)) for key, _ in columns))
    console().print(table)


def emit_record(
    sections: Sequence[tuple[str, Sequence[tuple[str, Any]]]],
    fmt: Format,
    *,
    json_body: Any,
    lists: Sequence[tuple[str, Sequence[Mapping[str, Any]], Columns]] = (),
) -> None:
    """One record shown as titled key/value sections and titled lists (tables), or as `json_body`."""
    if fmt is Format.json:
        sys.stdout.write(json.dumps(plain(json_body), ensure_ascii=False, indent=2) + "\n")
        return
    if fmt is Format.csv:
        raise ValueError("csv is for lists; use table or json")
    out = console()
    for title, pairs in sections:
        table = Table(
            title=title, title_justify="left", box=box.SIMPLE, show_header=False, min_width=cell_len(title) + 4
        )
        table.add_column("field", style="bold")
        table.add_column("value", overflow="fold")
        for key, value in pairs:
            table.add_row(key, _cell(value))
        out.print(table)
    for title, rows, columns in lists:
        if not rows:
            out.print(f"[bold]{title}[/bold]: none\n")
            continue
        table = Table(title=title, title_justify="left", box=box.SIMPLE_HEAD, min_width=cell_len(title) + 4)
        for _, header in columns:
            table.add_column(header, overflow="fold")
        for row in rows:
            table.add_row(*(_cell(row.get(key)) for key, _ in columns))
        out.print(table)
