"""Pure guard functions for the rules of RULES.md, by subject:

- `organisation`: the tree (R-APPROVER's levels, ORG-*), UNIT-COUNTS, founding (R-FOUNDED,
  R-PREP-GROUP), the registry import (TERM-EXISTS);
- `form`: R-FORM-25, R-CONGRESS-TYPE, R-REP-BANDS, R-COMMITTEE-SIZE, R-WOMEN, R-FUNDS-REVIEW,
  R-FULLTIME;
- `candidates`: R-CANDIDATES, R-CHAIR-COMPETITIVE, R-NOTICE, R-VETTING, R-INELIGIBLE;
- `vote`: R-QUORUM, R-ELECTED (the chair's election too), R-REMOVAL;
- `counting`: counting a round, R-BALLOTS, R-TIE, R-SHORTFALL;
- `terms`: R-TERM, R-TERM-END, R-REELECTION, R-EARLY, R-EXTENSION, R-ANNUAL, R-VACANCY, the alert
  dates (A-TERM-DUE, A-TERM-OVERDUE, A-VACANCY-OVERDUE);
- `scope`: what the coverage counts: a joint union's units (R-FORM-25), dissolution (R-DISSOLVE);
- `dates`: DATE-FUTURE, DATE-ORDER.

Each guard takes plain values (and the pinned :class:`~workflow.profile.RuleProfile` where the rule is
configurable; a few read the folded state's plain data, `workflow.state`). A `check_*` guard returns,
on success, an *evidence* dict: JSON-safe (ints, strs, bools, lists, ISO dates), always with a
``"rule"`` key, recording the numbers that were checked, for events and audit bundles; a
`require_*` guard returns nothing (or what it found). On failure a guard raises the domain error
(:class:`~workflow.errors.RuleViolation`, or StepOutOfOrder / InvalidDate where the rule is about
order or dates) with the rule ID, a message that states the numbers in plain words, and the evidence.

Counts are compared with integer arithmetic exactly as RULES.md writes the rule (``3 × present ≥
2 × due``, ``2 × yes > due``); rates are exact decimals turned into fractions, never floats, so that
``ceil(0.14 × 50)`` is 7 and not 8.

Impossible inputs (negative counts, more present than due, ...) are refused with the ID of the rule
being checked, so a mistyped number is reported where it was entered.

Everything public is re-exported here: ``from workflow import rules; rules.check_quorum(...)``. The
submodules are the one list of what there is, so nothing is declared twice.
"""

from __future__ import annotations

from workflow.rules.base import *  # noqa: F403
from workflow.rules.candidates import *  # noqa: F403
from workflow.rules.counting import *  # noqa: F403
from workflow.rules.dates import *  # noqa: F403
from workflow.rules.form import *  # noqa: F403
from workflow.rules.organisation import *  # noqa: F403
from workflow.rules.scope import *  # noqa: F403
from workflow.rules.terms import *  # noqa: F403
from workflow.rules.vote import *  # noqa: F403
