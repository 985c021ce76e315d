"""The CJK fonts values are written in, found on the system at run time.

Kai (ukai) and Noto CJK are required; uming and WenQuanYi are used when their
Debian packages (fonts-arphic-uming, fonts-wqy-microhei) are installed.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from PIL import ImageFont

_ROOT = Path("/usr/share/fonts")


@dataclass(frozen=True)
class FontSpec:
    name: str
    path: Path
    index: int  # face inside the .ttc collection
    handwriting: bool  # jitter size and baseline per character
    embeddable: bool  # TrueType outlines: reportlab can embed it in a PDF


CATALOG = (
    FontSpec("UKai", _ROOT / "truetype/arphic/ukai.ttc", 0, True, True),
    FontSpec("NotoSansSC", _ROOT / "opentype/noto/NotoSansCJK-Regular.ttc", 2, False, False),
    FontSpec("NotoSerifSC", _ROOT / "opentype/noto/NotoSerifCJK-Regular.ttc", 2, False, False),
    FontSpec("UMing", _ROOT / "truetype/arphic/uming.ttc", 0, False, True),
    FontSpec("WQYMicroHei", _ROOT / "truetype/wqy/wqy-microhei.ttc", 0, False, True),
)


@lru_cache(maxsize=1)
def available() -> tuple[FontSpec, ...]:
    found = tuple(spec for spec in CATALOG if spec.path.exists())
    if not found:
        raise FileNotFoundError("no CJK font found; install fonts-arphic-ukai / fonts-noto-cjk")
    return found


def embeddable() -> tuple[FontSpec, ...]:
    return tuple(spec for spec in available() if spec.embeddable)


@lru_cache(maxsize=512)
def pil_font(spec: FontSpec, size: int) -> ImageFont.FreeTypeFont:
    # Loading a .ttc face is slow; handwriting jitter reuses a few sizes.
    return ImageFont.truetype(str(spec.path), size, index=spec.index)
