"""One spelling of a source path, shared by the walk, the register and the
report: relative to the source folder, `/`-separated, Unicode NFC, as text
whatever bytes the file system gave (registers are typed on Windows, shares
are mounted on Linux)."""

from __future__ import annotations

import unicodedata
from pathlib import Path, PurePosixPath, PureWindowsPath

from inbox.report import printable


def relative_key(path: Path, root: Path) -> str:
    return normalise(path.relative_to(root).as_posix())


def normalise(written: str, root: Path | None = None) -> str:
    """A path as a register may write it (`.\\a\\b.pdf`, `/share/x/a/b.pdf`)
    → `a/b.pdf`. An absolute path under `root` is made relative to it."""
    text = unicodedata.normalize("NFC", printable(written.strip()))
    if "\\" in text:
        text = PureWindowsPath(text).as_posix()
    posix = PurePosixPath(text)
    if posix.is_absolute() and root is not None:
        try:
            posix = posix.relative_to(PurePosixPath(unicodedata.normalize("NFC", str(root))))
        except ValueError:
            return str(posix)
    parts = [p for p in posix.parts if p not in (".", "")]
    return "/".join(parts)
