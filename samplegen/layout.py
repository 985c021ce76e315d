"""The KYC-P01 blank and its field zones, read from the project configuration."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from PIL import Image

import config

Box = tuple[int, int, int, int]
FORM_ID = "KYC-P01"


@dataclass(frozen=True)
class Layout:
    """Zones in 300 dpi pixels on the blank (origin top-left)."""

    width: int
    height: int
    dpi: int
    boxes: dict[str, Box]  # text and signature fields
    cells: dict[str, tuple[Box, ...]]  # comb fields
    options: dict[str, dict[str, Box]]  # choice fields


def form_dir() -> Path:
    return Path(config.__file__).parent / "forms" / FORM_ID


def _box(raw: list[int]) -> Box:
    x0, y0, x1, y1 = raw
    return (x0, y0, x1, y1)


@lru_cache(maxsize=1)
def load_layout() -> Layout:
    raw = json.loads((form_dir() / "layout.json").read_text(encoding="utf-8"))
    boxes: dict[str, Box] = {}
    cells: dict[str, tuple[Box, ...]] = {}
    options: dict[str, dict[str, Box]] = {}
    for key, spec in raw["fields"].items():
        if spec["kind"] == "comb":
            cells[key] = tuple(_box(c) for c in spec["cells"])
        elif spec["kind"] == "choice":
            options[key] = {code: _box(b) for code, b in spec["options"].items()}
        else:
            boxes[key] = _box(spec["box"])
    page = raw["page"]
    return Layout(page["width"], page["height"], page["dpi"], boxes, cells, options)


@lru_cache(maxsize=1)
def blank_rgb() -> Image.Image:
    """The blank form in RGB; callers copy it before drawing."""
    with Image.open(form_dir() / "blank.png") as image:
        return image.convert("RGB")
