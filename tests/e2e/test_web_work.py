"""The pages a union office works in (issue 19), through the app over HTTP: the staff's home says
what to do and puts a rejection with its reasons and where to resume in front of them; the
approver's inbox is a list with a page per filing that shows its whole content; "redo from"
offers only what applies to the filing; irreversible steps ask for a confirmation; a form's
refusal stays on the form; the audit page covers the subtree, "as recorded at", late entries."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator

import httpx
import pytest

from tests.e2e.conftest import Api, csrf_of, drive, founding_steps, make_api, open_founding
from tests.unit.workflow_support import CHAIRS, COMMITTEE, FUNDS
from tests.unit.workflow_world import COUNTY, TODAY, admin, profile
from workflow import commands as c
from workflow.profile import ProfileRegistry

PID = "U1:founding-1"
CANDIDATES_FILED = 6  # the founding's steps up to filing the candidate list (tests.e2e.conftest)
RESULTS_FILED = 10  # ... up to filing the election results


@pytest.fixture
def site(db_url: str) -> Iterator[Api]:
    """On SQLite and on PostgreSQL: the pages' reads (the subtree's entries among them) run on both."""
    yield from make_api(db_url)


def _form(page: str, form_id: str) -> dict[str, str]:
    """The hidden and prefilled inputs of one form on a page, by its id."""
    found = re.search(rf'<form[^>]*id="{re.escape(form_id)}"[^>]*>(.*?)</form>', page, re.S)
    assert found is not None, form_id
    return dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', found.group(1)))


def _decide(site: Api, step: str, fields: dict[str, str], *, confirm: bool = True) -> httpx.Response:
    """The county's approver decides the filing of U1's founding from its page in the inbox."""
    site.web_sign_in("approver", COUNTY)
    page = site.client.get(f"/ui/inbox/{PID}").text
    form = _form(page, f"{step}-{PID}") | fields | ({"confirm": "yes"} if confirm else {})
    return site.client.post(f"/ui/inbox/{PID}/{step}", data=form, follow_redirects=False)


def _state(site: Api) -> str:
    return site.rt.service.load("U1").procedures[PID].state


# --------------------------------------------------------------------------- the staff's home


def test_the_staff_home_says_where_each_procedure_is_and_who_it_waits_on(site: Api) -> None:
    drive(site, open_founding(site), CANDIDATES_FILED)
    site.web_sign_in("staff", "U1")
    home = site.client.get("/ui/")
    assert home.status_code == 200
    row = re.search(r'<tr id="proc-U1-founding-1">(.*?)</tr>', home.text, re.S)
    assert row is not None
    assert 'data-state="candidates_filed"' in row.group(1)
    assert "等待上级工会审批：候选人名单（R-VETTING）" in row.group(1)
    assert "江岸区总工会审批" in row.group(1)  # who it waits on, by name
    assert 'class="rejection"' not in home.text


def test_a_rejection_is_noticed_on_the_staff_home_with_its_reason_and_where_to_resume(site: Api) -> None:
    """R-VETTING: the county rejects the candidate list; the procedure goes back to
    candidates_rejected. The staff's home says so first, with the reasons typed and the step to
    take (propose the candidates again), and so does the procedure's page, until they take it."""
    drive(site, open_founding(site), CANDIDATES_FILED)
    reasons = "候选人差额比例不足，请补充候选人"
    done = _decide(site, "reject", {"reasons": reasons, "occurred_on": "2019-02-08"})
    assert done.status_code == 303 and done.headers["location"].startswith("/ui/inbox?done=step.reject")
    assert _state(site) == "candidates_rejected"

    site.web_sign_in("staff", "U1")
    home = site.client.get("/ui/").text
    notice = re.search(r'<section class="rejection" role="alert" id="rejection-U1-founding-1".*?</section>', home, re.S)
    assert notice is not None
    text = notice.group(0)
    assert "江岸区总工会 于 2019-02-08 驳回了：候选人名单（R-VETTING）" in text
    assert f'<dd class="reason">{reasons}</dd>' in text
    assert "重新提出候选人（R-CANDIDATES）" in text  # the flow's next step
    assert f'href="/ui/procedures/{PID}#step-propose-candidates"' in text
    assert 'data-state="candidates_rejected"' in text
    assert home.index('class="rejection"') < home.index('id="my-procedures"')  # first thing on the page
    assert 'id="rejection-U1-founding-1"' in site.client.get(f"/ui/procedures/{PID}").text

    # Once the staff propose the candidates again the notice has done its work.
    r = site.step(
        PID,
        "propose-candidates",
        {
            "committee_candidates": [{"name": n} for n in COMMITTEE],
            "chair_candidates": [{"name": n} for n in CHAIRS],
            "funds_review_seats": 3,
            "funds_review_candidates": [{"name": n} for n in FUNDS],
            "occurred_on": "2019-02-10",
        },
    )
    assert r.status_code == 200, r.text
    assert 'class="rejection"' not in site.client.get("/ui/").text


