"""Per-process resource limits of a worker."""

from __future__ import annotations

import logging
import resource

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
