"""Quarantine: bad input set aside where an operator can see why.

Each quarantined file sits in `quarantine/<channel>/` next to a
`<name>.reason.txt` that says what was wrong and what to do.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path

_UNSAFE = re.compile(r"[^\w.\-]+", re.UNICODE)


def safe_name(name: str) -> str:
    """A file name that cannot escape its folder or break a terminal."""
    cleaned = _UNSAFE.sub("_", name).strip("._") or "unnamed"
    return cleaned[:150]


def place(
    quarantine_dir: Path, channel: str, name: str, source: Path, *, reason: str, move: bool
) -> Path:
    """Copy (or move) `source` into quarantine with a reason file beside it."""
    folder = quarantine_dir / safe_name(channel)
    folder.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S%f")
    target = folder / f"{stamp}-{safe_name(name)}"
    if move:
        shutil.move(source, target)
    elif source.exists():
        shutil.copyfile(source, target)
    target.with_name(target.name + ".reason.txt").write_text(reason + "\n", encoding="utf-8")
    return target
