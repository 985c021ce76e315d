"""The review workspace's settings slice.

Environment variables look like a nested section of the main settings
(`DOSSIER_REVIEW__LEASE_MINUTES=15`); the composition root reads them once
and passes the frozen object down.
"""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class ReviewSettings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="DOSSIER_REVIEW__", env_file=".env", extra="ignore", frozen=True
    )

    with_run: bool = Field(True, description="`dossier run` serves the workspace too")
    host: str = "127.0.0.1"
    port: int = Field(8000, ge=1, le=65535)
    lease_minutes: float = Field(10.0, gt=0, description="an opened item is held this long")
    idle_minutes: float = Field(30.0, gt=0, description="sign out after this much inactivity")
    session_hours: float = Field(12.0, gt=0, description="sign out after this long in any case")
    sla_hours: float = Field(24.0, gt=0, description="an item older than this is late")
    # None: Secure cookies exactly when the request came over HTTPS (a
    # browser refuses them over http://127.0.0.1 otherwise).
    secure_cookies: bool | None = None
    login_attempts: int = Field(5, ge=1, description="failures allowed per window")
    login_window_seconds: float = Field(300.0, gt=0)
    page_size: int = Field(50, ge=1, le=500)
