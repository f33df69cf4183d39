"""Signing in on the web with a person id and password, on SQLite and PostgreSQL, through the ASGI
client: the session cookie's flags, a new session at every sign-in (fixation), throttling with its
message, sign-out and disabling ending sessions, and the administrators' accounts page (another
subtree's accounts answer 404 as a missing one)."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from api.accounts import Grant
from api.web.sessions import SESSION_COOKIE
from tests.e2e.conftest import Api, make_api
from tests.unit.workflow_world import COUNTY

PASSWORD = "a long enough password"


@pytest.fixture
def site(db_url: str) -> Iterator[Api]:
    yield from make_api(db_url)


def _csrf(text: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', text)
    assert found is not None
    return found.group(1)


def sign_in(api: Api, person: str, password: str = PASSWORD, **headers: str) -> object:
    page = api.client.get("/ui/sign-in")
    form = {"person_id": person, "password": password, "csrf": _csrf(page.text), "next": "/ui/"}
    return api.client.post("/ui/sign-in", data=form, follow_redirects=False, headers=headers)


def _session_cookie(api: Api) -> str:
    (value,) = [c.value for c in api.client.cookies.jar if c.name == SESSION_COOKIE]
    assert value
    return value


def _account(api: Api, person: str, role: str, org: str) -> None:
    api.rt.accounts.add(person, f"name of {person}", [Grant(role, org)], PASSWORD, by="test")


def test_a_person_signs_in_with_a_password_and_the_cookie_is_httponly_lax(site: Api) -> None:
    _account(site, "p-staff", "staff", "U1")
    signed = sign_in(site, "p-staff")
    assert signed.status_code == 303 and signed.headers["location"] == "/ui/"  # type: ignore[attr-defined]
    cookie = signed.headers["set-cookie"]  # type: ignore[attr-defined]
    assert cookie.startswith(f"{SESSION_COOKIE}=") and "HttpOnly" in cookie and "SameSite=lax" in cookie
    assert "Path=/ui" in cookie and "Secure" not in cookie  # served over http here
    page = site.client.get("/ui/")
    assert page.status_code == 200 and '<strong title="p-staff">name of p-staff</strong>' in page.text


def test_the_cookie_is_secure_over_https(site: Api) -> None:
    _account(site, "p-staff", "staff", "U1")
    site.client.base_url = site.client.base_url.copy_with(scheme="https")
    assert "Secure" in sign_in(site, "p-staff").headers["set-cookie"]  # type: ignore[attr-defined]


def test_a_wrong_password_and_an_unknown_person_get_the_same_answer(site: Api) -> None:
    _account(site, "p-staff", "staff", "U1")
    wrong, unknown = sign_in(site, "p-staff", "not the password"), sign_in(site, "nobody", "not the password")
    for answer in (wrong, unknown):
        assert answer.status_code == 401  # type: ignore[attr-defined]
        assert "人员编号或密码不正确" in answer.text  # type: ignore[attr-defined]
        assert SESSION_COOKIE not in answer.headers.get("set-cookie", "")  # type: ignore[attr-defined]


def test_five_failures_lock_the_person_with_a_clear_message_in_both_languages(site: Api) -> None:
    _account(site, "p-staff", "staff", "U1")
    answers = [sign_in(site, "p-staff", f"guess number {n}") for n in range(5)]
    assert [a.status_code for a in answers] == [401, 401, 401, 401, 429]  # type: ignore[attr-defined]
    assert "登录失败次数过多" in answers[-1].text and answers[-1].headers["retry-after"] == "30"  # type: ignore[attr-defined]
    # Locked: even the right password is not checked now.
    right = sign_in(site, "p-staff")
    assert right.status_code == 429  # type: ignore[attr-defined]
    site.client.cookies.set("uf_lang", "en")
    assert "Too many failed sign-ins" in sign_in(site, "p-staff").text  # type: ignore[attr-defined]


def test_sign_in_always_opens_a_new_session(site: Api) -> None:
    # Session fixation: an id planted in the browser before sign-in is worth nothing after it.
    _account(site, "p-staff", "staff", "U1")
    planted = "planted-by-an-attacker-planted-by-an-attacker"
    site.client.cookies.set(SESSION_COOKIE, planted, domain="testserver.local", path="/ui")
    sign_in(site, "p-staff")
    first = _session_cookie(site)
    assert first != planted
    sign_in(site, "p-staff")
    second = _session_cookie(site)
    assert second != first
    site.client.cookies.set(SESSION_COOKIE, first, domain="testserver.local", path="/ui")
    assert site.client.get("/ui/", follow_redirects=False).status_code == 303  # the replaced one ended


def test_sign_out_and_disabling_end_the_session(site: Api) -> None:
    _account(site, "p-staff", "staff", "U1")
    sign_in(site, "p-staff")
    page = site.client.get("/ui/")
    assert site.client.post("/ui/sign-out", data={"csrf": _csrf(page.text)}, follow_redirects=False).status_code == 303
    assert site.client.get("/ui/", follow_redirects=False).status_code == 303
    sign_in(site, "p-staff")
    assert site.client.get("/ui/").status_code == 200
    site.rt.accounts.disable("p-staff", by="test")
    assert site.client.get("/ui/", follow_redirects=False).status_code == 303
    assert sign_in(site, "p-staff").status_code == 401  # type: ignore[attr-defined]


def test_a_form_without_the_session_csrf_is_refused(site: Api) -> None:
    _account(site, "p-admin", "admin", COUNTY)
    sign_in(site, "p-admin")
    posted = site.client.post(
        "/ui/accounts",
        data={"csrf": "forged-forged-forged", "person_id": "x", "name": "x", "role": "staff", "org_id": "U1"},
    )
    assert posted.status_code == 403 and site.rt.accounts.get("x") is None


def test_an_admin_manages_the_accounts_of_their_subtree_only(site: Api) -> None:
    _account(site, "p-admin", "admin", COUNTY)
    _account(site, "p-staff", "staff", "U1")
    _account(site, "p-other", "auditor", "QS")  # a sibling county
    sign_in(site, "p-admin")
    page = site.client.get("/ui/accounts")
    assert page.status_code == 200 and 'id="account-p-staff"' in page.text and "p-other" not in page.text
    csrf = _csrf(page.text)
    added = {"csrf": csrf, "person_id": "p-new", "name": "李四", "role": "staff", "org_id": "U1", "password": PASSWORD}
    assert site.client.post("/ui/accounts", data=added, follow_redirects=False).status_code == 303
    outside = added | {"person_id": "p-out", "org_id": "QS"}
    refused = site.client.post("/ui/accounts", data=outside)
    assert refused.status_code == 422 and "no organisation QS" in refused.text
    for person in ("p-other", "no-such-person"):  # another subtree's account answers as a missing one
        for action, data in (("disable", {}), ("password", {"password": "another long one"})):
            answer = site.client.post(f"/ui/accounts/{person}/{action}", data={"csrf": csrf} | data)
            assert answer.status_code == 404, (person, action)
    assert site.rt.accounts.get("p-other").active  # type: ignore[union-attr]
    done = site.client.post("/ui/accounts/p-new/password", data={"csrf": csrf, "password": "a newer password"})
    assert done.status_code == 200 and 'id="done"' in done.text
    assert site.client.post("/ui/accounts/p-new/disable", data={"csrf": csrf}).status_code == 200
    assert not site.rt.accounts.get("p-new").active  # type: ignore[union-attr]
    assert [e.by for e in site.rt.accounts.log("p-new")] == ["p-admin"] * 3


def test_the_accounts_page_is_not_there_for_other_roles(site: Api) -> None:
    _account(site, "p-auditor", "auditor", COUNTY)
    sign_in(site, "p-auditor")
    assert site.client.get("/ui/accounts").status_code == 404
