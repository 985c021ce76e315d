"""Benchmarks that run the real extract+decide stages on labelled sets.

Nothing here writes to the archive: a bench only reads files and truths.
"""

from __future__ import annotations
