"""A refusal's `detail` in the caller's language: Chinese when Accept-Language prefers it, with the
numbers of the refusal's evidence (the catalogue of messages); English, the guard's own sentence
as before, otherwise. The rule and the evidence are the same in both."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import BEFORE_CONGRESS, Api, congress_body, drive, open_founding
from tests.unit.workflow_world import CITY, COUNTY


@pytest.mark.parametrize(
    ("accept", "detail", "language"),
    [
        (None, "53 of 80 present; at least 54 needed (2/3)", "en"),
        ("en-US,en;q=0.9,zh;q=0.5", "53 of 80 present; at least 54 needed (2/3)", "en"),
        ("*", "53 of 80 present; at least 54 needed (2/3)", "en"),
        ("zh-CN,zh;q=0.9,en;q=0.8", "到会 53 人，应到 80 人；至少需要 54 人（三分之二）。", "zh"),
        ("en;q=0.4, zh-TW", "到会 53 人，应到 80 人；至少需要 54 人（三分之二）。", "zh"),
    ],
)
def test_a_refusal_is_told_in_the_language_asked_for(api: Api, accept: str | None, detail: str, language: str) -> None:
    pid = open_founding(api)
    drive(api, pid, BEFORE_CONGRESS)
    headers = api.staff() | ({"Accept-Language": accept} if accept else {})
    refused = api.client.post(f"/procedures/{pid}/steps/hold-congress", json=congress_body(present=53), headers=headers)
    assert refused.status_code == 422
    problem = refused.json()
    assert problem["detail"] == detail
    assert refused.headers["content-language"] == language
    assert problem["rule"] == "R-QUORUM" and problem["evidence"]["needed"] == 54


def test_a_refusal_of_authority_and_a_missing_union_in_chinese(api: Api) -> None:
    """R-APPROVER: the city's approver may not decide what the county decides; a union outside the
    caller's subtree is told as missing, by the id asked for (never by a name, which would tell
    that it exists)."""
    pid = open_founding(api)
    zh = {"Accept-Language": "zh-CN"}
    wrong = api.client.post(
        f"/procedures/{pid}/steps/approve",
        json={"occurred_on": "2019-01-10", "document_no": "江工发〔2019〕1号"},
        headers=api.approver(CITY) | zh,
    )
    assert wrong.status_code == 403
    assert wrong.json()["detail"] == f"U1 的报批事项由其直接上一级工会 {COUNTY} 审批，不由 {CITY} 审批。"
    for union in ("NOPE", "QS"):
        missing = api.client.get(f"/unions/{union}", headers=api.staff() | zh)
        assert missing.status_code == 404
        assert missing.json()["detail"] == f"没有组织 {union}。"
