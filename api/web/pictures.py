"""Pictures drawn on the server as inline SVG (no JavaScript needed): a procedure kind's state
diagram with the current state and the path taken, the coverage bars with their targets, and the
terms timeline.

The SVG is built as data (boxes, arrows, labels with their text) and written by the template; the
template escapes every text, so nothing here produces markup."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from projections.queries import FIGURES, CoverageTarget

BOX_W, BOX_H, GAP_X, GAP_Y, COLS, MARGIN = 176, 46, 34, 40, 4, 12


@dataclass(frozen=True)
class Node:
    state: str
    label: str
    x: int
    y: int
    current: bool
    visited: bool
    terminal: bool

    @property
    def cx(self) -> int:
        return self.x + BOX_W // 2

    @property
    def cy(self) -> int:
        return self.y + BOX_H // 2


@dataclass(frozen=True)
class Arrow:
    n: int  # the step's number along the path taken
    d: str  # the SVG path
    mx: float  # where its number goes
    my: float


@dataclass(frozen=True)
class StateDiagram:
    width: int
    height: int
    nodes: list[Node]
    arrows: list[Arrow]
    # state -> [(trigger label, destination label)]: the full machine, as an accessible list
    steps_out: dict[str, list[tuple[str, str]]]


def _edge_point(a: Node, b: Node) -> tuple[float, float]:
    """Where the line from a's centre towards b's centre leaves a's box."""
    dx, dy = b.cx - a.cx, b.cy - a.cy
    if dx == 0 and dy == 0:
        return a.cx, a.cy
    sx = (BOX_W / 2) / abs(dx) if dx else float("inf")
    sy = (BOX_H / 2) / abs(dy) if dy else float("inf")
    s = min(sx, sy)
    return a.cx + dx * s, a.cy + dy * s


def _arrow(n: int, a: Node, b: Node) -> Arrow:
    """A straight arrow between neighbours; between boxes further apart on one row, an arc above
    the row, so that it does not run through the boxes between them."""
    if a.y == b.y and abs(a.x - b.x) > BOX_W + GAP_X:
        left, right, top = a.cx, b.cx, a.y
        cx, cy = (left + right) / 2, top - GAP_Y * 0.9
        return Arrow(n, f"M {left} {top} Q {cx} {cy} {right} {top}", cx, (top + cy) / 2)
    x1, y1 = _edge_point(a, b)
    x2, y2 = _edge_point(b, a)
    return Arrow(n, f"M {x1:.1f} {y1:.1f} L {x2:.1f} {y2:.1f}", (x1 + x2) / 2, (y1 + y2) / 2)


def state_diagram(
    description: dict[str, Any],
    current: str | None,
    history: Sequence[str],
    state_label: Callable[[str], str],
    trigger_label: Callable[[str, str], str],
) -> StateDiagram:
    """Lay the kind's states out in reading order (the machine's declared order), highlight
    `current`, and number the moves of `history` (the states passed through)."""
    states: list[str] = list(description["states"])
    terminal = set(description["terminal"])
    visited = set(history)
    nodes: dict[str, Node] = {}
    for i, state in enumerate(states):
        row, col = divmod(i, COLS)
        nodes[state] = Node(
            state=state,
            label=state_label(state),
            x=MARGIN + col * (BOX_W + GAP_X),
            y=GAP_Y + row * (BOX_H + GAP_Y),  # room above the first row for its arcs
            current=state == current,
            visited=state in visited,
            terminal=state in terminal,
        )
    arrows: list[Arrow] = []
    moves = [(a, b) for a, b in itertools.pairwise(history) if a != b and a in nodes and b in nodes]
    for n, (a, b) in enumerate(moves, start=1):
        arrows.append(_arrow(n, nodes[a], nodes[b]))
    steps_out: dict[str, list[tuple[str, str]]] = {s: [] for s in states}
    for t in description["transitions"]:
        steps_out.setdefault(t["source"], []).append((trigger_label(t["trigger"], t["label"]), state_label(t["dest"])))
    rows = (len(states) + COLS - 1) // COLS
    width = 2 * MARGIN + COLS * BOX_W + (COLS - 1) * GAP_X
    height = GAP_Y + MARGIN + rows * BOX_H + (rows - 1) * GAP_Y
    return StateDiagram(width, height, list(nodes.values()), arrows, steps_out)


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


# The rates drawn as bars, by the figure's stable key: the attributes of Coverage that hold the
# rate's part and whole (`FIGURES` names the rate's own attribute, also its label's key).
_PARTS = {
    "founding_rate": ("founded", "units"),
    "founding_rate_25plus": ("founded_25", "units_25"),
    "founding_rate_enterprises": ("founded_enterprise", "units_enterprise"),
    "membership_rate": ("members", "employees_unionised"),
    "on_time_rate": ("terms_on_time", "terms_ended"),
    "direct_election_share": ("chairs_direct", "chairs_election_known"),
}


def coverage_bars(
    coverage: Any, t: Callable[..., str], targets: Mapping[str, CoverageTarget] | None = None
) -> list[Bar]:
    """The coverage rates as bars, each with its target (`projections.queries.coverage_targets`),
    by the figure's stable key (its label's key where that differs)."""
    targets = targets or {}
    bars = []
    for key, (part, whole) in _PARTS.items():
        rate = FIGURES[key]
        value, n, d = getattr(coverage, rate), getattr(coverage, part), getattr(coverage, whole)
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
