"""Synthetic but realistic histories of many unions, for the property tests and the benchmark.

Each union follows the workflow's procedures (RULES.md §3–§5) with the accidents that make alerts:
founding requests rejected and filed again, approvals that take weeks, preparatory groups that
stall, congresses with ties and runoffs, results sent back, legal-person registration late or never,
chairs leaving mid-term (some recorded late, i.e. backdated), re-elections on time, late, early,
extended or never, extensions approved, refused or never answered; joint unions naming the small
units they cover (some leaving, others joining) and dissolutions (R-DISSOLVE) that withdraw what is
under way. Events are the catalogue's own classes, validated by pydantic, with plausible rule
evidence; about one in ten procedures pins a stricter local profile than the national one, so the
alert windows vary.

`generate` yields the whole log in recording order (each union's events in its stream order, unions
interleaved by date, as a real log is); `write_log` appends it through the event store's own
`append_many`, in large batches, so the hash chains are the store's and `EventStore.verify` accepts
the result. Everything is derived from the seed: the same seed gives the same events."""

from bench.synthetic.log import Shape, generate, township_ids, write_log
from bench.synthetic.profiles import LOCAL_PROFILE, NATIONAL_PROFILE
from bench.synthetic.union_base import Item

__all__ = ["LOCAL_PROFILE", "NATIONAL_PROFILE", "Item", "Shape", "generate", "township_ids", "write_log"]
