"""Quarantine: bad input set aside where an operator can see why.

Each quarantined file sits in `quarantine/<channel>/` next to a
`<name>.reason.txt` that says what was wrong and what to do. What lands
here is never followed or executed: a symbolic link is recorded (where it
pointed) and removed, never copied through; a file too big to keep twice
stays only in the store, and the reason file says where.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
from pathlib import Path

_UNSAFE = re.compile(r"[^\w.\-]+", re.UNICODE)


def safe_name(name: str) -> str:
    """A file name that cannot escape its folder or break a terminal."""
    printable = name.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    cleaned = _UNSAFE.sub("_", printable).strip("._") or "unnamed"
    return cleaned[:150]


def place(
    quarantine_dir: Path, channel: str, name: str, source: Path, *, reason: str, move: bool,
    copy_limit: int | None = None, content: bytes | None = None,
) -> Path:
    """Copy (or move) `source` into quarantine with a reason file beside it.

    With `copy_limit`, a larger source is not copied (it stays where it is,
    e.g. in the store) and the reason file says so. With `content` (the
    file as read, e.g. decrypted from the store), that is what is kept.
    """
    folder = quarantine_dir / safe_name(channel)
    folder.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S%f")
    target = folder / f"{stamp}-{safe_name(name)}"
    if content is not None:
        target.write_bytes(content)
        note = ""
    else:
        note = _set_aside(source, target, move=move, copy_limit=copy_limit)
    text = reason + "\n" + (note + "\n" if note else "")
    target.with_name(target.name + ".reason.txt").write_text(text, encoding="utf-8")
    return target


def _set_aside(source: Path, target: Path, *, move: bool, copy_limit: int | None) -> str:
    if source.is_symlink():
        pointed = os.readlink(source)
        if move:
            source.unlink()
        return f"it was a symbolic link to {pointed!r}; the link was removed, nothing copied"
    if move:
        shutil.move(source, target)
        return ""
    if not source.exists():
        return ""
    size = source.stat().st_size
    if copy_limit is not None and size > copy_limit:
        return f"the file ({size} bytes) was not copied here; it is kept in the store at {source}"
    shutil.copyfile(source, target)
    return ""
