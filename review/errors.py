"""What the review services refuse, as results the web layer maps to
HTTP statuses (no message matching)."""

from __future__ import annotations


class ReviewError(Exception):
    """Root of the workspace's refusals."""

    status = 400
    code = "invalid"


class NotFound(ReviewError):
    status = 404
    code = "not_found"


class Forbidden(ReviewError):
    status = 403
    code = "forbidden"


class LeaseHeld(ReviewError):
    """Someone else holds the item's lease."""

    status = 409
    code = "lease_held"


class NotActionable(ReviewError):
    """The item is not in a state that allows this (closed, awaiting...)."""

    status = 409
    code = "not_actionable"


class InvalidInput(ReviewError):
    status = 422
    code = "invalid_input"


class AuthFailed(ReviewError):
    status = 401
    code = "auth_failed"


class RateLimited(ReviewError):
    status = 429
    code = "rate_limited"

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after
