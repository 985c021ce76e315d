"""Turn a file into a page image, or recognise a digital PDF.

Types are sniffed from magic bytes, never from the extension, and every
size is checked before pixels are decoded so a hostile file is rejected
rather than exhausting memory.
"""

from __future__ import annotations

import io
import threading
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import cv2
import numpy as np
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_raw
from PIL import Image, ImageOps

from config.errors import RejectedInput

FileType = Literal["png", "jpeg", "tiff", "pdf"]
RENDER_DPI = 300
# A page with fewer extractable characters than this is treated as a scan
# that merely carries a stray text object (e.g. a scanner's footer stamp).
MIN_TEXT_CHARS = 20
EXIF_ORIENTATION = 0x0112  # the EXIF tag that says how the camera was held
# Padding after a JPEG's end marker looked through; more sends it to Pillow.
_JPEG_TAIL = 4096
# PDFium is not thread-safe: two threads in it at once crash the process
# (seen: a worker with two threads, SIGSEGV). Every use of it in a process
# holds this lock, the workers' loader and the review workspace's renderer.
PDFIUM_LOCK = threading.Lock()

_MAGIC: tuple[tuple[bytes, FileType], ...] = (
    (b"\x89PNG\r\n\x1a\n", "png"),
    (b"\xff\xd8\xff", "jpeg"),
    (b"II*\x00", "tiff"),
    (b"MM\x00*", "tiff"),
    (b"%PDF-", "pdf"),
)


@dataclass(frozen=True)
class LoadLimits:
    """Upper bounds on what one document may cost to decode."""

    max_bytes: int = 100 * 1024 * 1024
    max_pixels: int = 60_000_000
    max_pages: int = 50


@dataclass(frozen=True)
class LoadedDocument:
    """A decoded document: a scan page image, or a digital PDF to read as text."""

    kind: Literal["scan", "digital"]
    file_type: FileType
    pages: int
    image: np.ndarray | None = None
    dpi: float | None = None
    data: bytes = b""


def load_document(source: Path | bytes, limits: LoadLimits) -> LoadedDocument:
    """Read `source` (a file, or its bytes already in memory); raise
    RejectedInput when it cannot be a processable form."""
    data = _read_bytes(source, limits) if isinstance(source, Path) else _checked(source, limits)
    file_type = sniff(data[:16])
    if file_type == "pdf":
        return _load_pdf(data, limits)
    return _load_raster(data, file_type, limits)


def sniff(head: bytes) -> FileType:
    for magic, file_type in _MAGIC:
        if head.startswith(magic):
            return file_type
    raise RejectedInput("unsupported file type (not PNG, JPEG, TIFF or PDF)",
                        code="unsupported_type")


def check_size(size: int, limits: LoadLimits) -> None:
    """The byte limit, also applied by callers that know a file's size before
    they have it at hand (the store decrypts only what may be read)."""
    if size > limits.max_bytes:
        raise RejectedInput(f"file is {size} bytes, limit {limits.max_bytes}", code="too_large")


def _read_bytes(path: Path, limits: LoadLimits) -> bytes:
    try:
        check_size(path.stat().st_size, limits)
        data = path.read_bytes()
    except OSError as e:
        raise RejectedInput(f"cannot read file: {e}", code="unreadable") from e
    return _checked(data, limits)


def _checked(data: bytes, limits: LoadLimits) -> bytes:
    check_size(len(data), limits)
    if not data:
        raise RejectedInput("file is empty", code="empty_file")
    return data


def _load_raster(data: bytes, file_type: FileType, limits: LoadLimits) -> LoadedDocument:
    # Pillow's own bomb guard is global; we check the header size ourselves
    # first and also turn its warning into an error as a second line. The
    # global is restored afterwards so one caller's limits never leak.
    previous, Image.MAX_IMAGE_PIXELS = Image.MAX_IMAGE_PIXELS, limits.max_pixels
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as im:
                _check_pixels(im.size, limits)
                pages = int(getattr(im, "n_frames", 1))
                if pages > limits.max_pages:
                    raise RejectedInput(f"{pages} pages, limit {limits.max_pages}",
                                        code="too_many_pages")
                im.seek(0)
                if im.format == "JPEG":
                    # Decode straight to grey (the JPEG's own luma): the colour
                    # page would be three times the memory and time.
                    im.draft("L", im.size)
                dpi = _dpi_of(im)
                gray = _opencv_gray(data, im) if _plain(data, im) else None
                if gray is None:
                    gray = _to_gray(im)
    except RejectedInput:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as e:
        raise RejectedInput(f"image too large: {e}", code="too_many_pixels") from e
    except (OSError, ValueError, SyntaxError, EOFError) as e:
        raise RejectedInput(f"unreadable {file_type} image: {e}", code="unreadable_image") from e
    finally:
        Image.MAX_IMAGE_PIXELS = previous
    return LoadedDocument("scan", file_type, pages, image=gray, dpi=dpi)