def test_a_rejection_that_names_a_step_to_redo_says_which(site: Api) -> None:
    drive(site, open_founding(site), RESULTS_FILED)
    done = _decide(site, "reject", {"reasons": "计票有误", "redo_from": "candidates", "occurred_on": "2019-03-10"})
    assert done.status_code == 303
    site.web_sign_in("staff", "U1")
    home = site.client.get("/ui/").text
    assert '<dd class="redo">驳回结果：重新提出候选人</dd>' in home
    assert "江岸区总工会 于 2019-03-10 驳回了：选举结果（R-RESULTS-FILED）" in home


# --------------------------------------------------------------------------- the approver's inbox


def test_the_inbox_lists_one_row_per_filing_with_the_days_it_waited(site: Api) -> None:
    drive(site, open_founding(site), CANDIDATES_FILED)  # filed 2019-02-05
    site.web_sign_in("approver", COUNTY)
    inbox = site.client.get("/ui/inbox").text
    rows = re.findall(r'<tr class="inbox-item[^"]*" id="item-([^"]+)">(.*?)</tr>', inbox, re.S)
    assert [r[0] for r in rows] == ["U1-founding-1"]
    row = rows[0][1]
    assert "U1 工会" in row and f'href="/ui/inbox/{PID}"' in row
    assert "候选人名单（R-VETTING）" in row
    waited = (TODAY - dt.date(2019, 2, 5)).days
    assert re.search(rf'<td class="n waited"[^>]*>{waited}\b', row)
    assert "/steps/approve" not in inbox and f"/ui/inbox/{PID}/approve" not in inbox  # decided on its own page
    # The approver's home heads its dashboard with the same to-do list.
    home = site.client.get("/ui/").text
    assert 'id="todo"' in home and 'id="item-U1-founding-1"' in home


def test_the_filing_page_shows_the_candidates_with_their_vetting(site: Api) -> None:
    drive(site, open_founding(site), CANDIDATES_FILED)
    site.web_sign_in("approver", COUNTY)
    page = site.client.get(f"/ui/inbox/{PID}")
    assert page.status_code == 200
    content = re.search(r'<section aria-labelledby="h-content" id="filing-content">(.*?)</section>', page.text, re.S)
    assert content is not None
    shown = re.findall(r'<td class="candidate">([^<]+)</td>', content.group(1))
    # The committee's, the chair's and the funds review committee's candidates, in the order proposed.
    assert shown == [*COMMITTEE, *CHAIRS, *FUNDS]
    assert content.group(1).count("未发现不得担任的情形") == len(shown)
    assert "公司党支部" in content.group(1)  # the Party organisation's opinion (R-VETTING)
    assert 'data-event="CandidatesFiled"' in content.group(1)
    assert 'data-event="PreparatoryGroupApproved"' not in content.group(1)  # decided before: not this filing
    assert f'id="approve-{PID}"' in page.text and f'id="reject-{PID}"' in page.text


def test_the_results_filing_shows_the_vote_counts_and_the_committee(site: Api) -> None:
    drive(site, open_founding(site), RESULTS_FILED)
    site.web_sign_in("approver", COUNTY)
    page = site.client.get(f"/ui/inbox/{PID}").text
    assert 'data-event="CongressHeld"' in page and 'data-event="ResultsFiled"' in page
    assert re.search(r'<table class="list tallies">.*?<td>赵</td><td class="n">\d+</td>', page, re.S)
    assert "冯" in page  # the funds review director, as filed


