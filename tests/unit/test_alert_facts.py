"""The alerts projection's facts as stored (`proj_alert_facts.facts`): named records that come back
from their JSON as they went in, so a union's state loaded by the live listener equals the one a
rebuild folded."""

from __future__ import annotations

from projections.models import alert_facts as af


def _facts() -> af.AlertFacts:
    win = af.Windows.of({"approval_reply_days": 9, "vacancy_months": 4, "unrelated": [1]})
    return af.AlertFacts(
        terms=[af.Term("2019-03-20", "2024-03-01", 2, "U1:founding-1", [af.Extension("2024-02-20", "2024-09-01")])],
        reelections=[af.Reelection("U1:reelection-1", "2024-02-15")],
        congresses=[af.Congress("2019-03-01", 12)],
        waits=[af.Wait("U1:founding-1", "2019-03-05", 9, "results", "2019-03-20")],
        vacancies=[af.Deadline("U1:by-election-1", "2024-01-20", "2024-05-20", "4 months")],
        procedures={"U1:founding-1": af.Procedure("founding", win)},
    )


def test_facts_come_back_from_their_json_as_they_went_in() -> None:
    facts = _facts()
    text = facts.to_json()
    assert af.AlertFacts.from_json(text) == facts
    assert af.AlertFacts.from_json(text).to_json() == text
    assert '"approval_reply_days":9' in text and '"started_by":"U1:founding-1"' in text


def test_windows_read_the_profile_by_name_with_rules_defaults() -> None:
    assert af.Windows.of(None) is af.DEFAULT_WINDOWS and af.Windows.of({}) is af.DEFAULT_WINDOWS
    win = af.Windows.of({"approval_reply_days": 9, "vacancy_months": 4})
    assert (win.approval_reply_days, win.vacancy_months, win.annual_congress_months) == (9, 4, 12)
    assert af.Windows.of({"vacancy_months": 4, "approval_reply_days": 9}) is win  # one per profile


def test_the_last_open_item_of_a_procedure_is_the_one_ended() -> None:
    facts = _facts()
    facts.reelections.append(af.Reelection("U1:reelection-1", "2024-03-01"))
    af.end(facts.reelections, "U1:reelection-1", "2024-04-01")
    assert [r.ended for r in facts.reelections] == [None, "2024-04-01"]
    assert af.last_open_wait(facts.waits, "U1:founding-1") is None  # decided already
    facts.waits.append(af.Wait("U1:founding-1", "2019-04-01", 9, "results"))
    assert af.last_open_wait(facts.waits, "U1:founding-1") is facts.waits[-1]


def test_an_import_that_gave_no_last_congress_is_a_fact_too_and_older_facts_read_without_it() -> None:
    """R-ANNUAL: the day of an import without its last congress is kept (A-NO-ANNUAL-CONGRESS says
    "unknown" until a year after it); facts stored before the field read as an import that gave it."""
    facts = _facts()
    facts.congresses_unknown_until = "2026-11-01"
    assert af.AlertFacts.from_json(facts.to_json()) == facts
    older = _facts().to_json().replace(',"congresses_unknown_until":null', "")
    assert "congresses_unknown_until" not in older
    assert af.AlertFacts.from_json(older).congresses_unknown_until is None
