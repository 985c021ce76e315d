"""The scan beside the fields: pages as PNG (PDFs rasterised with
pypdfium2, TIFF and JPEG converted, EXIF rotation applied) and each field's
zone cut from the page.

The store is encrypted at rest, so rendered pages are kept only in a small
in-memory cache (never written to disk in plain). Zones are cut from the
scan registered onto the blank form the way the extractor registers it
(`extractors.align`), so a skewed or upside-down scan shows each field's
own zone, and the first page is shown turned upright. A page that cannot be
registered (a text-layer PDF has the form's own geometry) is cut scaled to
the form's size.
"""

from __future__ import annotations

import io
import threading
from collections import OrderedDict

import cv2
import numpy as np
import pypdfium2 as pdfium
from PIL import Image, ImageOps

from config.errors import RejectedInput
from extractors.align import Alignment, align_page
from extractors.loader import PDFIUM_LOCK, LoadLimits, load_document
from extractors.types import Box
from review.context import FormView, ReviewContext
from review.errors import NotFound

PAGE_WIDTH = 1240  # 150 dpi across an A4 page: legible, and light to send
_ZONE_MARGIN = 12  # form pixels around a zone, so a slightly shifted field still shows


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
# Registration of one document at a time (by stripe: bounded, no per-document
# lock to clean up), so parallel zone requests do not each register it.
_STRIPES = tuple(threading.Lock() for _ in range(32))


def _is_pdf(data: bytes) -> bool:
    return data.startswith(b"%PDF-")


def _count(data: bytes) -> int:
    if _is_pdf(data):
        with PDFIUM_LOCK:
            pdf = pdfium.PdfDocument(data)
            try:
                return len(pdf)
            finally:
                pdf.close()
    with Image.open(io.BytesIO(data)) as image:
        return int(getattr(image, "n_frames", 1))


def _render(data: bytes, page: int) -> Image.Image:
    if _is_pdf(data):
        with PDFIUM_LOCK:
            pdf = pdfium.PdfDocument(data)
            try:
                if not 0 <= page < len(pdf):
                    raise NotFound("no such page")
                pdf_page = pdf[page]
                scale = PAGE_WIDTH / pdf_page.get_width()
                return pdf_page.render(scale=scale).to_pil().convert("RGB")
            finally:
                pdf.close()
    with Image.open(io.BytesIO(data)) as image:
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
        count = _count(ctx.read_stored(store_key))
    except (OSError, ValueError):  # missing or unreadable in the store: show no page
        return 0
    _CACHE.put(key, str(count).encode())
    return count


def page_png(ctx: ReviewContext, store_key: str, sha256: str, page: int,
             view: FormView | None = None) -> bytes:
    """One page of a stored document as PNG; the form's page upright."""
    key = f"{sha256}:p{page}"
    cached = _CACHE.get(key)
    if cached is not None:
        return cached
    turn = _rotation(ctx, store_key, sha256, view) if page == 0 and view else 0
    try:
        image = _render(ctx.read_stored(store_key), page)
    except OSError as exc:
        raise NotFound("the scan is not in the store") from exc
    data = _png(image.rotate(-turn, expand=True) if turn else image)
    _CACHE.put(key, data)
    return data


def zone_png(ctx: ReviewContext, store_key: str, sha256: str, key: str, view: FormView) -> bytes:
    """One field's zone on the first page, as PNG."""
    cache_key = f"{sha256}:z:{key}"
    cached = _CACHE.get(cache_key)
    if cached is not None:
        return cached
    aligned = _registered_zones(ctx, store_key, sha256, view)
    if aligned is not None:
        return aligned[key]
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


def _rotation(ctx: ReviewContext, store_key: str, sha256: str, view: FormView) -> int:
    """Degrees (clockwise) the extractor turned the first page to read it."""
    cached = _CACHE.get(f"{sha256}:rotation")
    if cached is None:
        _registered_zones(ctx, store_key, sha256, view)
        cached = _CACHE.get(f"{sha256}:rotation")
    return int(cached) if cached is not None else 0


def _registered_zones(ctx: ReviewContext, store_key: str, sha256: str,
                      view: FormView) -> dict[str, bytes] | None:
    """Every zone cut from the registered page, or None when the page
    cannot be registered.

    The item page asks for all its zones at once; they are cut together
    after one registration (a fraction of a second; cutting is free), and
    the requests for the same document wait for it instead of each
    registering the page again. A page that cannot be registered is
    remembered as such, so it is not tried again for every zone.
    """
    with _STRIPES[hash(sha256) % len(_STRIPES)]:
        state = _CACHE.get(f"{sha256}:registered")
        if state == b"no":
            return None
        if state == b"yes":
            zones = {key: _CACHE.get(f"{sha256}:z:{key}") for key in view.zones}
            if all(data is not None for data in zones.values()):
                return zones  # type: ignore[return-value]
        return _register(ctx, store_key, sha256, view)


def _register(ctx: ReviewContext, store_key: str, sha256: str,
              view: FormView) -> dict[str, bytes] | None:
    alignment = _alignment(ctx, store_key, view)
    if alignment is None:
        _CACHE.put(f"{sha256}:rotation", b"0")
        _CACHE.put(f"{sha256}:registered", b"no")
        return None
    _CACHE.put(f"{sha256}:rotation", str(alignment.rotation).encode())
    zones = {key: _gray_png(_with_margin(alignment.page, box)) for key, box in view.zones.items()}
    for key, data in zones.items():
        _CACHE.put(f"{sha256}:z:{key}", data)
    _CACHE.put(f"{sha256}:registered", b"yes")
    return zones


def _alignment(ctx: ReviewContext, store_key: str, view: FormView) -> Alignment | None:
    if view.template is None:
        return None
    try:
        document = load_document(ctx.read_stored(store_key), LoadLimits())
        if document.image is None:  # a text layer: the page has the form's geometry
            return None
        return align_page(document.image, view.template)
    except (RejectedInput, OSError):
        return None


def _with_margin(page: np.ndarray, zone: Box) -> np.ndarray:
    height, width = page.shape[:2]
    return page[max(0, zone[1] - _ZONE_MARGIN):min(height, zone[3] + _ZONE_MARGIN),
                max(0, zone[0] - _ZONE_MARGIN):min(width, zone[2] + _ZONE_MARGIN)]


def _gray_png(image: np.ndarray) -> bytes:
    ok, data = cv2.imencode(".png", image)
    if not ok:
        raise NotFound("the zone could not be drawn")
    return data.tobytes()
