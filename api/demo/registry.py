"""What a registry says of a union the demo imports (ImportExistingTerm): most imported unions come
with every fact a registry may give (founding, congress, committee and officers, how the chair was
elected, the full-time post, the last congress, an extension, the legal person), some with only
their term, which the system then shows as unknown. Drawn from the union's id, not the demo's
seeded generator, so the seeded choices of the rest of the demo do not depend on them."""

from __future__ import annotations

import datetime as dt
import random
import zlib
from typing import TYPE_CHECKING, Any

from api.demo.naming import People
from api.demo.timeline import DAY
from workflow import rules
from workflow.calendar import add_months

if TYPE_CHECKING:
    from api.demo.story import Story


def registry_facts(s: Story, term_start: dt.date, years: int, on: dt.date, *, current: bool) -> dict[str, Any]:
    """The facts of `s`'s imported term (starting `term_start`, imported on `on`) beside the term
    and the chair: none for one union in four, else all of them. An extension is given only for a
    term that is not the current one (the current term's own extension is asked for here)."""
    rng = random.Random(zlib.crc32(f"registry {s.union_id}".encode()))
    if rng.random() < 0.25:
        return {}
    members, profile = s.unit.members, s.profile
    facts: dict[str, Any] = _congress(members, profile)
    founded = term_start - rng.randint(200, 3000) * DAY
    facts |= {
        "founded_on": founded,
        "founding_document_no": f"{s.parent.short}工复〔{founded.year}〕{rng.randint(1, 60)}号",
        "legal_person_no": f"工法证字第{zlib.crc32(s.union_id.encode()) % 10**9:09d}号",
        "legal_person_on": founded + rng.randint(10, 50) * DAY,
        "last_congress_on": max(term_start, on - rng.randint(0, 60) * DAY),
    }
    s.committee = _committee(s.committee, members, profile, rng)
    facts |= {
        "committee": list(s.committee),
        "committee_size": len(s.committee),
        "vice_chairs": s.committee[1:2],
        "chair_elected_by": "congress" if rng.random() < 0.7 else "committee",
        "chair_full_time": s.unit.employees >= profile.fulltime_chair_employees and rng.random() < 0.8,
    }
    if not current:
        end = rules.term_end(term_start, years)
        deadline = add_months(end, rng.randint(1, profile.extension_max_months))
        facts |= {"extension_deadline": deadline, "extension_document_no": f"{s.parent.short}工复〔{end.year}〕延1号"}
    return facts


def _congress(members: int, profile: Any) -> dict[str, Any]:
    """R-CONGRESS-TYPE: a members' meeting up to 100 members, else a representative congress with
    the fewest representatives R-REP-BANDS allows (as the yearly congresses count them)."""
    if members <= profile.members_meeting_max:
        return {"congress_type": "members_meeting"}
    return {
        "congress_type": "representative_congress",
        "representatives": rules.representative_range(members, profile)[0],
    }


def _committee(committee: list[str], members: int, profile: Any, rng: random.Random) -> list[str]:
    """The committee as the registry names it: the chair and the members drawn for the story, as
    many more as R-COMMITTEE-SIZE's band asks (odd), or fewer for a small union."""
    fewest, most = rules.committee_size_range(members, profile)
    if members < fewest:
        return committee[:1]  # R-FORM-25: below 25 members one chair may stand for the committee
    seats = min(max(fewest, min(len(committee), most)), members)
    if seats % 2 == 0 and seats + 1 <= most:
        seats += 1
    people = People(rng)
    out = committee[:seats]
    while len(out) < seats:
        name = people.names(1)[0]
        if name not in out:
            out.append(name)
    return out


def imported_electorate(s: Story) -> int | None:
    """Who elects the chair at a by-election of an imported term, as its registry says (R-VACANCY):
    the committee without the departed chair, or the congress; None when the registry did not say."""
    facts = s.registry
    if not facts:
        return None
    if facts["chair_elected_by"] == "committee":
        return len(s.committee) - 1
    return int(facts.get("representatives") or s.unit.members)
