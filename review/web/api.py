"""The JSON API: the workspace's operations for programs (OpenAPI at /docs).

Signed in with the same session cookie as the pages (POST /api/session);
every unsafe request carries the session's CSRF token in X-CSRF-Token.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel, Field

from review import accounts, decisions, leases, oversight
from review.context import ReviewContext
from review.errors import AuthFailed, InvalidInput
from review.items import open_item
from review.queue import QueueFilter, queue_page
from review.web.security import (
    COOKIE,
    Anyone,
    CanApprove,
    CanClaim,
    CanCorrect,
    CanDashboard,
    CanManageUsers,
    CanReassign,
    CanReturn,
    CanReveal,
    CanViewAudit,
    CanViewItem,
    CanViewQueue,
    CanViewStatus,
    client_key,
    context,
    set_cookie,
)
from review.websessions import close_session, open_session

router = APIRouter(prefix="/api", tags=["review"])


class Credentials(BaseModel):
    name: str = Field(max_length=100)
    password: str = Field(max_length=200)


class Correction(BaseModel):
    value: str = Field(max_length=500)


class ReturnReason(BaseModel):
    reason: str = Field(max_length=500)


class Reassignment(BaseModel):
    to: str | None = None


class NewUser(BaseModel):
    name: str = Field(max_length=100)
    role: str
    channels: list[str] = []
    password: str | None = None


def login(ctx: ReviewContext, request: Request, name: str, password: str) -> tuple[str, str,
                                                                                      Any]:
    """Check the password under the rate limit; returns (token, csrf, account)."""
    limiter = request.app.state.limiter
    keys = (f"user:{name}", client_key(request))
    limiter.check(*keys)
    try:
        with ctx.sessions.begin() as session:
            account = accounts.authenticate(session, name, password)
            token, csrf = open_session(session, account, ctx.now())
    except AuthFailed:
        limiter.failed(*keys)
        raise
    limiter.succeeded(keys[0])
    return token, csrf, account


@router.post("/session")
def create_session(body: Credentials, request: Request, response: Response) -> dict[str, Any]:
    token, csrf, account = login(context(request), request, body.name, body.password)
    set_cookie(request, response, COOKIE, token)
    return {"user": account.name, "role": account.role, "csrf_token": csrf}


@router.delete("/session")
def delete_session(request: Request, response: Response, who: Anyone) -> dict[str, Any]:
    ctx = context(request)
    with ctx.sessions.begin() as session:
        close_session(session, request.cookies.get(COOKIE, ""))
    response.delete_cookie(COOKIE, path="/")
    return {"signed_out": who.account.name}


@router.get("/queue")
def get_queue(who: CanViewQueue, request: Request, reason: str | None = None,
              channel: str | None = None, form: str | None = None, status: str = "open",
              limit: int = 50, offset: int = 0) -> dict[str, Any]:
    ctx = context(request)
    flt = QueueFilter(reason or None, channel or None, form or None, status)
    with ctx.sessions.begin() as session:
        page = queue_page(session, flt, ctx.now(), ctx.settings.sla_hours,
                          max(1, min(limit, 500)), max(offset, 0))
    return asdict(page)


@router.get("/items/{item_id}")
def get_item(who: CanViewItem, item_id: str, request: Request) -> dict[str, Any]:
    """Open the item: claims its lease when you may act on it."""
    ctx = context(request)
    with ctx.sessions.begin() as session:
        return asdict(open_item(session, ctx, item_id, who.account))


@router.post("/items/{item_id}/claim")
def claim_item(who: CanClaim, item_id: str, request: Request) -> dict[str, Any]:
    """Take or renew the lease (the item page renews it while open)."""
    ctx = context(request)
    with ctx.sessions.begin() as session:
        expires = leases.claim(session, item_id, who.account, ctx.now(),
                               ctx.settings.lease_minutes)
    return {"item": item_id, "holder": who.account.name, "expires": expires.isoformat()}


@router.post("/items/{item_id}/release")
def release_item(who: CanClaim, item_id: str, request: Request) -> dict[str, Any]:
    ctx = context(request)
    with ctx.sessions.begin() as session:
        return {"released": leases.release(session, item_id, who.account)}


@router.post("/items/{item_id}/fields/{key}")
def correct_field(who: CanCorrect, item_id: str, key: str, body: Correction,
                  request: Request) -> dict[str, Any]:
    ctx = context(request)
    with ctx.sessions.begin() as session:
        return asdict(decisions.correct(session, ctx, item_id, who.account, key, body.value))


@router.post("/items/{item_id}/approve")
def approve_item(who: CanApprove, item_id: str, request: Request) -> dict[str, Any]:
    ctx = context(request)
    with ctx.sessions.begin() as session:
        return asdict(decisions.approve(session, ctx, item_id, who.account))


@router.post("/items/{item_id}/return")
def return_item(who: CanReturn, item_id: str, body: ReturnReason,
                request: Request) -> dict[str, Any]:
    ctx = context(request)
    with ctx.sessions.begin() as session:
        return asdict(decisions.return_to_branch(session, ctx, item_id, who.account,
                                                 body.reason))


@router.post("/items/{item_id}/reveal/{key}")
def reveal_field(who: CanReveal, item_id: str, key: str, request: Request) -> dict[str, Any]:
    ctx = context(request)
    with ctx.sessions.begin() as session:
        return {"field": key, "value": decisions.reveal(session, ctx, item_id, who.account, key)}


@router.post("/items/{item_id}/reassign")
def reassign_item(who: CanReassign, item_id: str, body: Reassignment,
                  request: Request) -> dict[str, Any]:
    ctx = context(request)
    with ctx.sessions.begin() as session:
        target = accounts.by_name(session, body.to) if body.to else None
        if body.to and target is None:
            raise InvalidInput(f"no user {body.to!r}")
        leases.reassign(session, item_id, who.account, target, ctx.now(),
                        ctx.settings.lease_minutes)
    return {"item": item_id, "to": body.to}


@router.get("/dashboard")
def get_dashboard(who: CanDashboard, request: Request) -> dict[str, Any]:
    ctx = context(request)
    with ctx.sessions.begin() as session:
        return asdict(oversight.dashboard(session, ctx.now(), ctx.settings.sla_hours))


@router.get("/audit")
def get_audit(who: CanViewAudit, request: Request, limit: int = 100) -> dict[str, Any]:
    ctx = context(request)
    with ctx.sessions.begin() as session:
        return {"entries": oversight.audit_tail(session, max(1, min(limit, 1000)))}


@router.get("/audit/verify")
def verify_audit(who: CanViewAudit, request: Request) -> dict[str, Any]:
    ctx = context(request)
    with ctx.sessions.begin() as session:
        return oversight.verify_chain(session)


@router.get("/status")
def get_status(who: CanViewStatus, request: Request) -> dict[str, Any]:
    ctx = context(request)
    channels = None if who.account.role == "supervisor" else who.account.channels
    with ctx.sessions.begin() as session:
        return oversight.channel_status(session, channels)


@router.get("/users")
def get_users(who: CanManageUsers, request: Request) -> dict[str, Any]:
    ctx = context(request)
    with ctx.sessions.begin() as session:
        return {"users": [asdict(a) for a in accounts.list_users(session)]}


@router.post("/users")
def add_user(who: CanManageUsers, body: NewUser, request: Request) -> dict[str, Any]:
    """Create a user; a generated password is returned this once."""
    ctx = context(request)
    password = body.password or accounts.generate_password()
    with ctx.sessions.begin() as session:
        account = accounts.add_user(session, body.name, body.role, password,
                                    actor=who.account.name, channels=tuple(body.channels))
    return {"user": asdict(account), "password": None if body.password else password}
