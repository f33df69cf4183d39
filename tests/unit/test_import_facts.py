"""The registry import carries what an existing union has (issue 18, "imported unions are full
citizens"): its founding, the congress that elected the term, the committee and its officers, the
last congress, an approved extension in force, the legal-person registration. Each fact is
optional, each is checked like the same fact entered through the workflow (the rule ID, and the
field it is about), and what is missing stays unknown."""

from __future__ import annotations

from typing import Any

import orjson
import pytest

from events.catalogue import CATALOGUE, ExistingTermImported
from tests.unit.workflow_support import Scenario, evidence_of, given_union
from tests.unit.workflow_world import D, World, admin, staff, unit
from workflow import commands as c
from workflow.by_election import congress_electorate
from workflow.errors import DomainError, InvalidDate, RuleViolation, StepOutOfOrder
from workflow.service import CommandResult

IMPORTED_ON = D(2026, 11, 1)
START = D(2022, 6, 30)  # 5 years: ends 2027-06-30


def given(world: World, members: int = 80, employees: int | None = None) -> None:
    given_union(world, scenario=Scenario(facts=unit(members=members, female_members=12, employees=employees)))


def import_term(world: World, **kw: Any) -> CommandResult:
    fields: dict[str, Any] = {"term_start": START, "term_years": 5, "occurred_on": IMPORTED_ON} | kw
    return world.run(c.ImportExistingTerm(union_id="U1", **fields), admin())


def refused(world: World, rule: str, field: str, **kw: Any) -> DomainError:
    """The import is refused with `rule`, naming `field`, and writes nothing."""
    before = world.version("U1")
    with pytest.raises(DomainError) as caught:
        import_term(world, **kw)
    assert (caught.value.rule_id, caught.value.evidence.get("field")) == (rule, field), caught.value
    assert world.version("U1") == before
    return caught.value


FULL: dict[str, Any] = {
    "founded_on": D(2013, 5, 20),
    "founding_document_no": "江工发〔2013〕12号",
    "congress_type": "members_meeting",
    "committee": ["王芳", "李强", "张敏", "刘洋", "陈静"],
    "chair": "王芳",
    "vice_chairs": ["李强"],
    "chair_elected_by": "congress",
    "chair_full_time": True,
    "last_congress_on": D(2025, 12, 20),
    "extension_deadline": D(2027, 12, 30),
    "extension_document_no": "江工发〔2027〕3号",
    "legal_person_no": "工法证字第420102000123号",
    "legal_person_on": D(2013, 7, 1),
}


def test_every_fact_of_the_register_is_recorded_and_folded(world: World) -> None:
    given(world)
    result = import_term(world, **FULL)
    event = result.events[0].event
    assert isinstance(event, ExistingTermImported)
    assert event.committee_size == 5  # the names' number
    assert (event.founded_on, event.extension_deadline) == (D(2013, 5, 20), D(2027, 12, 30))
    # The evidence of each rule the facts were checked by.
    assert evidence_of(result, "R-CONGRESS-TYPE")[0]["members"] == 80
    assert evidence_of(result, "R-COMMITTEE-SIZE")[0] | {"seats": 5} == evidence_of(result, "R-COMMITTEE-SIZE")[0]
    assert evidence_of(result, "R-EXTENSION")[0]["latest_allowed"] == "2027-12-30"
    u = world.load("U1")
    assert u.founded and u.founded_on == D(2013, 5, 20)
    assert (u.chair, u.vice_chairs, u.committee, u.committee_size) == ("王芳", ["李强"], FULL["committee"], 5)
    assert u.last_congress_on == D(2025, 12, 20) and u.legal_person_no == FULL["legal_person_no"]
    assert u.term is not None and (u.term.end, u.term.deadline) == (D(2027, 6, 30), D(2027, 12, 30))
    assert (u.term.congress_type, u.term.chair_elected_by) == ("members_meeting", "congress")
    assert congress_electorate(u) == (80, "the members' meeting")


def test_what_the_register_does_not_give_stays_unknown(world: World) -> None:
    given(world)
    import_term(world)
    u = world.load("U1")
    assert u.founded  # it holds a term, so it was founded: when is unknown
    assert (u.founded_on, u.last_congress_on, u.legal_person_no, u.committee_size) == (None, None, None, None)
    assert u.term is not None and (u.term.congress_type, u.term.chair_elected_by) == (None, None)
    assert congress_electorate(u) is None


def test_an_imported_union_is_founded_so_it_cannot_be_founded_again_r_founded(world: World) -> None:
    d = given_union(world, scenario=Scenario(facts=unit(members=80)))
    import_term(world)
    with pytest.raises(StepOutOfOrder) as again:
        d.request(IMPORTED_ON)
    assert again.value.rule_id == "R-FOUNDED"


