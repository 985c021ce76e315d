from __future__ import annotations

import datetime as dt
import io
import struct
import subprocess
import sys
import zlib
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from config.errors import RejectedInput
from extractors.loader import LoadLimits, load_document
from samplegen import generate


def _write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def _chunk(kind: bytes, body: bytes) -> bytes:
    crc = struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)
    return struct.pack(">I", len(body)) + kind + body + crc


def _png_header(width: int, height: int) -> bytes:
    """A tiny PNG that declares a huge canvas: a decompression bomb's shape."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    idat = zlib.compress(b"\x00" * 1024)
    body = _chunk(b"IHDR", ihdr) + _chunk(b"IDAT", idat) + _chunk(b"IEND", b"")
    return b"\x89PNG\r\n\x1a\n" + body


@pytest.mark.parametrize(
    ("name", "data", "code"),
    [
        ("notes.png", b"hello, this is plain text", "unsupported_type"),
        ("empty.jpg", b"", "empty_file"),
        ("huge.png", _png_header(50000, 50000), "too_many_pixels"),
        ("broken.pdf", b"%PDF-1.4\n garbage", "corrupt_pdf"),
    ],
)
def test_bad_files_are_rejected(tmp_path: Path, name: str, data: bytes, code: str) -> None:
    with pytest.raises(RejectedInput) as info:
        load_document(_write(tmp_path, name, data), LoadLimits())
    assert info.value.code == code


def test_truncated_jpeg_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "scan.jpg"
    Image.fromarray(np.random.default_rng(0).integers(0, 255, (400, 300), np.uint8)).save(path)
    path.write_bytes(path.read_bytes()[:600])
    with pytest.raises(RejectedInput) as info:
        load_document(path, LoadLimits())
    assert info.value.code == "unreadable_image"


def test_type_is_sniffed_not_taken_from_extension(tmp_path: Path) -> None:
    path = tmp_path / "scan.pdf"
    Image.new("L", (50, 70), 200).save(path, format="PNG")
    document = load_document(path, LoadLimits())
    assert (document.kind, document.file_type, document.image.shape) == ("scan", "png", (70, 50))


def test_multipage_group4_tiff_counts_pages_and_uses_the_first(tmp_path: Path) -> None:
    path = tmp_path / "fax.tif"
    first = Image.new("1", (80, 100), 1)
    first.paste(0, (10, 10, 30, 30))
    second = Image.new("1", (80, 100), 0)
    first.save(path, compression="group4", save_all=True, append_images=[second])
    document = load_document(path, LoadLimits())
    assert document.pages == 2
    assert document.image.dtype == np.uint8
    assert document.image[20, 20] == 0 and document.image[50, 50] == 255


def test_page_and_size_limits(tmp_path: Path) -> None:
    path = tmp_path / "big.png"
    Image.new("L", (100, 100), 255).save(path)
    with pytest.raises(RejectedInput) as info:
        load_document(path, LoadLimits(max_bytes=10))
    assert info.value.code == "too_large"
    with pytest.raises(RejectedInput):
        load_document(path, LoadLimits(max_pixels=9_999))


_THREADED_LOADS = """
import sys, threading
from pathlib import Path
from extractors.loader import LoadLimits, load_document
files = [Path(p).read_bytes() for p in sys.argv[1:]]
def work():
    for _ in range(8):
        for data in files:
            load_document(data, LoadLimits())
