"""Who is asking, and may they: session cookies, CSRF, permissions,
security headers. Every route depends on `signed_in` or `allowed_to`."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated, Any

from fastapi import Depends, Request, Response
from starlette.concurrency import run_in_threadpool

from review.context import ReviewContext
from review.errors import AuthFailed, Forbidden
from review.roles import Action, allowed
from review.websessions import SignedIn, csrf_ok, resume

COOKIE = "dossier_session"
PRELOGIN_COOKIE = "dossier_prelogin"
CSRF_HEADER = "X-CSRF-Token"
CSRF_FIELD = "csrf_token"
_UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})

SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        "frame-ancestors 'none'; form-action 'self'; base-uri 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
}


class CsrfRejected(Forbidden):
    code = "csrf"


def context(request: Request) -> ReviewContext:
    ctx: ReviewContext = request.app.state.ctx
    return ctx


def secure_cookies(request: Request) -> bool:
    setting = context(request).settings.secure_cookies
    return request.url.scheme == "https" if setting is None else setting


def set_cookie(request: Request, response: Response, name: str, value: str) -> None:
    response.set_cookie(name, value, httponly=True, samesite="strict",
                        secure=secure_cookies(request), path="/")


def _resume(ctx: ReviewContext, token: str) -> SignedIn | None:
    with ctx.sessions.begin() as session:
        return resume(session, token, ctx.settings, ctx.now())


async def _given_csrf(request: Request) -> str | None:
    header = request.headers.get(CSRF_HEADER)
    if header:
        return header
    if request.headers.get("content-type", "").startswith(
            ("application/x-www-form-urlencoded", "multipart/form-data")):
        form = await request.form()  # Starlette caches it for the endpoint
        value = form.get(CSRF_FIELD)
        return value if isinstance(value, str) else None
    return None


async def signed_in(request: Request) -> SignedIn:
    """The signed-in user; unsafe methods must carry the session's CSRF token."""
    token = request.cookies.get(COOKIE)
    who = await run_in_threadpool(_resume, context(request), token) if token else None
    if who is None:
        raise AuthFailed("sign in first")
    if request.method in _UNSAFE and not csrf_ok(who.csrf, await _given_csrf(request)):
        raise CsrfRejected("missing or wrong CSRF token; reload the page")
    request.state.who = who
    return who


def allowed_to(action: Action) -> Callable[..., Awaitable[SignedIn]]:
    async def check(who: SignedIn = Depends(signed_in)) -> SignedIn:  # noqa: B008
        if not allowed(who.account.role, action):
            raise Forbidden(f"your role ({who.account.role}) may not {action.value}")
        return who

    return check


def client_key(request: Request) -> str:
    return f"ip:{request.client.host if request.client else 'unknown'}"


def template_globals(request: Request) -> dict[str, Any]:
    who: SignedIn | None = getattr(request.state, "who", None)
    return {"who": who, "csrf": who.csrf if who else "",
            "can": (lambda a: bool(who and allowed(who.account.role, Action(a))))}


# Route parameters: `who: CanApprove` both authenticates and authorises.
Anyone = Annotated[SignedIn, Depends(signed_in)]
CanViewStatus = Annotated[SignedIn, Depends(allowed_to(Action.VIEW_STATUS))]
CanViewQueue = Annotated[SignedIn, Depends(allowed_to(Action.VIEW_QUEUE))]
CanViewItem = Annotated[SignedIn, Depends(allowed_to(Action.VIEW_ITEM))]
CanClaim = Annotated[SignedIn, Depends(allowed_to(Action.CLAIM))]
CanCorrect = Annotated[SignedIn, Depends(allowed_to(Action.CORRECT))]
CanApprove = Annotated[SignedIn, Depends(allowed_to(Action.APPROVE))]
CanReturn = Annotated[SignedIn, Depends(allowed_to(Action.RETURN))]
CanReveal = Annotated[SignedIn, Depends(allowed_to(Action.REVEAL))]
CanReassign = Annotated[SignedIn, Depends(allowed_to(Action.REASSIGN))]
CanDashboard = Annotated[SignedIn, Depends(allowed_to(Action.DASHBOARD))]
CanViewAudit = Annotated[SignedIn, Depends(allowed_to(Action.VIEW_AUDIT))]
CanManageUsers = Annotated[SignedIn, Depends(allowed_to(Action.MANAGE_USERS))]
