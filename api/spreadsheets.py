"""Lists as files a spreadsheet opens: CSV in UTF-8 with a byte-order mark (Excel on Chinese
Windows otherwise reads it in the system's code page and shows garbled text), and .xlsx workbooks
(openpyxl, written row by row). The caller gives the headers (in the reader's language) and the
rows' cells; text a spreadsheet would take for a formula is neutralised as the command line's CSV
does it (`api.output`): behind a single quote in CSV, and in .xlsx kept as text marked with
Excel's own quote prefix, so the cell shows the text as it is and never computes it."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from api.output import BOM, csv_cell, formula_like, plain

CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_CHUNK = 500  # rows written to the stream at a time


def csv_chunks(headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> Iterator[str]:
    """The CSV file, the byte-order mark first, a few hundred rows at a time (to stream)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    out.write(BOM)
    writer.writerow([csv_cell(h) for h in headers])
    for n, row in enumerate(rows, 1):
        writer.writerow([csv_cell(v) for v in row])
        if n % _CHUNK == 0:
            yield out.getvalue()
            out.seek(0)
            out.truncate()
    yield out.getvalue()


def _xlsx_cell(sheet: Any, value: Any, percent: bool) -> Any:
    """A cell's value as the sheet takes it: plain values as they are (openpyxl writes them
    fastest so, a date with its date format), a styled cell only where one is needed."""
    if isinstance(value, list | tuple):
        value = "、".join(str(plain(v)) for v in value)
    elif isinstance(value, dict):
        value = json.dumps(plain(value), ensure_ascii=False)
    if formula_like(value):
        cell = WriteOnlyCell(sheet, value=value)
        cell.data_type = "s"  # openpyxl would store text beginning with "=" as a formula
        cell.quotePrefix = True
        return cell
    if percent and isinstance(value, float):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = "0.0%"
        return cell
    return value


def xlsx_bytes(
    title: str, headers: Sequence[str], rows: Iterable[Sequence[Any]], *, percent: frozenset[int] = frozenset()
) -> bytes:
    """A workbook of one sheet: the header row (bold, frozen), then the rows; the columns whose
    index is in `percent` hold shares shown as percentages."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title[:31])  # Excel's longest sheet name
    sheet.freeze_panes = "A2"
    for i, header in enumerate(headers, 1):
        sheet.column_dimensions[get_column_letter(i)].width = max(10, min(40, 2 * len(header) + 4))
    bold = Font(bold=True)
    head = []
    for header in headers:
        cell = WriteOnlyCell(sheet, value=header)
        cell.data_type, cell.font = "s", bold
        head.append(cell)
    sheet.append(head)
    for row in rows:
        sheet.append([_xlsx_cell(sheet, v, i in percent) for i, v in enumerate(row)])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
