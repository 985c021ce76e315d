"""File formats the branches' scanners produce, and the truth file beside each.

PDFs are written with reportlab's `invariant` mode (no timestamp, fixed
document id) so that a seed reproduces the bytes.
"""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import cv2
import numpy as np
from PIL import Image
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen import canvas

from samplegen.degrade import Scan


def to_image(scan: Scan) -> Image.Image:
    return Image.fromarray(scan.pixels)


def save_png(scan: Scan, path: Path) -> Path:
    # Level 1 compression: files stay reasonable and saving stays fast.
    to_image(scan).save(path, "PNG", dpi=(scan.dpi, scan.dpi), compress_level=1)
    return path


def jpeg_bytes(scan: Scan, quality: int) -> bytes:
    buffer = io.BytesIO()
    to_image(scan).save(buffer, "JPEG", quality=quality, dpi=(scan.dpi, scan.dpi))
    return buffer.getvalue()


def save_jpeg(scan: Scan, path: Path, quality: int) -> Path:
    path.write_bytes(jpeg_bytes(scan, quality))
    return path


def save_g4_tiff(scan: Scan, path: Path) -> Path:
    """1-bit fax TIFF: Otsu threshold, then CCITT Group 4."""
    grey = scan.pixels if scan.pixels.ndim == 2 else cv2.cvtColor(scan.pixels, cv2.COLOR_RGB2GRAY)
    _, binary = cv2.threshold(grey, 0, 255, cv2.THRESH_BINARY | cv2.THRESH_OTSU)
    image = Image.fromarray(np.ascontiguousarray(binary)).convert("1", dither=Image.Dither.NONE)
    image.save(path, "TIFF", compression="group4", dpi=(scan.dpi, scan.dpi))
    return path


def save_scan_pdf(scan: Scan, path: Path, quality: int) -> Path:
    """A scanned page wrapped in a PDF: the JPEG is embedded as is (DCT)."""
    h, w = scan.pixels.shape[:2]
    size = (w * 72 / scan.dpi, h * 72 / scan.dpi)  # A4 for a full-page scan
    pdf = canvas.Canvas(str(path), pagesize=size, invariant=1)
    pdf.drawImage(ImageReader(io.BytesIO(jpeg_bytes(scan, quality))), 0, 0, *size)
    pdf.showPage()
    pdf.save()
    return path


def truth_path(form_file: Path) -> Path:
    return form_file.with_name(form_file.stem + ".truth.json")


def write_truth(form_file: Path, payload: dict[str, Any]) -> Path:
    # Same layout as the shared examples: one-space indent, UTF-8 kept readable.
    path = truth_path(form_file)
    path.write_text(json.dumps(payload, ensure_ascii=False, indent=1), encoding="utf-8")
    return path
