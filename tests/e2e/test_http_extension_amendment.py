"""Amending a waiting extension request over HTTP (R-EXTENSION): the step's route, request body
and "what may I do now" come from the flow; the approver's inbox shows the request as amended."""

from __future__ import annotations

import json

from tests.e2e.conftest import Api


def test_an_amended_extension_request_is_what_the_approver_sees_and_approves(seeded: Api) -> None:
    api = seeded
    pid = api.request_extension("2024-08-01")
    allowed = api.client.get(f"/procedures/{pid}", headers=api.staff("U1")).json()["allowed_steps"]
    assert "amend-request" in [s["step"] if isinstance(s, dict) else s for s in allowed]

    over = api.step(
        pid, "amend_request", {"reason": "重组推迟", "new_deadline": "2024-09-02", "occurred_on": "2024-01-08"}
    )
    assert over.status_code == 422 and over.json()["rule"] == "R-EXTENSION", over.text
    amended = api.step(
        pid, "amend_request", {"reason": "重组推迟", "new_deadline": "2024-09-01", "occurred_on": "2024-01-08"}
    )
    assert amended.status_code == 200, amended.text

    [item] = [i for i in api.client.get("/inbox", headers=api.approver()).json()["items"] if i["procedure_id"] == pid]
    content = item["content"] if isinstance(item["content"], dict) else json.loads(item["content"])
    assert (item["filed_on"], content["new_deadline"]) == ("2024-01-08", "2024-09-01")

    def pending(on: str) -> list[dict[str, object]]:
        query = {"org": "U1", "kind": "A-APPROVAL-PENDING", "as_of": on}
        items = api.client.get("/alerts", params=query, headers=api.auth("auditor", "JA")).json()["items"]
        return [a for a in items if a["procedure_id"] == pid]

    # A-APPROVAL-PENDING: the reply window runs from the amendment, not from the first filing.
    assert pending("2024-01-21") == []  # 16 days after the first filing, 13 after the amendment
    assert len(pending("2024-02-01")) == 1

    ok = api.step(pid, "approve", {"document_no": "江工发〔2024〕3号", "occurred_on": "2024-01-15"}, api.approver())
    assert ok.status_code == 200, ok.text
    terms = api.client.get("/unions/U1/terms", headers=api.auth("auditor", "JA")).json()
    assert terms["deadline"] == "2024-09-01"
