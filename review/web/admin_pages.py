"""Pages for supervisors (dashboard, reassign), auditors (audit trail),
operators (document status) and admins (users)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from review import accounts, leases, oversight
from review.dashboard import CUSTOMER_BASE, OPERATIONS
from review.errors import InvalidInput
from review.roles import Role
from review.web.pages import render
from review.web.security import (
    CanDashboard,
    CanManageUsers,
    CanReassign,
    CanViewAudit,
    CanViewStatus,
    context,
)

router = APIRouter(include_in_schema=False)


@router.get("/dashboard")
def dashboard(request: Request, who: CanDashboard) -> Response:
    ctx = context(request)
    with ctx.sessions.begin() as session:
        data = oversight.dashboard(session, ctx.now(), ctx.settings.sla_hours)
    return render(request, "dashboard.html", d=data, sla_hours=ctx.settings.sla_hours,
                  operations=list(OPERATIONS), customers=list(CUSTOMER_BASE))


@router.post("/items/{item_id}/reassign")
def reassign(request: Request, item_id: str, who: CanReassign,
             to: Annotated[str, Form(max_length=100)] = "") -> Response:
    ctx = context(request)
    with ctx.sessions.begin() as session:
        target = accounts.by_name(session, to) if to else None
        if to and target is None:
            raise InvalidInput(f"no user {to!r}")
        leases.reassign(session, item_id, who.account, target, ctx.now(),
                        ctx.settings.lease_minutes)
    return RedirectResponse("/dashboard", 303)


@router.get("/audit")
def audit_page(request: Request, who: CanViewAudit, verify: bool = False) -> Response:
    ctx = context(request)
    with ctx.sessions.begin() as session:
        entries = oversight.audit_tail(session, 200)
        report = oversight.verify_chain(session) if verify else None
    return render(request, "audit.html", entries=entries, report=report)


@router.get("/status")
def status_page(request: Request, who: CanViewStatus) -> Response:
    ctx = context(request)
    channels = None if who.account.role == Role.SUPERVISOR else who.account.channels
    with ctx.sessions.begin() as session:
        data = oversight.channel_status(session, channels)
    return render(request, "status.html", data=data)


@router.get("/admin/users")
def users_page(request: Request, who: CanManageUsers) -> Response:
    ctx = context(request)
    with ctx.sessions.begin() as session:
        users = accounts.list_users(session)
    return render(request, "users.html", users=users, roles=list(Role), created=None)


@router.post("/admin/users")
def add_user(request: Request, who: CanManageUsers,
             name: Annotated[str, Form(max_length=100)],
             role: Annotated[str, Form(max_length=20)],
             channels: Annotated[str, Form(max_length=500)] = "") -> Response:
    """Create a user with a generated password, shown on this page once."""
    ctx = context(request)
    password = accounts.generate_password()
    wanted = tuple(c.strip() for c in channels.split(",") if c.strip())
    with ctx.sessions.begin() as session:
        accounts.add_user(session, name.strip(), role, password, actor=who.account.name,
                          channels=wanted)
        users = accounts.list_users(session)
    return render(request, "users.html", users=users, roles=list(Role),
                  created={"name": name.strip(), "password": password})


@router.post("/admin/users/{name}/active")
def set_active(request: Request, name: str, who: CanManageUsers,
               active: Annotated[str, Form()] = "") -> Response:
    ctx = context(request)
    with ctx.sessions.begin() as session:
        accounts.set_active(session, name, active == "1", actor=who.account.name)
    return RedirectResponse("/admin/users", 303)
