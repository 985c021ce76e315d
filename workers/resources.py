"""Per-process resource limits of a worker."""

from __future__ import annotations

import ctypes
import ctypes.util
import logging
import resource
from collections.abc import Callable

log = logging.getLogger(__name__)


def apply_memory_limit(megabytes: int) -> None:
    """Cap this process's address space (0 = leave it alone).

    A decoder that runs away then gets a MemoryError in its own thread (the
    document is retried, then `failed`) instead of the kernel's OOM killer
    taking the whole worker, or a neighbour, down. Tesseract subprocesses
    inherit the cap.
    """
    if megabytes <= 0:
        return
    limit = megabytes * 1024 * 1024
    _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    log.info("worker memory limited to %d MiB of address space", limit // (1024 * 1024))


def _load_trim() -> Callable[[int], int] | None:
    try:
        return ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6").malloc_trim  # type: ignore[no-any-return]
    except (OSError, AttributeError):  # not glibc: nothing to hand back
        return None


_malloc_trim = _load_trim()


def hand_back_free_memory() -> None:
    """Return the heap a finished document freed to the operating system.

    A page costs tens of megabytes of short-lived buffers (decoded image,
    warped page, OCR scratch); glibc keeps freed heap for reuse, so a
    worker's resident size would stay at its worst page forever (measured:
    ~95 MB held after eight documents). Called between documents only.
    """
    if _malloc_trim is not None:
        _malloc_trim(0)
