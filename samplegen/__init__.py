"""Labelled sample generator for KYC-P01: fictitious applicants, filled,
degraded like real scans (or written as digital PDFs), each with its truth.

    from samplegen import generate
    files = generate(50, seed=7, out=Path("samples/run"))
"""

from __future__ import annotations

from samplegen.api import QUALITIES, generate, write_sample
from samplegen.defects import DEFECTS, make_form
from samplegen.truth import load_truth

__all__ = ["DEFECTS", "QUALITIES", "generate", "load_truth", "make_form", "write_sample"]
