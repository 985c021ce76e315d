"""Signed-in browsers: server-side sessions with CSRF tokens, idle and
absolute timeouts, and a limiter on failed logins."""

from __future__ import annotations

import hashlib
import secrets
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete
from sqlalchemy.orm import Session

from archive.models import User, WebSession
from review.accounts import Account, account_of
from review.context import as_utc
from review.errors import RateLimited
from review.settings import ReviewSettings

# Writing last_seen on every request would make every page view a write.
_TOUCH_EVERY = timedelta(seconds=60)


@dataclass(frozen=True)
class SignedIn:
    account: Account
    csrf: str
    token_hash: str


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def open_session(session: Session, account: Account, now: datetime) -> tuple[str, str]:
    """Start a session; returns (cookie token, CSRF token)."""
    token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    session.add(WebSession(token_hash=token_hash(token), user_id=account.id, csrf=csrf,
                           created_at=now, last_seen=now))
    return token, csrf


def resume(session: Session, token: str, settings: ReviewSettings,
           now: datetime) -> SignedIn | None:
    """The session behind a cookie, or None when it is unknown, idle too
    long, too old or its user was disabled (then it is removed)."""
    row = session.get(WebSession, token_hash(token))
    if row is None:
        return None
    user = session.get(User, row.user_id)
    last_seen, created = as_utc(row.last_seen), as_utc(row.created_at)
    assert last_seen is not None and created is not None
    idle = now - last_seen > timedelta(minutes=settings.idle_minutes)
    old = now - created > timedelta(hours=settings.session_hours)
    if user is None or not user.active or idle or old:
        session.delete(row)
        return None
    if now - last_seen > _TOUCH_EVERY:
        row.last_seen = now
    return SignedIn(account_of(user), row.csrf, row.token_hash)


def close_session(session: Session, token: str) -> None:
    session.execute(delete(WebSession).where(WebSession.token_hash == token_hash(token)))


def csrf_ok(expected: str, given: str | None) -> bool:
    return bool(given) and secrets.compare_digest(expected, given or "")


class LoginLimiter:
    """At most `attempts` failures per key (user name, client address) in a
    sliding window. In memory: one process serves the workspace."""

    def __init__(self, attempts: int, window_s: float,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._attempts, self._window, self._clock = attempts, window_s, clock
        self._failures: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def check(self, *keys: str) -> None:
        now = self._clock()
        with self._lock:
            for key in keys:
                recent = self._recent(key, now)
                if len(recent) >= self._attempts:
                    wait = int(recent[0] + self._window - now) + 1
                    raise RateLimited("too many failed sign-ins; try again later", wait)

    def failed(self, *keys: str) -> None:
        now = self._clock()
        with self._lock:
            for key in keys:
                self._recent(key, now).append(now)

    def succeeded(self, name_key: str) -> None:
        with self._lock:
            self._failures.pop(name_key, None)

    def _recent(self, key: str, now: float) -> deque[float]:
        recent = self._failures.setdefault(key, deque())
        while recent and recent[0] <= now - self._window:
            recent.popleft()
        return recent
