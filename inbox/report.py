"""The watcher's own status file: what it could not take, and that it is alive.

A file under DOSSIER_HOME rather than a database table, on purpose: the
watcher's problems are most often *caused* by the database or the broker
being unreachable, and the operator must still see them. `dossier status`
reads it; a stale `updated_at` means no watcher is running.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import socket
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Problem:
    channel: str
    name: str
    reason: str
    since: str  # ISO-8601, UTC


def printable(name: str) -> str:
    """A file name as text, whatever bytes it was made of."""
    return name.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def write_report(path: Path, *, inbox: Path, pending: int, problems: list[Problem]) -> bool:
    """Replace the status file atomically; False when it cannot be written
    (e.g. the disk is full), which must never stop the watcher."""
    data = {
        "pid": os.getpid(),
        "host": socket.gethostname(),
        "updated_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "inbox": str(inbox),
        "pending": pending,
        "problems": [p.__dict__ for p in problems],
    }
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
        os.replace(tmp, path)
    except OSError:
        with contextlib.suppress(OSError):
            tmp.unlink()
        return False
    return True


def read_report(path: Path) -> dict[str, Any] | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None