def test_redo_from_offers_only_what_applies_to_the_filing_and_refuses_the_rest(site: Api) -> None:
    """The results' rejection offers the three steps its flow declares (events.flows.election); a
    candidate list's rejection names none, and one posted anyway is refused with a message on the
    form, nothing recorded."""
    drive(site, open_founding(site), CANDIDATES_FILED)
    site.web_sign_in("approver", COUNTY)
    page = site.client.get(f"/ui/inbox/{PID}").text
    assert 'name="redo_from"' not in page
    before = site.version("U1")
    refused = _decide(site, "reject", {"reasons": "材料不全", "redo_from": "congress", "occurred_on": "2019-02-08"})
    assert refused.status_code == 422
    assert "text/html" in refused.headers["content-type"]
    assert "redo_from &#39;congress&#39; does not apply" in refused.text
    assert "it names no step to redo" in refused.text
    assert site.version("U1") == before and _state(site) == "candidates_filed"
    # The API refuses it the same way, naming the field.
    api = site.step(
        PID, "reject", {"reasons": "材料不全", "redo_from": "congress", "occurred_on": "2019-02-08"}, site.approver()
    )
    assert api.status_code == 422 and api.json()["rule"] == "STEP-ORDER" and api.json()["fields"] == ["body.redo_from"]

    drive_on = site.step(
        PID, "approve", {"document_no": "江工发〔2019〕2号", "occurred_on": "2019-02-10"}, site.approver()
    )
    assert drive_on.status_code == 200
    for who, step, body in founding_steps()[CANDIDATES_FILED + 1 : RESULTS_FILED]:
        assert site.step(PID, step, body, site.approver() if who == "approver" else None).status_code == 200
    results = site.client.get(f"/ui/inbox/{PID}").text
    select = re.search(r'<select id="reject-[^"]*-f-redo_from" name="redo_from"[^>]*>(.*?)</select>', results, re.S)
    assert select is not None
    options = re.findall(r'<option value="([^"]+)"[^>]*>([^<]+)</option>', select.group(1))
    assert options == [
        ("congress", "驳回结果：重新召开大会"),
        ("candidates", "驳回结果：重新提出候选人"),
        ("congress_type", "驳回结果：重新开始选举"),
    ]


def test_approve_reject_and_withdraw_need_a_confirmation(site: Api) -> None:
    """Irreversible steps: without the ticked box the form comes back with the box marked and
    nothing is recorded; with it, the step is taken."""
    pid = open_founding(site)
    before = site.version("U1")
    unconfirmed = _decide(
        site, "approve", {"document_no": "江工发〔2019〕1号", "occurred_on": "2019-01-10"}, confirm=False
    )
    assert unconfirmed.status_code == 422
    assert 'id="approve-U1:founding-1-f-confirm"' in unconfirmed.text
    assert 'aria-invalid="true" aria-describedby="approve-U1:founding-1-f-confirm-err"' in unconfirmed.text
    assert "请勾选确认后再提交" in unconfirmed.text
    assert 'value="江工发〔2019〕1号"' in unconfirmed.text  # what was typed is kept
    assert site.version("U1") == before and _state(site) == "requested"

    site.web_sign_in("staff", "U1")
    page = site.client.get(f"/ui/procedures/{pid}").text
    assert 'id="step-withdraw-f-confirm"' in page
    withdraw = _form(page, "step-withdraw") | {"reason": "单位改制", "occurred_on": "2019-01-08"}
    refused = site.client.post(f"/ui/procedures/{pid}/steps/withdraw", data=withdraw)
    assert refused.status_code == 422 and site.version("U1") == before

    confirmed = _decide(site, "approve", {"document_no": "江工发〔2019〕1号", "occurred_on": "2019-01-10"})
    assert confirmed.status_code == 303 and _state(site) == "preparing"


# --------------------------------------------------------------------------- forms that know


def test_the_congress_form_lists_the_approved_candidates_and_the_seats(site: Api) -> None:
    drive(site, open_founding(site), CANDIDATES_FILED + 1)  # the candidates approved
    site.web_sign_in("staff", "U1")
    page = site.client.get(f"/ui/procedures/{PID}").text
    form = re.search(r'<form[^>]*id="step-hold-congress"[^>]*>(.*?)</form>', page, re.S)
    assert form is not None
    notes = dict(re.findall(r"<dt>([^<]+)</dt><dd>([^<]*)</dd>", form.group(1)))
    assert notes["委员会应选名额"] == "7" and notes["已批复的委员候选人"] == "、".join(COMMITTEE)
    assert notes["经审委员会应选名额"] == "3" and notes["已批复的经审委员候选人"] == "、".join(FUNDS)
    assert notes["应到人数（会员或会员代表）"] == "80"  # the members' meeting of worked example 1
    assert 'name="due" value="80"' in form.group(1)
    tallies = re.search(r'name="committee_vote.tallies"[^>]*>([^<]*)</textarea>', form.group(1))
    assert tallies is not None and tallies.group(1).splitlines() == [f"{n}: " for n in COMMITTEE]