# --------------------------------------------------------------------------- DATE-ORDER


def test_date_order_every_date_is_on_or_before_the_import(world: World) -> None:
    given(world)
    for field in ("founded_on", "last_congress_on"):
        err = refused(world, "DATE-ORDER", field, **{field: D(2026, 11, 2)})
        assert err.message == f"{field} 2026-11-02 is after the import's date 2026-11-01"
    refused(world, "DATE-ORDER", "legal_person_on", legal_person_no="x", legal_person_on=D(2026, 11, 2))
    import_term(
        world, founded_on=IMPORTED_ON, last_congress_on=IMPORTED_ON, legal_person_no="x", legal_person_on=IMPORTED_ON
    )


def test_date_order_the_last_congress_is_not_before_the_term_began(world: World) -> None:
    given(world)
    err = refused(world, "DATE-ORDER", "last_congress_on", last_congress_on=D(2022, 6, 29))
    assert err.message == "the last congress (2022-06-29) is before the term's start (2022-06-30)"
    import_term(world, last_congress_on=START)  # the electing congress itself


def test_date_order_a_founding_after_the_term_start_is_the_first_terms_approval_never_after_its_end(
    world: World,
) -> None:
    """R-FOUNDED: the founding approval follows the founding congress (the first term's start), so a
    founding date after the term's start is that term's own approval; after the term's end it
    cannot be (DATE-ORDER)."""
    given(world)
    refused(
        world,
        "DATE-ORDER",
        "founded_on",
        term_start=D(2019, 3, 1),
        occurred_on=D(2026, 11, 1),
        founded_on=D(2024, 3, 2),
    )
    import_term(world, term_start=D(2019, 3, 1), founded_on=D(2019, 3, 20))
    assert world.load("U1").founded_on == D(2019, 3, 20)


def test_date_order_a_legal_person_is_registered_after_the_founding(world: World) -> None:
    given(world)
    kw = {"founded_on": D(2013, 5, 20), "legal_person_no": "工法1"}
    refused(world, "DATE-ORDER", "legal_person_on", legal_person_on=D(2013, 5, 19), **kw)
    refused(world, "R-FOUNDED", "legal_person_on", legal_person_on=D(2013, 7, 1), founded_on=D(2013, 5, 20))
    import_term(world, legal_person_on=D(2013, 5, 20), **kw)


# --------------------------------------------------------------------------- R-EXTENSION


def test_r_extension_worked_example_2_six_months_pass_eight_are_refused(world: World) -> None:
    """A term from 2019-03-01 for 5 years ends 2024-03-01: an extension in force to 2024-09-01 is
    imported; to 2024-11-01 (8 months) it is refused, and one not after the term end too."""
    given(world)
    base = {"term_start": D(2019, 3, 1), "extension_document_no": "江工发〔2024〕1号"}
    err = refused(world, "R-EXTENSION", "extension_deadline", extension_deadline=D(2024, 11, 1), **base)
    assert "after 2024-09-01, the latest allowed" in err.message
    refused(world, "R-EXTENSION", "extension_deadline", extension_deadline=D(2024, 3, 1), **base)
    refused(world, "R-EXTENSION", "extension_document_no", term_start=D(2019, 3, 1), extension_document_no="x")
    import_term(world, extension_deadline=D(2024, 9, 1), **base)
    term = world.load("U1").term
    assert term is not None and term.deadline == D(2024, 9, 1)


def test_r_extension_an_imported_extension_is_the_terms_one_extension(world: World) -> None:
    given(world)
    import_term(world, term_start=D(2019, 3, 1), extension_deadline=D(2024, 9, 1))
    with pytest.raises(StepOutOfOrder) as again:
        world.run(
            c.RequestExtension(union_id="U1", reason="再次延期", new_deadline=D(2024, 9, 1), occurred_on=IMPORTED_ON),
            staff("U1"),
        )
    assert again.value.rule_id == "R-EXTENSION" and "extended by import" not in again.value.message


# --------------------------------------------------------------------------- R-CONGRESS-TYPE, R-REP-BANDS


def test_r_congress_type_worked_example_8_95_members_cannot_hold_a_representative_congress(world: World) -> None:
    given(world, members=95)
    refused(world, "R-CONGRESS-TYPE", "congress_type", congress_type="representative_congress", representatives=30)


def test_r_congress_type_boundary_100_members_meet_101_may_send_representatives(world: World) -> None:
    given(world, members=100)
    refused(world, "R-CONGRESS-TYPE", "congress_type", congress_type="representative_congress", representatives=30)
    given_union(world, "U2", Scenario(facts=unit(members=101)))
    world.run(
        c.ImportExistingTerm(
            union_id="U2",
            term_start=START,
            term_years=5,
            congress_type="representative_congress",
            representatives=31,
            occurred_on=IMPORTED_ON,
        ),
        admin(),
    )
    u2 = world.load("U2")
    assert congress_electorate(u2) == (31, "the representatives' congress")


