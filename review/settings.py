"""The review workspace's settings slice: a nested section of the one
settings model (`DOSSIER_REVIEW__LEASE_MINUTES=15`), read once by the
composition root and handed down frozen."""

from __future__ import annotations

from config.settings import ReviewSettings

__all__ = ["ReviewSettings"]
