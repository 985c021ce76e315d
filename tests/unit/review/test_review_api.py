"""The workspace over HTTP: every role against every action, CSRF,
sessions (cookie flags, logout, idle timeout), login rate limiting, and a
reviewer's whole round through the pages."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from reviewkit import PASSWORD, ROLES, add_users, make_context, make_item, truth_values

from review import decisions, leases
from review.context import ReviewContext
from review.roles import PERMISSIONS, Action, Role
from review.web.app import create_app
from workers.runtime import Runtime


@pytest.fixture
def ctx(sqlite_rt: Runtime) -> ReviewContext:
    context = make_context(sqlite_rt)
    add_users(context, *((role, role) for role in ROLES), ("sup2", "supervisor"),
              ("rev2", "reviewer"))
    return context


@pytest.fixture
def client(ctx: ReviewContext) -> Iterator[TestClient]:
    with TestClient(create_app(ctx)) as c:
        yield c


def sign_in(client: TestClient, name: str) -> str:
    response = client.post("/api/session", json={"name": name, "password": PASSWORD})
    assert response.status_code == 200, response.text
    return str(response.json()["csrf_token"])


def _awaiting_item(rt: Runtime, ctx: ReviewContext, tmp: Path) -> str:
    from reviewkit import account

    item = make_item(rt, tmp, sample="review-pep_edd", low=())
    sup = account(ctx, "sup2")
    with ctx.sessions.begin() as s:
        leases.claim(s, item, sup, ctx.now(), 10)
    with ctx.sessions.begin() as s:
        assert decisions.approve(s, ctx, item, sup).status == "awaiting_second"
    return item


def requests_for(item: str, awaiting: str) -> dict[Action, tuple[str, str, Any]]:
    return {
        Action.VIEW_STATUS: ("GET", "/api/status", None),
        Action.VIEW_QUEUE: ("GET", "/api/queue", None),
        Action.VIEW_ITEM: ("GET", f"/api/items/{item}", None),
        Action.CLAIM: ("POST", f"/api/items/{item}/claim", {}),
        Action.CORRECT: ("POST", f"/api/items/{item}/fields/address", {"value": "北京市东城区"}),
        Action.APPROVE: ("POST", f"/api/items/{item}/approve", {}),
        Action.SECOND_APPROVE: ("POST", f"/api/items/{awaiting}/approve", {}),
        Action.RETURN: ("POST", f"/api/items/{item}/return", {"reason": "rescan"}),
        Action.REVEAL: ("POST", f"/api/items/{item}/reveal/id_number", {}),
        Action.REASSIGN: ("POST", f"/api/items/{item}/reassign", {"to": None}),
        Action.DASHBOARD: ("GET", "/api/dashboard", None),
        Action.VIEW_AUDIT: ("GET", "/api/audit", None),
        Action.MANAGE_USERS: ("GET", "/api/users", None),
    }


def test_every_role_against_every_action(sqlite_rt: Runtime, ctx: ReviewContext,
                                         client: TestClient, tmp_path: Path) -> None:
    item, awaiting = make_item(sqlite_rt, tmp_path), _awaiting_item(sqlite_rt, ctx, tmp_path)
    assert set(requests_for(item, awaiting)) == set(Action)
    seen = {}
    for role in ROLES:
        csrf = sign_in(client, role)
        for action, (method, url, body) in requests_for(item, awaiting).items():
            response = client.request(method, url, json=body,
                                      headers={"X-CSRF-Token": csrf} if body is not None else {})
            allowed = action in PERMISSIONS[Role(role)]
            seen[(role, action)] = response.status_code
            assert (response.status_code != 403) == allowed, (role, action, response.text)
            assert response.status_code < 500
        client.delete("/api/session", headers={"X-CSRF-Token": csrf})
    assert len(seen) == len(ROLES) * len(Action)


def test_pages_are_guarded_by_role(client: TestClient) -> None:
    assert client.get("/queue", follow_redirects=False).headers["location"].startswith("/login")
    assert client.get("/api/queue").status_code == 401
    sign_in(client, "reviewer")
    assert client.get("/admin/users").status_code == 403
    assert client.get("/audit").status_code == 403
    assert client.get("/queue").status_code == 200
    sign_in(client, "auditor")
    assert client.get("/queue").status_code == 403
    assert client.get("/audit?verify=1").status_code == 200


def test_unsafe_requests_without_the_csrf_token_are_refused(
        sqlite_rt: Runtime, client: TestClient, tmp_path: Path) -> None:
    item = make_item(sqlite_rt, tmp_path)
    csrf = sign_in(client, "reviewer")
    for headers in ({}, {"X-CSRF-Token": "forged"}):
        response = client.post(f"/api/items/{item}/claim", json={}, headers=headers)
        assert response.status_code == 403 and response.json()["error"] == "csrf"
    form = client.post(f"/items/{item}/approve", data={"csrf_token": "forged"})
    assert form.status_code == 403
    assert client.post(f"/api/items/{item}/claim", json={},
                       headers={"X-CSRF-Token": csrf}).status_code == 200
    # The sign-in form is protected too (a token bound to a cookie).
    client.cookies.clear()
    page = client.post("/login", data={"name": "reviewer", "password": PASSWORD,
                                       "csrf_token": "guess"}, follow_redirects=False)
    assert page.status_code == 403


def test_session_cookie_flags_logout_and_idle_timeout(ctx: ReviewContext,
                                                      client: TestClient) -> None:
    response = client.post("/api/session", json={"name": "reviewer", "password": PASSWORD})
    cookie = response.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=strict" in cookie and "secure" not in cookie
    csrf = response.json()["csrf_token"]
    assert client.delete("/api/session", headers={"X-CSRF-Token": csrf}).status_code == 200
    assert client.get("/api/queue").status_code == 401
    sign_in(client, "reviewer")
    later = ctx.now() + timedelta(minutes=ctx.settings.idle_minutes + 1)
    ctx.now = lambda: later
    assert client.get("/api/queue").status_code == 401


def test_secure_cookies_can_be_required(sqlite_rt: Runtime) -> None:
    context = make_context(sqlite_rt, secure_cookies=True)
    add_users(context, ("r", "reviewer"))
    with TestClient(create_app(context)) as c:
        response = c.post("/api/session", json={"name": "r", "password": PASSWORD})
    assert "secure" in response.headers["set-cookie"].lower()


def test_failed_logins_are_rate_limited(client: TestClient) -> None:
    for _ in range(5):
        assert client.post("/api/session", json={"name": "reviewer",
                                                 "password": "wrong-password"}).status_code == 401
    blocked = client.post("/api/session", json={"name": "reviewer", "password": PASSWORD})
    assert blocked.status_code == 429 and int(blocked.headers["retry-after"]) > 0


def test_a_reviewer_clears_an_item_through_the_pages(sqlite_rt: Runtime, client: TestClient,
                                                     tmp_path: Path) -> None:
    values = truth_values()
    values["mobile"] = "12345"
    item = make_item(sqlite_rt, tmp_path, values, low=())
    login = client.get("/login")
    token = login.text.split('name="csrf_token" value="')[1].split('"')[0]
    home = client.post("/login", data={"name": "reviewer", "password": PASSWORD,
                                       "csrf_token": token}, follow_redirects=False)
    assert home.status_code == 303 and home.headers["location"] == "/queue"
    queue = client.get("/queue")
    assert item in queue.text and "mobile_invalid" in queue.text
    page = client.get(f"/items/{item}")
    assert "held by you" in page.text and "138****0477" not in page.text
    csrf = page.text.split('name="csrf-token" content="')[1].split('"')[0]
    assert client.get(f"/items/{item}/page/0.png").content[:4] == b"\x89PNG"
    assert client.get(f"/items/{item}/zone/mobile.png").content[:4] == b"\x89PNG"
    bad = client.post(f"/items/{item}/correct", data={"csrf_token": csrf, "key": "mobile",
                                                      "value": "555"}, follow_redirects=False)
    assert "focus=mobile" in bad.headers["location"]
    saved = client.post(f"/items/{item}/correct", data={"csrf_token": csrf, "key": "mobile",
                                                        "value": "13837680477"})
    assert "138****0477" in saved.text and "mobile_invalid" not in saved.text
    done = client.post(f"/items/{item}/approve", data={"csrf_token": csrf})
    assert "archived" in done.text and item not in done.text
    assert client.get("/openapi.json").status_code == 404  # the API's is under /api
    assert "/api/items/{item_id}/approve" in client.get("/api/openapi.json").json()["paths"]


def test_pdf_and_tiff_scans_are_served_as_png(sqlite_rt: Runtime, client: TestClient,
                                              tmp_path: Path) -> None:
    pdf = make_item(sqlite_rt, tmp_path, sample="digital", low=("address",))
    tiff = make_item(sqlite_rt, tmp_path, sample="review-pep_edd", low=())
    sign_in(client, "reviewer")
    for item in (pdf, tiff):
        page = client.get(f"/items/{item}/page/0.png")
        assert page.status_code == 200 and page.content[:4] == b"\x89PNG"
        assert client.get(f"/items/{item}/zone/name.png").status_code == 200
        assert client.get(f"/items/{item}/page/7.png").status_code == 404
