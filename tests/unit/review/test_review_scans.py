"""The reviewer sees each field's own zone, cut from the scan registered
onto the blank form, and the page upright, even when it was scanned
upside down."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from reviewkit import make_context, sample_file

from review import scans
from review.context import ReviewContext
from workers.runtime import Runtime


def _stored(rt: Runtime, image: Image.Image, path: Path) -> tuple[str, str]:
    image.save(path)
    return rt.store.put(path, move=True)


def _pixels(png: bytes, size: tuple[int, int] | None = None) -> np.ndarray:
    with Image.open(io.BytesIO(png)) as image:
        grey = image.convert("L")
        return np.asarray(grey.resize(size) if size else grey, dtype=np.float32)


def test_an_upside_down_scan_shows_the_same_zones_and_an_upright_page(
    sqlite_rt: Runtime, tmp_path: Path
) -> None:
    ctx: ReviewContext = make_context(sqlite_rt)
    view = ctx.form("KYC-P01")
    assert view is not None and view.template is not None
    upright = Image.open(sample_file("clean")).convert("L")
    stored = {name: _stored(sqlite_rt, image, tmp_path / f"{name}.png") for name, image in
              {"upright": upright, "turned": upright.rotate(180)}.items()}

    for field in ("name", "id_number", "mobile"):
        a, b = (_pixels(scans.zone_png(ctx, *stored[n], field, view))
                for n in ("upright", "turned"))
        assert a.shape == b.shape
        assert float(np.abs(a - b).mean()) < 12, field  # same ink, resampled

    pages = [_pixels(scans.page_png(ctx, *stored[n], 0, view), (310, 438))
             for n in ("upright", "turned")]
    assert float(np.abs(pages[0] - pages[1]).mean()) < 12
    as_scanned = np.asarray(upright.rotate(180).resize((310, 438)), dtype=np.float32)
    assert float(np.abs(pages[0] - as_scanned).mean()) > 2 * float(
        np.abs(pages[0] - pages[1]).mean())


def test_pages_and_zones_are_rendered_without_a_plain_copy_on_disk(
    sqlite_rt: Runtime, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(key: str) -> None:
        raise AssertionError("a decrypted copy of a stored file was written to disk")

    monkeypatch.setattr(sqlite_rt.store, "plaintext", refuse)
    ctx: ReviewContext = make_context(sqlite_rt)
    view = ctx.form("KYC-P01")
    assert view is not None
    stored = _stored(sqlite_rt, Image.open(sample_file("clean")).convert("L"),
                     tmp_path / "form.png")
    assert scans.page_count(ctx, *stored) == 1
    assert scans.page_png(ctx, *stored, 0, view).startswith(b"\x89PNG")
    assert scans.zone_png(ctx, *stored, "name", view).startswith(b"\x89PNG")
    assert not list((sqlite_rt.store.root / ".scratch").glob("*"))
