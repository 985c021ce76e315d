"""Hostile and broken files, made on the spot, with what must become of each.

Shared by the unit test (watcher + intake + actors in one process) and the
process-level test (a real `dossier run`).
"""

from __future__ import annotations

import io
import os
import shutil
import struct
import zlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

# What happens to each dropped name: a quarantine code for a document, or
# ("rejected", code) for entries turned away at the inbox.
DOCUMENT = "document"
REJECTED = "rejected"


@dataclass(frozen=True)
class Expect:
    kind: str  # DOCUMENT | REJECTED
    code: str  # a quarantine code, or "processed" for a good form


def _chunk(kind: bytes, body: bytes) -> bytes:
    crc = struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)
    return struct.pack(">I", len(body)) + kind + body + crc


def png_bomb(width: int = 50_000, height: int = 50_000) -> bytes:
    """A few hundred bytes declaring a 2.5-gigapixel canvas."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    body = _chunk(b"IHDR", ihdr) + _chunk(b"IDAT", zlib.compress(b"\x00" * 1024))
    return b"\x89PNG\r\n\x1a\n" + body + _chunk(b"IEND", b"")


def truncated_jpeg() -> bytes:
    pixels = np.random.default_rng(0).integers(0, 255, (400, 300), np.uint8)
    out = io.BytesIO()
    Image.fromarray(pixels).save(out, format="JPEG")
    return out.getvalue()[:600]


def photo_jpeg() -> bytes:
    """Something like a holiday snapshot: sky, ground, a sun; no form."""
    im = Image.new("RGB", (1600, 1200), (120, 170, 230))
    draw = ImageDraw.Draw(im)
    draw.rectangle((0, 750, 1600, 1200), fill=(70, 130, 60))
    draw.ellipse((1200, 120, 1420, 340), fill=(250, 220, 90))
    for x in range(0, 1600, 90):
        draw.polygon([(x, 750), (x + 45, 560), (x + 90, 750)], fill=(40, 90, 40))
    noise = np.random.default_rng(1).normal(0, 12, (1200, 1600, 3))
    arr = np.clip(np.asarray(im, dtype=np.float64) + noise, 0, 255).astype(np.uint8)
    out = io.BytesIO()
    Image.fromarray(arr).save(out, format="JPEG", quality=85)
    return out.getvalue()


def _pdf(pages: int = 1, *, encrypt: str | None = None, title: str = "") -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    out = io.BytesIO()
    c = canvas.Canvas(out, pagesize=A4, encrypt=encrypt)
    for n in range(pages):
        c.drawString(72, 770, title or f"page {n + 1} of a very long document, nothing to see")
        c.drawString(72, 740, "Company registration number ____  Legal representative ____")
        c.showPage()
    c.save()
    return out.getvalue()


def sparse_tiff(path: Path, size: int) -> None:
    """A file of `size` bytes that starts like a TIFF (sparse: cheap to make)."""
    with path.open("wb") as fh:
        fh.write(b"II*\x00\x08\x00\x00\x00")
        fh.truncate(size)


def make_hostile(channel: Path, outside: Path, good_forms: list[Path],
                 big_bytes: int = 300 * 1024 * 1024) -> dict[str, Expect]:
    """Drop every hostile case into `channel`; return name → expectation.

    `good_forms` (four readable forms) are dropped under awkward names:
    they must be processed normally."""
    channel.mkdir(parents=True, exist_ok=True)
    files: dict[str, bytes] = {
        "truncated.jpg": truncated_jpeg(),
        "corrupt.pdf": b"%PDF-1.4\n1 0 obj << /Type /Catalog >> garbage\n",
        "locked.pdf": _pdf(encrypt="secret"),
        "500-pages.pdf": _pdf(500),
        "bomb.png": png_bomb(),
        "program.pdf": Path(shutil.which("true") or "/bin/true").read_bytes(),
        "holiday photo.jpg": photo_jpeg(),
        "other-form.pdf": _pdf(title="KYC-C02 Corporate account opening form / company"),
        "empty.pdf": b"",
    }
    for name, data in files.items():
        (channel / name).write_bytes(data)
    sparse_tiff(channel / "huge.tif", big_bytes)
    outside.write_text("a file outside the inbox: never read, never moved")
    (channel / "link.pdf").symlink_to(outside)
    folder = channel / "a folder"
    folder.mkdir()
    (folder / "inside.pdf").write_bytes(b"%PDF-1.4 inside a folder")
    odd_names = ["客户 申请表 (1).pdf", "line\nbreak.pdf", "x..y..pdf",
                 os.fsdecode(b"latin1-\xe9t\xe9.pdf")]
    for name, form in zip(odd_names, good_forms, strict=True):
        shutil.copyfile(form, channel / name)
    expect = {
        "truncated.jpg": Expect(DOCUMENT, "unreadable_image"),
        "corrupt.pdf": Expect(DOCUMENT, "corrupt_pdf"),
        "locked.pdf": Expect(DOCUMENT, "encrypted_pdf"),
        "500-pages.pdf": Expect(DOCUMENT, "too_many_pages"),
        "bomb.png": Expect(DOCUMENT, "too_many_pixels"),
        "program.pdf": Expect(DOCUMENT, "unsupported_type"),
        "holiday photo.jpg": Expect(DOCUMENT, "not_a_form"),
        "other-form.pdf": Expect(DOCUMENT, "not_a_form"),
        "huge.tif": Expect(DOCUMENT, "too_large"),
        "empty.pdf": Expect(REJECTED, "empty_file"),
        "link.pdf": Expect(REJECTED, "symlink"),
        "a folder": Expect(REJECTED, "directory"),
    }
    for name in odd_names:
        expect[name] = Expect(DOCUMENT, "processed")
    return expect
