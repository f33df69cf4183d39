"""CSV exports (`unionflow ... --format csv`) never hand a spreadsheet a formula: a text cell that
starts with = + - @ (or a tab or carriage return) is prefixed with a single quote, as OWASP's
"CSV injection" advice says; numbers, dates and plain text are written as they are (issue 20,
point 4)."""

from __future__ import annotations

import csv
import io

import pytest

from api import output


def exported(value: object, capsys: pytest.CaptureFixture[str]) -> str:
    output.emit_rows([{"name": value}], [("name", "Name")], output.Format.csv)
    out = capsys.readouterr().out
    assert out.startswith("\ufeff")  # the byte-order mark Excel on Chinese Windows reads UTF-8 by
    rows = list(csv.reader(io.StringIO(out.removeprefix("\ufeff"))))
    assert rows[0] == ["name"]
    return rows[1][0]


@pytest.mark.parametrize("text", ["=1+1", "+SUM(A1)", "-2+3", "@cmd", '=HYPERLINK("http://x")', "\t=1"])
def test_a_formula_like_cell_is_quoted(text: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert exported(text, capsys) == "'" + text


@pytest.mark.parametrize(
    ("value", "cell"), [("江岸区总工会", "江岸区总工会"), (-5, "-5"), (12, "12"), ("2024-01-01", "2024-01-01")]
)
def test_other_cells_are_written_as_they_are(value: object, cell: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert exported(value, capsys) == cell