threads = [threading.Thread(target=work) for _ in range(4)]
for t in threads: t.start()
for t in threads: t.join()
"""


def test_pdfs_load_safely_from_several_worker_threads_at_once(tmp_path: Path) -> None:
    # PDFium is not thread-safe: without the loader's lock this crashed the
    # process (SIGSEGV or a malloc abort) in most runs. In a
    # subprocess, so a crash fails this test instead of ending the suite.
    day = dt.date(2026, 11, 1)
    pdfs = (generate(2, 71, tmp_path / "d", qualities=["digital"], reference_date=day)
            + generate(1, 72, tmp_path / "s", qualities=["scanned_pdf"], reference_date=day))
    done = subprocess.run([sys.executable, "-c", _THREADED_LOADS, *map(str, pdfs)],
                          capture_output=True, text=True, timeout=300,
                          cwd=Path(__file__).resolve().parents[3])
    assert done.returncode == 0, done.stderr[-2000:]


def _colour_page() -> Image.Image:
    rng = np.random.default_rng(3)
    return Image.fromarray(rng.integers(0, 255, (120, 90, 3), np.uint8), "RGB")


def test_colour_png_is_read_as_the_grey_pillow_would_give(tmp_path: Path) -> None:
    page = _colour_page()
    page.save(tmp_path / "colour.png")
    gray = load_document(tmp_path / "colour.png", LoadLimits()).image
    expected = np.array(page.convert("L"), dtype=np.int16)
    assert gray.shape == (120, 90)
    assert np.abs(gray.astype(np.int16) - expected).max() <= 1


def test_transparent_png_is_laid_on_white(tmp_path: Path) -> None:
    page = Image.new("RGBA", (60, 40), (0, 0, 0, 0))  # black, but fully transparent
    page.paste((0, 0, 0, 255), (0, 0, 20, 40))  # an opaque black strip
    page.save(tmp_path / "clear.png")
    gray = load_document(tmp_path / "clear.png", LoadLimits()).image
    assert gray[20, 10] == 0 and gray[20, 50] == 255


@pytest.mark.parametrize("name", ["turned.jpg", "turned.png"])
def test_page_turned_by_its_exif_tag_is_read_upright(tmp_path: Path, name: str) -> None:
    page = Image.new("L", (80, 50), 255)
    page.paste(0, (0, 0, 10, 10))  # a dark corner to follow
    exif = Image.Exif()
    exif[0x0112] = 6  # the camera was turned: show the image a quarter clockwise
    page.save(tmp_path / name, exif=exif, quality=95)
    gray = load_document(tmp_path / name, LoadLimits()).image
    assert gray.shape == (80, 50)
    assert gray[5, 45] < 60 and gray[5, 5] > 200


def _scanned_pdf(path: Path, page: Image.Image, dpi: int, *, stamp: bool = False) -> Path:
    """A scan wrapped in a PDF as scanners do: the JPEG embedded as is."""
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    jpeg = io.BytesIO()
    page.save(jpeg, format="JPEG", quality=90)
    size = (page.width * 72 / dpi, page.height * 72 / dpi)
    pdf = canvas.Canvas(str(path), pagesize=size)
    pdf.drawImage(ImageReader(io.BytesIO(jpeg.getvalue())), 0, 0, *size)
    if stamp:  # something drawn over the scan: only rendering shows it
        pdf.rect(0, 0, size[0] / 2, size[1] / 2, fill=1)
    pdf.save()
    return path


def _a4_page(dpi: int) -> Image.Image:
    page = Image.new("L", (round(8.27 * dpi), round(11.69 * dpi)), 250)
    page.paste(0, (0, 0, dpi, dpi))  # an inch-square mark at the top left
    return page


@pytest.mark.parametrize("dpi", [200, 300])
def test_scanned_pdf_page_comes_out_at_300_dpi(tmp_path: Path, dpi: int) -> None:
    path = _scanned_pdf(tmp_path / "scan.pdf", _a4_page(dpi), dpi)
    document = load_document(path, LoadLimits())
    gray = document.image
    assert (document.kind, document.dpi) == ("scan", 300.0)
    assert abs(gray.shape[1] - 2481) <= 1 and abs(gray.shape[0] - 3507) <= 1
    assert gray[150, 150] < 40 and gray[150, 450] > 200  # the mark, an inch wide


def test_scanned_pdf_with_more_than_the_scan_is_drawn_whole(tmp_path: Path) -> None:
    path = _scanned_pdf(tmp_path / "stamped.pdf", _a4_page(300), 300, stamp=True)
    gray = load_document(path, LoadLimits()).image
    assert gray[-100, 100] < 40  # the filled rectangle over the lower left quarter
    assert gray[100, -100] > 200


def test_only_a_page_that_is_one_jpeg_skips_rendering(tmp_path: Path) -> None:
    import pypdfium2 as pdfium

    from extractors.loader import _lone_page_jpeg

    plain = _scanned_pdf(tmp_path / "plain.pdf", _a4_page(200), 200)
    stamped = _scanned_pdf(tmp_path / "stamped.pdf", _a4_page(200), 200, stamp=True)
    found = [_lone_page_jpeg(pdfium.PdfDocument(p)[0], LoadLimits()) for p in (plain, stamped)]
    assert found[0] is not None and found[0][:3] == b"\xff\xd8\xff"
    assert found[1] is None
