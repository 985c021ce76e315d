"""Server-rendered pages for reviewers: sign-in, the queue, the item page."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select

from archive.models import Document, ReviewItem
from review import decisions, leases, scans
from review.errors import InvalidInput, NotFound, ReviewError
from review.items import ItemView, open_item
from review.queue import QueueFilter, queue_page
from review.roles import Role
from review.web.api import login
from review.web.security import (
    COOKIE,
    PRELOGIN_COOKIE,
    Anyone,
    CanApprove,
    CanClaim,
    CanCorrect,
    CanReturn,
    CanViewItem,
    CanViewQueue,
    CsrfRejected,
    context,
    set_cookie,
)
from review.websessions import close_session, csrf_ok
from validators.messages import MESSAGES

router = APIRouter(include_in_schema=False)
Text = Annotated[str, Form(max_length=500)]
HOME = {Role.OPERATOR: "/status", Role.REVIEWER: "/queue", Role.SUPERVISOR: "/queue",
        Role.AUDITOR: "/audit", Role.ADMIN: "/admin/users"}
RETURN_REASONS = (
    "scan unreadable, please rescan",
    "pages missing",
    "form incomplete: customer must complete and sign",
    "ID document must be shown again at the branch",
)


def render(request: Request, name: str, status: int = 200, **values: Any) -> Response:
    templates = request.app.state.templates
    return templates.TemplateResponse(request, name, values, status_code=status)  # type: ignore[no-any-return]


def _safe_next(path: str | None) -> str | None:
    # Only local paths: never redirect a signed-in user to another site.
    return path if path and path.startswith("/") and not path.startswith("//") else None


@router.get("/")
def home(who: Anyone) -> RedirectResponse:
    return RedirectResponse(HOME.get(Role(who.account.role), "/login"), 303)


@router.get("/login")
def login_page(request: Request, next: str | None = None, msg: str | None = None) -> Response:
    import secrets

    token = secrets.token_urlsafe(24)
    response = render(request, "login.html", login_csrf=token, next=_safe_next(next), msg=msg)
    set_cookie(request, response, PRELOGIN_COOKIE, token)
    return response


@router.post("/login")
def login_submit(request: Request, name: Text, password: Text, csrf_token: Text,
                 next: Annotated[str, Form()] = "") -> Response:
    # Login CSRF: the form's token must match the cookie set with the form.
    if not csrf_ok(request.cookies.get(PRELOGIN_COOKIE, ""), csrf_token):
        raise CsrfRejected("the sign-in form expired; reload it")
    try:
        token, _csrf, account = login(context(request), request, name, password)
    except ReviewError as exc:
        return RedirectResponse(f"/login?msg={quote(str(exc))}", 303)
    target = _safe_next(next) or HOME.get(Role(account.role), "/")
    response = RedirectResponse(target, 303)
    set_cookie(request, response, COOKIE, token)
    response.delete_cookie(PRELOGIN_COOKIE, path="/")
    return response


@router.post("/logout")
def logout(request: Request, who: Anyone) -> Response:
    ctx = context(request)
    with ctx.sessions.begin() as session:
        close_session(session, request.cookies.get(COOKIE, ""))
    response = RedirectResponse("/login?msg=signed+out", 303)
    response.delete_cookie(COOKIE, path="/")
    return response


@router.get("/queue")
def queue(request: Request, who: CanViewQueue, reason: str = "", channel: str = "",
          form: str = "", status: str = "open", page: int = 1, msg: str = "") -> Response:
    ctx = context(request)
    size = ctx.settings.page_size
    flt = QueueFilter(reason or None, channel or None, form or None, status)
    with ctx.sessions.begin() as session:
        data = queue_page(session, flt, ctx.now(), ctx.settings.sla_hours, size,
                          (max(page, 1) - 1) * size)
    return render(request, "queue.html", q=data, flt=flt, page=max(page, 1), size=size,
                  messages=MESSAGES, msg=msg)


@router.get("/items/{item_id}")
def item_page(request: Request, item_id: str, who: CanViewItem, focus: str = "",
              msg: str = "") -> Response:
    ctx = context(request)
    with ctx.sessions.begin() as session:
        view = open_item(session, ctx, item_id, who.account)
    return render(request, "item.html", item=view, focus=focus or _first_flagged(view),
                  msg=msg, return_reasons=RETURN_REASONS,
                  lease_seconds=int(ctx.settings.lease_minutes * 60))


def _first_flagged(view: ItemView) -> str:
    return next((f.key for f in view.fields if f.flagged), "")


def _next_flagged(view: ItemView, after: str) -> str:
    keys = [f.key for f in view.fields if f.flagged and f.key != after]
    return keys[0] if keys else ""


@router.post("/items/{item_id}/correct")
def correct(request: Request, item_id: str, who: CanCorrect, key: Text,
            value: Annotated[str, Form(max_length=500)] = "") -> Response:
    ctx = context(request)
    try:
        with ctx.sessions.begin() as session:
            decisions.correct(session, ctx, item_id, who.account, key, value)
            view = open_item(session, ctx, item_id, who.account)
    except InvalidInput as exc:
        return _back(item_id, focus=key, msg=str(exc))
    return _back(item_id, focus=_next_flagged(view, key), msg=f"{key} saved")


def _back(item_id: str, *, focus: str = "", msg: str = "") -> RedirectResponse:
    return RedirectResponse(f"/items/{item_id}?focus={quote(focus)}&msg={quote(msg)}", 303)


@router.post("/items/{item_id}/approve")
def approve(request: Request, item_id: str, who: CanApprove) -> Response:
    ctx = context(request)
    try:
        with ctx.sessions.begin() as session:
            outcome = decisions.approve(session, ctx, item_id, who.account)
    except InvalidInput as exc:
        return _back(item_id, msg=str(exc))
    done = "sent for second approval" if outcome.status == "awaiting_second" else "archived"
    return RedirectResponse(f"/queue?msg={quote(f'item {done}')}", 303)


@router.post("/items/{item_id}/return")
def return_item(request: Request, item_id: str, who: CanReturn, reason: Text,
                note: Annotated[str, Form(max_length=300)] = "") -> Response:
    ctx = context(request)
    full = f"{reason}: {note.strip()}" if note.strip() else reason
    with ctx.sessions.begin() as session:
        decisions.return_to_branch(session, ctx, item_id, who.account, full)
    return RedirectResponse("/queue?msg=item+returned+to+the+branch", 303)


@router.post("/items/{item_id}/release")
def release(request: Request, item_id: str, who: CanClaim) -> Response:
    ctx = context(request)
    with ctx.sessions.begin() as session:
        leases.release(session, item_id, who.account)
    return RedirectResponse("/queue", 303)


def _document(request: Request, item_id: str) -> tuple[str, str, str | None]:
    ctx = context(request)
    with ctx.sessions.begin() as session:
        row = session.execute(
            select(Document.store_key, Document.sha256, Document.form)
            .join(ReviewItem, ReviewItem.document_id == Document.id)
            .where(ReviewItem.id == item_id)
        ).first()
    if row is None:
        raise NotFound("no such review item")
    return row.store_key, row.sha256, row.form


_IMAGE_HEADERS = {"Cache-Control": "private, max-age=600"}


@router.get("/items/{item_id}/page/{page}.png")
def page_image(request: Request, item_id: str, page: int, who: CanViewItem) -> Response:
    store_key, sha256, form = _document(request, item_id)
    ctx = context(request)
    data = scans.page_png(ctx, store_key, sha256, page, ctx.form(form))
    return Response(data, media_type="image/png", headers=_IMAGE_HEADERS)


@router.get("/items/{item_id}/zone/{key}.png")
def zone_image(request: Request, item_id: str, key: str, who: CanViewItem) -> Response:
    ctx = context(request)
    store_key, sha256, form = _document(request, item_id)
    view = ctx.form(form)
    if view is None or key not in view.zones:
        raise NotFound("no zone for this field")
    data = scans.zone_png(ctx, store_key, sha256, key, view)
    return Response(data, media_type="image/png", headers=_IMAGE_HEADERS)