def _plain(data: bytes, im: Image.Image) -> bool:
    """True for the common page that OpenCV can decode straight to grey
    with the same result as `_to_gray`: a PNG or JPEG with no transparency,
    no EXIF turn and no 16-bit or CMYK samples, and (JPEG) visibly whole.

    Pillow would first build the colour page, then its grey copy, then the
    array's: for a 300-dpi colour PNG that is ~60 MB at the worker's peak
    where libpng's row-by-row conversion needs one grey page.
    """
    if im.format not in ("PNG", "JPEG") or im.mode not in ("1", "L", "P", "RGB"):
        return False
    if "transparency" in im.info or _may_be_turned(data, im):
        return False
    # libjpeg pads a cut-off JPEG with grey and only warns; Pillow refuses it.
    return im.format == "PNG" or data[-_JPEG_TAIL:].rstrip(b"\x00\r\n ").endswith(b"\xff\xd9")


def _may_be_turned(data: bytes, im: Image.Image) -> bool:
    """Whether an EXIF tag may turn the page. Asking Pillow for a PNG's
    EXIF decodes the whole colour page (the chunk may follow the pixels),
    so a PNG is only searched for the chunk's name: a false match merely
    sends the file down Pillow's path."""
    if im.format == "PNG":
        return b"eXIf" in data
    return im.getexif().get(EXIF_ORIENTATION, 1) != 1


def _opencv_gray(data: bytes, im: Image.Image) -> np.ndarray | None:
    """The page decoded by OpenCV, or None to let Pillow judge the file."""
    flags = cv2.IMREAD_GRAYSCALE | cv2.IMREAD_IGNORE_ORIENTATION
    gray = cv2.imdecode(np.frombuffer(data, dtype=np.uint8), flags)
    if gray is None or gray.shape != (im.size[1], im.size[0]):
        return None
    return gray


def _to_gray(im: Image.Image) -> np.ndarray:
    im.load()  # forces a full decode so truncated files fail here
    # Pillow copies the whole page even when nothing needs turning.
    upright = im if im.getexif().get(EXIF_ORIENTATION, 1) == 1 else ImageOps.exif_transpose(im)
    transparent = upright.mode == "P" and "transparency" in upright.info
    if upright.mode in ("RGBA", "LA", "PA") or transparent:
        background = Image.new("RGBA", upright.size, (255, 255, 255, 255))
        upright = Image.alpha_composite(background, upright.convert("RGBA"))
    gray = upright if upright.mode == "L" else upright.convert("L")
    return np.array(gray, dtype=np.uint8)  # writable, unlike np.asarray of an image


def _dpi_of(im: Image.Image) -> float | None:
    dpi = im.info.get("dpi")
    try:
        value = float(dpi[0]) if dpi else None
    except (TypeError, ValueError, IndexError):
        return None
    return value if value and 50 <= value <= 1200 else None


def _check_pixels(size: tuple[int, int], limits: LoadLimits) -> None:
    width, height = size
    if width <= 0 or height <= 0:
        raise RejectedInput("image has no pixels", code="unreadable_image")
    if width * height > limits.max_pixels:
        raise RejectedInput(
            f"image is {width}x{height} px, limit {limits.max_pixels}", code="too_many_pixels"
        )


def _load_pdf(data: bytes, limits: LoadLimits) -> LoadedDocument:
    with PDFIUM_LOCK:
        try:
            pdf = pdfium.PdfDocument(data)
        except pdfium.PdfiumError as e:
            if getattr(e, "err_code", None) == pdfium_raw.FPDF_ERR_PASSWORD:
                raise RejectedInput("the PDF is password-protected: ask the sender for a copy "
                                    "without a password", code="encrypted_pdf") from e
            raise RejectedInput(f"corrupt PDF: {e}", code="corrupt_pdf") from e
        try:
            return _first_pdf_page(pdf, data, limits)
        finally:
            pdf.close()


