"""Listing what sits in the inbox: one subfolder per channel."""

from __future__ import annotations

import fnmatch
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Candidate:
    channel: str
    path: Path


def is_ignored(name: str, patterns: tuple[str, ...]) -> bool:
    """Temporary and hidden names are never taken: a copy tool still owns them."""
    return any(fnmatch.fnmatchcase(name, p) for p in patterns)


def candidates(root: Path, patterns: tuple[str, ...]) -> Iterator[Candidate]:
    """Every file directly inside a channel folder, oldest first per channel."""
    if not root.is_dir():
        return
    for channel_dir in sorted(root.iterdir()):
        if not channel_dir.is_dir() or is_ignored(channel_dir.name, patterns):
            continue
        yield from _channel_files(channel_dir, patterns)


def _channel_files(channel_dir: Path, patterns: tuple[str, ...]) -> Iterator[Candidate]:
    entries = []
    with os.scandir(channel_dir) as it:
        for entry in it:
            if is_ignored(entry.name, patterns):
                continue
            entries.append(entry)
    entries.sort(key=lambda e: (e.stat(follow_symlinks=False).st_mtime_ns, e.name))
    for entry in entries:
        yield Candidate(channel_dir.name, Path(entry.path))
