"""The scan beside the fields: pages as PNG (PDFs rasterised with
pypdfium2, TIFF and JPEG converted, EXIF rotation applied) and each field's
zone cut from the page.

The store is encrypted at rest, so rendered pages are kept only in a small
in-memory cache (never written to disk in plain). Zones are cut from the
page scaled to the form's size; aligning a skewed scan is the extractor's
business, so a badly skewed page shows its zone approximately.
"""

from __future__ import annotations

import io
import threading
from collections import OrderedDict
from pathlib import Path

import pypdfium2 as pdfium
from PIL import Image, ImageOps

from extractors.types import Box
from review.context import FormView, ReviewContext
from review.errors import NotFound

PAGE_WIDTH = 1240  # 150 dpi across an A4 page: legible, and light to send
_ZONE_MARGIN = 12  # form pixels around a zone, so a slightly shifted field still shows
_PDF_LOCK = threading.Lock()  # pdfium is not thread-safe


class _Lru:
    """A bounded, thread-safe cache of rendered PNG bytes (and page counts)."""

    def __init__(self, max_bytes: int) -> None:
        self._items: OrderedDict[str, bytes] = OrderedDict()
        self._max, self._size = max_bytes, 0
        self._lock = threading.Lock()

    def get(self, key: str) -> bytes | None:
        with self._lock:
            data = self._items.get(key)
            if data is not None:
                self._items.move_to_end(key)
            return data

    def put(self, key: str, data: bytes) -> None:
        with self._lock:
            if key in self._items:
                return
            self._items[key] = data
            self._size += len(data)
            while self._size > self._max and self._items:
                _old, dropped = self._items.popitem(last=False)
                self._size -= len(dropped)


_CACHE = _Lru(96 * 1024 * 1024)


def _is_pdf(path: Path) -> bool:
    with path.open("rb") as fh:
        return fh.read(5) == b"%PDF-"


def _count(path: Path) -> int:
    if _is_pdf(path):
        with _PDF_LOCK:
            pdf = pdfium.PdfDocument(str(path))
            try:
                return len(pdf)
            finally:
                pdf.close()
    with Image.open(path) as image:
        return int(getattr(image, "n_frames", 1))


def _render(path: Path, page: int) -> Image.Image:
    if _is_pdf(path):
        with _PDF_LOCK:
            pdf = pdfium.PdfDocument(str(path))
            try:
                if not 0 <= page < len(pdf):
                    raise NotFound("no such page")
                pdf_page = pdf[page]
                scale = PAGE_WIDTH / pdf_page.get_width()
                return pdf_page.render(scale=scale).to_pil().convert("RGB")
            finally:
                pdf.close()
    with Image.open(path) as image:
        if not 0 <= page < int(getattr(image, "n_frames", 1)):
            raise NotFound("no such page")
        image.seek(page)
        upright = ImageOps.exif_transpose(image).convert("RGB")
    height = round(upright.height * PAGE_WIDTH / upright.width)
    return upright.resize((PAGE_WIDTH, height), Image.Resampling.LANCZOS)


def _png(image: Image.Image) -> bytes:
    buf = io.BytesIO()
    image.save(buf, "PNG", compress_level=3)
    return buf.getvalue()


def page_count(ctx: ReviewContext, store_key: str, sha256: str) -> int:
    key = f"{sha256}:count"
    cached = _CACHE.get(key)
    if cached is not None:
        return int(cached)
    try:
        with ctx.plaintext(store_key) as path:
            count = _count(path)
    except (OSError, ValueError):  # missing or unreadable in the store: show no page
        return 0
    _CACHE.put(key, str(count).encode())
    return count


def page_png(ctx: ReviewContext, store_key: str, sha256: str, page: int) -> bytes:
    """One page of a stored document as PNG."""
    key = f"{sha256}:p{page}"
    cached = _CACHE.get(key)
    if cached is not None:
        return cached
    try:
        with ctx.plaintext(store_key) as path:
            data = _png(_render(path, page))
    except OSError as exc:
        raise NotFound("the scan is not in the store") from exc
    _CACHE.put(key, data)
    return data


def zone_png(ctx: ReviewContext, store_key: str, sha256: str, key: str, view: FormView) -> bytes:
    """One field's zone on the first page, as PNG."""
    cache_key = f"{sha256}:z:{key}"
    cached = _CACHE.get(cache_key)
    if cached is not None:
        return cached
    zone: Box = view.zones[key]
    with Image.open(io.BytesIO(page_png(ctx, store_key, sha256, 0))) as page:
        scale = page.width / view.width
        box = (max(0, round((zone[0] - _ZONE_MARGIN) * scale)),
               max(0, round((zone[1] - _ZONE_MARGIN) * scale)),
               min(page.width, round((zone[2] + _ZONE_MARGIN) * scale)),
               min(page.height, round((zone[3] + _ZONE_MARGIN) * scale)))
        data = _png(page.crop(box))
    _CACHE.put(cache_key, data)
    return data