def test_r_congress_type_representatives_belong_to_a_representative_congress(world: World) -> None:
    given(world, members=600)
    refused(world, "R-CONGRESS-TYPE", "representatives", congress_type="representative_congress")
    refused(world, "R-CONGRESS-TYPE", "representatives", representatives=60)
    refused(world, "R-CONGRESS-TYPE", "representatives", congress_type="members_meeting", representatives=60)
    # R-REP-BANDS: 501-1,000 members send 10-20 %: 60 to 120 of 600.
    refused(world, "R-REP-BANDS", "representatives", congress_type="representative_congress", representatives=59)
    import_term(world, congress_type="representative_congress", representatives=60)


# --------------------------------------------------------------------------- the committee


def test_r_committee_size_worked_example_8_150_members_cannot_have_9_seats(world: World) -> None:
    given(world, members=150)
    err = refused(world, "R-COMMITTEE-SIZE", "committee_size", committee_size=9)
    assert "9 seats for 150 members; 3 to 7 allowed" in err.message
    refused(world, "R-COMMITTEE-SIZE", "committee_size", committee=["甲", "乙", "丙"], committee_size=5)
    refused(world, "R-CANDIDATES", "committee", committee=["甲", "甲", "丙"])
    import_term(world, committee_size=7)
    assert world.load("U1").committee_size == 7


def test_r_form_25_a_single_chair_only_below_25_members(world: World) -> None:
    """Worked example 8: 30 members electing one officer instead of a committee is refused."""
    given(world, members=30)
    refused(world, "R-FORM-25", "committee_size", committee_size=1, chair="王芳")
    given_union(world, "U2", Scenario(facts=unit(members=20)))
    world.run(
        c.ImportExistingTerm(
            union_id="U2", term_start=START, term_years=5, committee_size=1, chair="王芳", occurred_on=IMPORTED_ON
        ),
        admin(),
    )


def test_r_elected_the_officers_come_from_the_committee(world: World) -> None:
    given(world)
    named = {"committee": ["甲", "乙", "丙"]}
    refused(world, "R-ELECTED", "chair", chair="丁", **named)
    refused(world, "R-ELECTED", "vice_chairs", chair="甲", vice_chairs=["丁"], **named)
    refused(world, "R-ELECTED", "vice_chairs", chair="甲", vice_chairs=["甲"], **named)
    refused(world, "R-ELECTED", "vice_chairs", chair="甲", vice_chairs=["乙", "丙", "丁"], committee_size=3)
    import_term(world, chair="甲", vice_chairs=["乙"], **named)


def test_r_fulltime_a_part_time_chair_of_200_employees_is_a_warning_not_a_refusal(world: World) -> None:
    given(world, employees=200)
    result = import_term(world, chair="王芳", chair_full_time=False)
    assert evidence_of(result, "R-FULLTIME")[0]["employees"] == 200
    assert isinstance(result.events[0].event, ExistingTermImported)


def test_a_refusal_of_a_rule_names_the_field_to_fix(world: World) -> None:
    given(world)
    with pytest.raises(RuleViolation) as caught:
        import_term(world, term_years=4)
    assert caught.value.evidence["field"] == "term_years"
    with pytest.raises(InvalidDate) as late:
        import_term(world, term_start=D(2026, 11, 2))
    assert late.value.evidence["field"] == "term_start"


# --------------------------------------------------------------------------- the stored event


def test_a_payload_stored_before_the_facts_existed_reads_as_every_fact_unknown() -> None:
    """Schema version 1 still: the facts are optional with defaults, so no upcaster is needed."""
    stored = (
        '{"org_id":"U1","term_start":"2019-03-01","term_years":5,"term_end":"2024-03-01",'
        '"chair":"赵","source":"import","evidence":[]}'
    )
    event = CATALOGUE.decode("ExistingTermImported", 1, stored)
    assert isinstance(event, ExistingTermImported) and ExistingTermImported.schema_version == 1
    assert (event.founded_on, event.congress_type, event.committee, event.last_congress_on) == (None, None, [], None)
    # Written again, it is the same text: an import of the term alone is stored as it always was.
    assert CATALOGUE.encode(event) == stored


def test_the_payload_carries_the_facts_given_and_only_those(world: World) -> None:
    given(world)
    result = import_term(world, founded_on=D(2013, 5, 20), chair_full_time=False)
    payload = orjson.loads(CATALOGUE.encode(result.events[0].event))
    assert payload["founded_on"] == "2013-05-20" and payload["chair_full_time"] is False
    assert not {"last_congress_on", "committee", "congress_type", "extension_deadline"} & set(payload)
