"""China's administrative divisions, to check the start of a written address.

An address on the form opens with its province, city and district
(广东省广州市荔湾区…, or 上海市黄浦区… for a municipality). Those names come
from a closed list of about 3,400, so where a reading opens with names on
the list, those characters are checked letter for letter by the list, as a
big mail provider's domain is (`vote`): an OCR slip there almost always
leaves the list (荔湾区 read 萝湾区). Only the rest of the address, street
and number, can then still be wrong unnoticed.

The names are checked one by one, each at its level, not as a chain of a
district inside its city inside its province: branch forms carry addresses
whose names are each real but do not nest (the shared examples' 辽宁省六安市
蓟州区), and a misread is caught as well there. The list is
`config/reference/cn_divisions.json` (GB/T 2260, `config.divisions`). It is
used to raise confidence, never to reject or rewrite an address: a division
renamed since the list was made, or an address written without its
province, is simply not checked by it.
"""

from __future__ import annotations

from config import divisions


def division_prefix(text: str) -> int:
    """How many leading characters of `text` are a province followed by a
    district, or by a city and a district, or by a city alone, each name on
    the list at its level; 0 if none. A province alone does not count (one
    name is too short to vouch for anything), and the longest run wins
    (上海市黄浦区, not just 上海市)."""
    listed = divisions.names()
    best = 0
    for after_province in _ends(text, 0, listed.provinces):
        for after_city in _ends(text, after_province, listed.cities):
            best = max([best, after_city, *_ends(text, after_city, listed.counties)])
        best = max([best, *_ends(text, after_province, listed.counties)])
    return best


def _ends(text: str, start: int, names: frozenset[str]) -> list[int]:
    """Where each name of `names` that `text` has at `start` ends."""
    stop = min(len(text), start + divisions.names().longest)
    return [end for end in range(start + 2, stop + 1) if text[start:end] in names]
