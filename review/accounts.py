"""Users of the workspace: creation, password checks (argon2), the first admin."""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from archive import audit
from archive.models import User
from review.errors import AuthFailed, InvalidInput
from review.roles import Role

_HASHER = PasswordHasher()
# Verifying against this when the user does not exist keeps the answer time
# the same, so timing does not tell which names exist.
_DUMMY_HASH = _HASHER.hash("dossier-no-such-user")
MIN_PASSWORD = 12


@dataclass(frozen=True)
class Account:
    """A signed-in person as the services see them."""

    id: str
    name: str
    role: str
    channels: tuple[str, ...] = ()


def account_of(user: User) -> Account:
    return Account(user.id, user.name, user.role, tuple(user.channels or ()))


def generate_password() -> str:
    return secrets.token_urlsafe(15)


def add_user(session: Session, name: str, role: str, password: str, *, actor: str,
             channels: tuple[str, ...] = ()) -> Account:
    if role not in set(Role):
        raise InvalidInput(f"unknown role {role!r}; roles: {', '.join(Role)}")
    if len(password) < MIN_PASSWORD:
        raise InvalidInput(f"password must have at least {MIN_PASSWORD} characters")
    if not name or len(name) > 100 or by_name(session, name) is not None:
        raise InvalidInput(f"user name {name!r} is empty, too long or taken")
    user = User(id=str(uuid.uuid4()), name=name, role=role, password_hash=_HASHER.hash(password),
                channels=list(channels), active=True)
    session.add(user)
    session.flush()
    audit.append(session, actor=actor, action="user_added",
                 detail={"user": name, "role": role, "channels": list(channels)})
    return account_of(user)


def by_name(session: Session, name: str) -> User | None:
    return session.scalars(select(User).where(User.name == name)).first()


def authenticate(session: Session, name: str, password: str) -> Account:
    user = by_name(session, name)
    try:
        _HASHER.verify(user.password_hash if user else _DUMMY_HASH, password)
    except (VerificationError, InvalidHashError):
        raise AuthFailed("wrong name or password") from None
    if user is None or not user.active:
        raise AuthFailed("wrong name or password")
    if _HASHER.check_needs_rehash(user.password_hash):
        user.password_hash = _HASHER.hash(password)
    return account_of(user)


def list_users(session: Session) -> list[Account]:
    return [account_of(u) for u in session.scalars(select(User).order_by(User.name))]


def set_active(session: Session, name: str, active: bool, *, actor: str) -> None:
    user = by_name(session, name)
    if user is None:
        raise InvalidInput(f"no user {name!r}")
    user.active = active
    audit.append(session, actor=actor, action="user_enabled" if active else "user_disabled",
                 detail={"user": name})


def ensure_admin(session: Session) -> tuple[str, str] | None:
    """Create `admin` with a generated password when no admin exists;
    returns (name, password) to show once, or None when there was one."""
    exists = session.scalars(select(User.id).where(User.role == Role.ADMIN)).first()
    if exists is not None:
        return None
    password = generate_password()
    name = "admin" if by_name(session, "admin") is None else f"admin-{secrets.token_hex(3)}"
    add_user(session, name, Role.ADMIN, password, actor="system")
    return name, password
