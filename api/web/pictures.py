"""Pictures drawn on the server as inline SVG (no JavaScript needed): the coverage bars with their
targets and the terms timeline (a procedure's progress is a stepper of HTML: `stepper`).

The SVG is built as data (boxes, arrows, labels with their text) and written by the template; the
template escapes every text, so nothing here produces markup."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from projections.queries import FIGURES, CoverageTarget, rate_parts

MARGIN = 12


@dataclass(frozen=True)
class Bar:
    label: str
    value: float | None  # a rate, 0..1; None: nothing to divide by
    numerator: int
    denominator: int
    # The figure's target as it applies to the subtree (RULES.md §7), if any: its own or inherited.
    target: CoverageTarget | None = None

    @property
    def percent(self) -> str:
        return "—" if self.value is None else f"{self.value * 100:.1f}%"

    def width(self, full: int) -> int:
        return 0 if self.value is None else round(min(self.value, 1.0) * full)

    @property
    def target_text(self) -> str:
        """ "≥ 91.0%" (or "≤ ..." for a figure to stay within), "" without a target."""
        t = self.target
        return "" if t is None else f"{'≥' if t.reads == 'at_least' else '≤'} {t.target * 100:.1f}%"

    def target_x(self, full: int) -> int:
        return round(self.target.target * full) if self.target is not None else 0

    @property
    def met(self) -> bool | None:
        return self.target.met(self.value) if self.target is not None else None


def coverage_bars(
    coverage: Any, t: Callable[..., str], targets: Mapping[str, CoverageTarget] | None = None
) -> list[Bar]:
    """The coverage rates as bars, each with its target (`projections.queries.coverage_targets`),
    by the figure's stable key (its label's key where that differs)."""
    targets = targets or {}
    bars = []
    for key, rate in FIGURES.items():
        parts = rate_parts(rate)
        if parts is None:  # a count, not a rate: no bar
            continue
        value, n, d = getattr(coverage, rate), getattr(coverage, parts[0]), getattr(coverage, parts[1])
        bars.append(Bar(t(f"coverage.{rate}"), value, n, d, targets.get(key)))
    return bars


@dataclass(frozen=True)
class Span:
    label: str
    x: float
    width: float
    extension_width: float  # the part beyond the term's end, up to an approved extension's deadline
    start: dt.date
    end: dt.date
    deadline: dt.date


@dataclass(frozen=True)
class Timeline:
    width: int
    spans: list[Span]
    first: dt.date
    last: dt.date


def terms_timeline(terms: Sequence[Any], t: Callable[..., str], width: int = 640) -> Timeline | None:
    """Each term as a bar from its start to its end, with the approved extension up to the
    deadline drawn after it, on one time axis."""
    if not terms:
        return None
    first = min(term.start for term in terms)
    last = max(max(term.end, term.deadline) for term in terms)
    days = max(1, (last - first).days)
    scale = (width - 2 * MARGIN) / days
    spans = []
    for term in terms:
        x = MARGIN + (term.start - first).days * scale
        w = (term.end - term.start).days * scale
        ext = max(0, (term.deadline - term.end).days) * scale
        spans.append(Span(t("term_no") + f" {term.term_no}", x, w, ext, term.start, term.end, term.deadline))
    return Timeline(width, spans, first, last)