def _first_pdf_page(pdf: pdfium.PdfDocument, data: bytes, limits: LoadLimits) -> LoadedDocument:
    pages = len(pdf)
    if pages == 0:
        raise RejectedInput("PDF has no pages", code="corrupt_pdf")
    if pages > limits.max_pages:
        raise RejectedInput(f"{pages} pages, limit {limits.max_pages}", code="too_many_pages")
    try:
        page = pdf[0]
        if page.get_textpage().count_chars() >= MIN_TEXT_CHARS:
            return LoadedDocument("digital", "pdf", pages, data=data)
        width_pt, height_pt = page.get_size()
        scale = RENDER_DPI / 72
        size = (round(width_pt * scale), round(height_pt * scale))
        _check_pixels(size, limits)
        gray = _scanned_jpeg(page, size, limits)
        if gray is None:
            gray = _rendered(page, scale)
    except pdfium.PdfiumError as e:
        raise RejectedInput(f"cannot render PDF page: {e}", code="corrupt_pdf") from e
    return LoadedDocument("scan", "pdf", pages, image=gray, dpi=float(RENDER_DPI))


def _rendered(page: pdfium.PdfPage, scale: float) -> np.ndarray:
    bitmap = page.render(scale=scale, grayscale=True)
    if bitmap.n_channels == 1:  # a view of PDFium's buffer: one copy, not three
        return np.array(bitmap.to_numpy(), dtype=np.uint8)
    return np.array(bitmap.to_pil().convert("L"), dtype=np.uint8)


def _scanned_jpeg(
    page: pdfium.PdfPage, size: tuple[int, int], limits: LoadLimits
) -> np.ndarray | None:
    """The page at RENDER_DPI from the JPEG a scanner wrapped it in, when the
    page is that JPEG and nothing else; None to have PDFium render it.

    PDFium draws such a page through a colour buffer three times the grey
    page's size (~26 MB at 300 dpi on top of its own copies); decoding the
    JPEG to grey and scaling it once needs the page and no more.
    """
    jpeg = _lone_page_jpeg(page, limits)
    if jpeg is None:
        return None
    gray = cv2.imdecode(np.frombuffer(jpeg, dtype=np.uint8),
                        cv2.IMREAD_GRAYSCALE | cv2.IMREAD_IGNORE_ORIENTATION)
    # Paper is light: a dark page may carry an inverting /Decode that only
    # PDFium honours, so it draws that one.
    if gray is None or np.median(gray[::16, ::16]) < 128:
        return None
    if (gray.shape[1], gray.shape[0]) == size:
        return gray
    return cv2.resize(gray, size, interpolation=cv2.INTER_LINEAR)


def _lone_page_jpeg(page: pdfium.PdfPage, limits: LoadLimits) -> bytes | None:
    """The JPEG stream of a page that is one upright grey or RGB JPEG
    covering the page, or None."""
    if page.get_rotation() != 0:
        return None
    objects = list(page.get_objects(max_depth=1))
    if len(objects) != 1 or objects[0].type != pdfium_raw.FPDF_PAGEOBJ_IMAGE:
        return None
    image = objects[0]
    filters = image.get_filters()
    if not filters or filters[-1] != "DCTDecode":
        return None
    if any(f not in image.SIMPLE_FILTERS for f in filters[:-1]):
        return None
    a, b, c, d, e, f = image.get_matrix().get()
    width_pt, height_pt = page.get_size()
    upright = b == 0 and c == 0 and e == 0 and f == 0
    if not (upright and abs(a - width_pt) < 1 and abs(d - height_pt) < 1):
        return None
    metadata = image.get_metadata()
    if metadata.colorspace not in (pdfium_raw.FPDF_COLORSPACE_DEVICEGRAY,
                                   pdfium_raw.FPDF_COLORSPACE_DEVICERGB):
        return None
    _check_pixels((metadata.width, metadata.height), limits)
    return bytes(image.get_data(decode_simple=True))