def test_an_unknown_rule_profile_on_the_reelection_form_shows_on_the_form(site: Api) -> None:
    """The county's profile was assigned while this deployment had it; restarted without it, the
    re-election of a union with an imported term (opened under its region's profile) is refused
    on the form, as HTML, naming the profile, not with the API's problem document."""
    rt = site.rt
    rt.service.profiles.register(profile("jiangan"))
    rt.service.execute(c.AssignRuleProfile(union_id=COUNTY, profile_name="jiangan", occurred_on=TODAY), admin())
    rt.service.execute(
        c.ImportExistingTerm(union_id="U1", term_start=dt.date(2020, 1, 1), term_years=5, occurred_on=TODAY), admin()
    )
    rt.service.profiles = ProfileRegistry.with_defaults()  # the deployment without its profiles directory
    site.web_sign_in("staff", "U1")
    page = site.client.get("/ui/unions/U1/open/reelection").text
    form = {
        "csrf": csrf_of(page),
        "plan": "第二届换届方案",
        "planned_congress_on": "2024-12-20",
        "occurred_on": "2024-11-15",
    }
    refused = site.client.post("/ui/unions/U1/open/reelection", data=form)
    assert refused.status_code == 422
    assert refused.headers["content-type"].startswith("text/html")
    assert 'id="refusal"' in refused.text and "PROFILE-UNKNOWN" in refused.text and "jiangan" in refused.text
    assert 'value="第二届换届方案"' in refused.text  # the form, with what was typed
    assert site.rt.service.load("U1").procedures_of("reelection") == []


# --------------------------------------------------------------------------- the audit page


def _audit(site: Api, query: str = "") -> str:
    site.web_sign_in("auditor", COUNTY)
    page = site.client.get(f"/ui/audit{query}")
    assert page.status_code == 200, page.text[:500]
    return page.text


def test_the_audit_page_covers_the_subtree_by_default(site: Api) -> None:
    drive(site, open_founding(site))
    page = _audit(site)
    assert 'id="au-scope-subtree" name="scope" value="subtree" checked' in page
    rows = re.findall(r'<tr data-position="\d+"[^>]*>\s*<td[^>]*><a href="/ui/unions/([^"]+)"', page)
    # The county's subtree: U1's founding (twelve events) and its registration, below the county's own.
    assert rows.count("U1") == 13 and COUNTY in rows


def test_the_audit_page_shows_what_was_recorded_by_a_moment(site: Api) -> None:
    pid = open_founding(site)
    drive(site, pid, 1)
    recorded = [r.recorded_at for r in site.rt.store.read_stream("org-U1")]
    moment = recorded[-2]  # after the request was recorded, before its approval
    at = moment.strftime("%Y-%m-%dT%H:%M:%S.%f")
    union = _audit(site, f"?org=U1&scope=union&recorded_at={at}")
    assert 'data-state="requested"' in union  # the state as the system knew it then
    assert "PreparatoryGroupApproved" not in union
    subtree = _audit(site, f"?org={COUNTY}&recorded_at={at}")
    assert "PreparatoryGroupApproved" not in subtree and "FoundingRequested" in subtree
    assert "PreparatoryGroupApproved" in _audit(site, f"?org={COUNTY}")
    bad = _audit(site, "?recorded_at=yesterday")
    assert 'id="au-recorded-at-err"' in bad


def test_late_entries_are_marked_by_the_configured_number_of_days(site: Api) -> None:
    """补录: the founding's steps of 2019 were recorded now, years after their business dates; a
    fact recorded on its own day is not late. The threshold is a setting."""
    drive(site, open_founding(site))
    today = dt.date.today()
    site.rt.service.execute(
        c.UpdateUnitFacts(union_id="U1", unit=site.rt.service.load("U1").unit, occurred_on=today),  # type: ignore[arg-type]
        admin(),
    )
    page = _audit(site, "?org=U1&scope=union")
    marked = {
        event: bool(late)
        for event, late in re.findall(
            r'<h3 class="event" data-event="(\w+)"[^>]*>[^<]*(<span class="late-entry")?', page
        )
    }
    assert marked["UnitFactsUpdated"] is False
    assert marked["FoundingRequested"] is True
    assert 'id="late-count"' in page
    site.client.app.state.late_entry_days = 100_000  # type: ignore[attr-defined]
    assert 'class="late-entry"' not in _audit(site, "?org=U1&scope=union")
