"""Walking a legacy source tree: every entry, in a stable order, with what
the walk alone can say about it.

The source is read, never changed: a back catalogue on a file share stays
as it was (unlike the inbox, nothing is moved or removed).
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from inbox.scan import is_ignored
from workers.migration.paths import relative_key


@dataclass(frozen=True)
class SourceFile:
    key: str  # relative, normalised (workers.migration.paths)
    path: Path
    size: int
    mtime_ns: int
    kind: str  # file | symlink | ignored

    @property
    def signature(self) -> tuple[int, int]:
        return self.size, self.mtime_ns


def walk(root: Path, ignore: tuple[str, ...], exclude: Iterable[Path] = ()) -> Iterator[SourceFile]:
    """Every entry under `root` at any depth, sorted by key. Symbolic links
    are reported, never followed (a link could lead out of the source);
    temporary and hidden names are reported as ignored; `exclude` (the
    register, the report folder) is left out."""
    excluded = {p.resolve() for p in exclude}
    found = []
    for folder, dirs, files in os.walk(root, followlinks=False):
        here = Path(folder)
        dirs[:] = sorted(d for d in dirs if _descend(here / d, excluded, ignore, files))
        found += [_describe(here / name, root, ignore) for name in files
                  if (here / name).resolve() not in excluded]
    yield from sorted(found, key=lambda f: f.key)


def _descend(folder: Path, excluded: set[Path], ignore: tuple[str, ...],
             files: list[str]) -> bool:
    """Folders are walked unless excluded; a linked or hidden folder is
    listed as one entry (symlink, ignored) instead of being entered."""
    if folder.is_symlink() or is_ignored(folder.name, ignore):
        files.append(folder.name)
        return False
    return folder.resolve() not in excluded


def _describe(path: Path, root: Path, ignore: tuple[str, ...]) -> SourceFile:
    st = path.lstat()
    kind = "symlink" if path.is_symlink() else "ignored" if is_ignored(path.name, ignore) \
        else "file"
    return SourceFile(relative_key(path, root), path, st.st_size, st.st_mtime_ns, kind)
