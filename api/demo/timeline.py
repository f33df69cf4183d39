"""Placing a story's steps in time: each planned step (`Item`) has a gap in days after the one
before it, and a sequence is placed around one anchor step (`place`)."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from workflow import commands as c
from workflow.authority import Actor

DAY = dt.timedelta(days=1)


@dataclass
class Item:
    """One planned step: the gap in days after the step before it (lo..hi), who takes it, and the
    command it sends on the date it is placed on."""

    label: str
    lo: int
    hi: int
    actor: Actor
    make: Callable[[dt.date], c.Command]


@dataclass(frozen=True)
class Step:
    on: dt.date
    actor: Actor
    command: c.Command


def place(
    rng: random.Random,
    items: Sequence[Item],
    anchor: int,
    anchor_on: dt.date,
    floor: dt.date | None = None,
    ceiling: dt.date | None = None,
) -> list[dt.date]:
    """Dates for `items` with item `anchor` on `anchor_on`: earlier items backwards by their gaps,
    later ones forwards. If the first would fall before `floor`, the gaps shrink to their minimum and,
    if that is not enough, the anchor moves later (never past `ceiling`: then ValueError)."""
    gaps = [rng.randint(i.lo, i.hi) for i in items]
    for attempt in range(2):
        dates = [anchor_on] * len(items)
        for k in range(anchor - 1, -1, -1):
            dates[k] = dates[k + 1] - gaps[k + 1] * DAY
        if floor is None or dates[0] >= floor:
            break
        if attempt == 0:
            gaps = [i.lo for i in items]
    else:
        assert floor is not None
        shift = (floor - dates[0]).days
        anchor_on += shift * DAY
        if ceiling is not None and anchor_on > ceiling:
            raise ValueError(f"{items[anchor].label} cannot be placed between {floor} and {ceiling}")
        dates = [d + shift * DAY for d in dates]
    for k in range(anchor + 1, len(items)):
        dates[k] = dates[k - 1] + gaps[k] * DAY
    return dates
