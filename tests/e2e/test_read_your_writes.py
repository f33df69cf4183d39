"""Read-your-writes: the read models are updated in the command's own transaction, so the moment a
command returns, the procedure status, the approver's inbox and the register show it."""

from __future__ import annotations

import datetime as dt

import projections
from tests.e2e.conftest import Api, drive, open_founding


def test_a_filed_request_is_in_the_approvers_inbox_when_the_command_returns(any_api: Api) -> None:
    pid = open_founding(any_api)

    status = projections.procedure_status(any_api.rt.engine, pid)
    assert status is not None
    assert (status.state, status.awaiting_approval) == ("requested", True)
    inbox = projections.inbox(any_api.rt.engine, "JA", on=dt.date(2019, 1, 20))
    assert [(i.procedure_id, i.filing) for i in inbox.items] == [(pid, "founding_request")]


def test_the_register_shows_the_new_term_when_the_approval_returns(any_api: Api) -> None:
    pid = open_founding(any_api)
    drive(any_api, pid)

    union = projections.union(any_api.rt.engine, "U1")
    assert union is not None
    assert (union.chair, union.term_start, union.term_end) == ("赵", dt.date(2019, 3, 1), dt.date(2024, 3, 1))
    assert projections.inbox(any_api.rt.engine, "JA").items == []
    # and nothing is left for catch-up: the inline listener kept every checkpoint at the log's head
    statuses = projections.Projections(any_api.rt.engine).status()
    assert {(s.name, s.lag) for s in statuses} == {("register", 0), ("procedures", 0), ("alerts", 0)}
    assert statuses[0].head == any_api.rt.store.last_position()
