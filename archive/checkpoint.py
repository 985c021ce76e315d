"""The audit head, kept outside the database.

Hash-chaining detects any change *inside* the chain, but not cutting its
tail off (the shortened chain is still consistent). So every commit that
appends audit entries also records the newest (seq, hash) in a file and in
the log; `audit verify` then insists that the chain still reaches it.
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger("dossier.audit.checkpoint")


@dataclass(frozen=True)
class Checkpoint:
    seq: int
    hash: str


def read(path: Path) -> Checkpoint | None:
    try:
        data = json.loads(path.read_text())
        return Checkpoint(int(data["seq"]), str(data["hash"]))
    except FileNotFoundError:
        return None


def advance(path: Path, head: Checkpoint) -> None:
    """Record `head` unless the file already holds a later entry (several
    processes commit concurrently; the file only moves forward)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with (path.with_suffix(".lock")).open("a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        current = read(path)
        if current is not None and current.seq >= head.seq:
            return
        tmp = path.with_name(path.name + f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps({"seq": head.seq, "hash": head.hash}))
        os.replace(tmp, path)
    log.info("audit head seq=%d hash=%s", head.seq, head.hash)
