"""Reading the file: a CSV file (UTF-8) or an .xlsx workbook (its first sheet), each row as column
-> text under the column's name, whatever header (English or Chinese, `columns.HEADERS`) named it.
A row's number is its line in the CSV file, or its row in the sheet."""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, BinaryIO

from api.importer.columns import COLUMNS, HEADERS, REQUIRED_COLUMNS

Records = Iterator[tuple[int, dict[str, str]]]

_XLSX_MAGIC = b"PK\x03\x04"  # a workbook is a zip archive


class ImportFileError(Exception):
    """The file as a whole cannot be read (encoding, header): nothing row by row to report."""


def open_source(source: str | Path | BinaryIO) -> tuple[str, bytes]:
    if isinstance(source, str | Path):
        raw = Path(source).read_bytes()
        name = str(source)
    else:
        raw = source.read()
        name = getattr(source, "name", "<stream>")
    return name, raw


def records(raw: bytes) -> Records:
    """Each non-blank row with its number, as column -> text; a row of the wrong width as
    {"__width__": why}."""
    if raw.startswith(_XLSX_MAGIC):
        return _xlsx_records(raw)
    return _csv_records(decode(raw))


def decode(raw: bytes) -> str:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ImportFileError(
            f"the file is not UTF-8: invalid byte at line {line} (save it as UTF-8 CSV, or as an .xlsx workbook)"
        ) from exc
    return text.removeprefix(codecs.BOM_UTF8.decode())


def _columns(header: Iterable[str]) -> list[str]:
    """The columns the header row names (English names or Chinese headers), refused when unknown,
    missing or named twice."""
    given = [h.strip() for h in header]
    unknown = [h for h in given if h not in HEADERS]
    if unknown:
        raise ImportFileError(
            f"line 1: unknown column(s) {', '.join(map(repr, unknown))}; the columns are {', '.join(COLUMNS)} "
            "(or their Chinese headers: unionflow import --help)"
        )
    names = [HEADERS[h] for h in given]
    missing = [n for n in REQUIRED_COLUMNS if n not in names]
    if missing:
        raise ImportFileError(f"line 1: missing column(s) {', '.join(missing)}; the columns are {', '.join(COLUMNS)}")
    duplicated = sorted({n for n in names if names.count(n) > 1})
    if duplicated:
        raise ImportFileError(f"line 1: column(s) named twice: {', '.join(duplicated)}")
    return names


def _rows(names: list[str], numbered: Iterable[tuple[int, list[str]]]) -> Records:
    for number, values in numbered:
        if not any(v.strip() for v in values):
            continue  # a blank row
        if len(values) != len(names):
            yield number, {"__width__": f"{len(values)} fields, the header has {len(names)}"}
            continue
        yield number, dict(zip(names, values, strict=True))


# --------------------------------------------------------------------------- CSV


def _csv_records(text: str) -> Records:
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        raise ImportFileError("the file is empty: expected a header row naming the columns") from None
    except csv.Error as exc:
        raise ImportFileError(f"line 1: not valid CSV: {exc}") from exc
    names = _columns(header)

    def numbered() -> Iterator[tuple[int, list[str]]]:
        while True:
            try:
                values = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                raise ImportFileError(f"line {reader.line_num}: not valid CSV: {exc}") from exc
            yield reader.line_num, values

    return _rows(names, numbered())


# --------------------------------------------------------------------------- .xlsx


def _cell_text(value: Any) -> str:
    """A cell as the text a CSV file would have: dates as YYYY-MM-DD, whole numbers without '.0'."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _xlsx_records(raw: bytes) -> Records:
    """The first sheet's rows; row 1 names the columns. Cells past the header's last column must
    be empty (a value there is a row of the wrong width)."""
    import zipfile

    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise ImportFileError(f"not a readable .xlsx workbook: {exc}") from exc
    sheet = book.worksheets[0] if book.worksheets else None
    rows = iter(sheet.iter_rows(values_only=True)) if sheet is not None else iter(())
    header = [_cell_text(v) for v in next(rows, ())]
    while header and not header[-1].strip():
        header.pop()
    if not header:
        raise ImportFileError("the workbook's first sheet is empty: expected row 1 naming the columns")
    names = _columns(header)

    def numbered() -> Iterator[tuple[int, list[str]]]:
        for number, cells in enumerate(rows, start=2):
            values = [_cell_text(v) for v in cells]
            while len(values) > len(names) and not values[-1].strip():
                values.pop()
            values += [""] * (len(names) - len(values))
            yield number, values
        book.close()

    return _rows(names, numbered())
