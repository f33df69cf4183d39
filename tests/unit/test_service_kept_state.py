"""The service keeps each stream's folded state for the next command (`RecentStreams`), which
folds only its own events into it: that is right only if deciding a command never changes the
state it reads. Every founding, election, term and by-election test runs again here with a check
after each command: the state kept equals the stream folded afresh."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from events.catalogue import org_stream
from tests.unit.test_workflow_by_election import *  # noqa: F403 - the scenarios, checked again
from tests.unit.test_workflow_election import *  # noqa: F403
from tests.unit.test_workflow_election_candidates import *  # noqa: F403
from tests.unit.test_workflow_founding import *  # noqa: F403
from tests.unit.test_workflow_terms import *  # noqa: F403
from workflow.service import WorkflowService
from workflow.state import UnionState


@pytest.fixture(autouse=True)
def _kept_state_checked(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[int]]:
    checked = [0]
    execute = WorkflowService.execute

    def checked_execute(self: WorkflowService, cmd: Any, actor: Any, **kw: Any) -> Any:
        result = execute(self, cmd, actor, **kw)
        stream_id = org_stream(result.union_id)
        kept: UnionState | None = self.recent._states.get(stream_id)
        if kept is not None:
            assert kept == self.load(result.union_id), f"kept state of {stream_id} differs from its stream"
            checked[0] += 1
        return result

    monkeypatch.setattr(WorkflowService, "execute", checked_execute)
    yield checked
