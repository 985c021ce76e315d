"""`generate`: fictitious, labelled KYC-P01 forms for tests and benchmarks.

Each form gets two random streams derived from (seed, index): one decides the
content and its truth, the other only how it looks. The truth of form *i*
therefore depends on nothing but the seed, *i*, the reference date and the
quality pool.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path

from samplegen import degrade, writers
from samplegen.defects import DEFECTS, make_form
from samplegen.digital import write_digital_pdf
from samplegen.filling import FilledForm
from samplegen.layout import FORM_ID, load_layout
from samplegen.render import render
from samplegen.truth import truth_payload

QUALITIES = ("clean", "office", "rough", "scanned_pdf", "digital")
# Default mix: mostly scans, as the branches send them.
MIX = {"clean": 2.0, "office": 3.0, "rough": 2.0, "scanned_pdf": 1.5, "digital": 1.5}
DEFECT_RATE = 0.27


def _scan_writer(quality: str) -> Callable[[FilledForm, Path, random.Random], Path]:
    def write(form: FilledForm, stem: Path, rng: random.Random) -> Path:
        page = render(form, load_layout(), rng)
        if quality == "clean":
            return writers.save_png(degrade.clean(page), stem.with_suffix(".png"))
        if quality == "office":
            scan = degrade.office(page, rng)
            return writers.save_jpeg(scan, stem.with_suffix(".jpg"), rng.randrange(60, 86))
        if quality == "rough":
            # Fax-mode scanners light the page evenly before thresholding.
            fax = rng.random() < 0.3
            scan = degrade.rough(page, rng, shaded=not fax)
            if fax:
                return writers.save_g4_tiff(scan, stem.with_suffix(".tif"))
            return writers.save_jpeg(scan, stem.with_suffix(".jpg"), rng.randrange(25, 46))
        scan = degrade.office(page, rng) if rng.random() < 0.6 else degrade.rough(page, rng)
        return writers.save_scan_pdf(scan, stem.with_suffix(".pdf"), rng.randrange(50, 81))

    return write


def _digital(form: FilledForm, stem: Path, rng: random.Random) -> Path:
    return write_digital_pdf(form, load_layout(), stem.with_suffix(".pdf"), rng)


def write_sample(form: FilledForm, quality: str, stem: Path, rng: random.Random) -> Path:
    """Write one form file (suffix chosen by quality) and its truth; returns the form file."""
    if quality not in QUALITIES:
        raise ValueError(f"unknown quality {quality!r}; known: {', '.join(QUALITIES)}")
    writer = _digital if quality == "digital" else _scan_writer(quality)
    path = writer(form, stem, rng)
    writers.write_truth(path, truth_payload(form, path.name, quality))
    return path


def _pick_defect(rng: random.Random, rate: float) -> str | None:
    return rng.choice(DEFECTS) if rng.random() < rate else None


def generate(
    count: int,
    seed: int,
    out: Path,
    qualities: Sequence[str] | None = None,
    *,
    reference_date: date | None = None,
    defect_rate: float = DEFECT_RATE,
) -> list[Path]:
    """Write `count` filled forms plus `<stem>.truth.json` each into `out`.

    `qualities` restricts the mix (default: all, weighted by `MIX`); sign
    dates fall in the year before `reference_date` (default: today). The same
    arguments give byte-identical truth files.
    """
    pool = tuple(qualities) if qualities else QUALITIES
    unknown = sorted(set(pool) - set(QUALITIES))
    if unknown:
        raise ValueError(f"unknown qualities {unknown}; known: {', '.join(QUALITIES)}")
    reference = reference_date or date.today()
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for index in range(count):
        content = random.Random(f"{seed}:{index}:content")
        quality = content.choices(pool, [MIX[q] for q in pool])[0]
        form = make_form(content, reference, _pick_defect(content, defect_rate))
        stem = out / f"{FORM_ID}-s{seed}-{index:04d}"
        written.append(write_sample(form, quality, stem, random.Random(f"{seed}:{index}:look")))
    return written
