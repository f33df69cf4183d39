"""The `unionflow demo` dataset: a city federation's unions over seven years, for trying the system.

The tree: 中华全国总工会 → 辽宁省总工会 → 大连市总工会 → five districts (county level) → their streets and
development zones (township level) → a few hundred grassroots unions with Chinese names and unit
facts. The unions are in every situation the engine knows (RULES.md §3-§6): foundings at every step
(some requests and filings rejected and filed again), unions imported with terms begun before the
system, unions founded through it, terms in force, due, overdue, extended or renewed early,
re-elections at every step, chairs vacant (some past the by-election deadline), annual congresses
held or missed, legal persons registered or not.

Nothing is written behind the engine's back: every step is a command sent through
`WorkflowService.execute` by the person whose step it is (the union's staff, the approver of its
direct higher-level union, an administrator for the tree and for registry imports), so every rule
is checked and every event carries its evidence, exactly as if the people had used the API. The
steps of all unions are sent in the order of their business dates, so the log reads like a real one.

Dates are relative to the service's today (go-live seven years before), and everything else comes
from a seeded `random.Random`: the same seed on the same day gives the same data.

A story is planned as a sequence of steps, each with the gap (in days) after the step before; a
sequence is placed in time around one anchor step (the congress that starts a term, or the step a
procedure is waiting after today), backwards from the anchor for the steps before it and forwards
for those after, never before a floor date (the re-election window R-EARLY opens, go-live).

The modules, by what they build: `naming` (the tree's and people's names, the texts), `timeline`
(placing steps in time), `elections` (an election's numbers and ballots), `story` (one union's
steps and their bookkeeping), `founding`, `election_steps`, `terms` (re-elections and the chain of
terms) and `vacancies` (a chair's post vacant, the by-election), `situations` (which story each
union gets, and the count read back), `builder` (the whole demo, loaded), `tokens` (one per role
after loading)."""

from api.demo.builder import DemoBuilder, DemoRefused, DemoResult, load_demo
from api.demo.naming import CITY, PROVINCE, ROOT
from api.demo.situations import MIN_UNIONS, SITUATIONS, situations_now
from api.demo.tokens import DemoToken, issue_tokens

__all__ = [
    "CITY",
    "MIN_UNIONS",
    "PROVINCE",
    "ROOT",
    "SITUATIONS",
    "DemoBuilder",
    "DemoRefused",
    "DemoResult",
    "DemoToken",
    "issue_tokens",
    "load_demo",
    "situations_now",
]
