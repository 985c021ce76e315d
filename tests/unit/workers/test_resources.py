"""A worker hands freed heap back to the system between documents."""

from __future__ import annotations

from pathlib import Path

import pytest

from workers.resources import hand_back_free_memory


def _resident_mb() -> float:
    pages = int(Path("/proc/self/statm").read_text().split()[1])
    return pages * 4096 / 2**20


@pytest.mark.skipif(not Path("/proc/self/statm").exists(), reason="needs Linux /proc")
def test_the_freed_buffers_of_a_document_leave_the_resident_size() -> None:
    # Many mid-sized buffers come from the heap (not mmap) and stay resident
    # after they are freed, as a page's scratch images do.
    buffers = [bytearray(64 * 1024) for _ in range(3000)]  # ~190 MB, touched
    for b in buffers:
        b[::4096] = b"\x01" * len(b[::4096])
    held = _resident_mb()
    del buffers
    hand_back_free_memory()
    assert _resident_mb() < held - 100
