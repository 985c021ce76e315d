"""Country names and codes -> ISO 3166-1 alpha-3.

pycountry supplies the English names and codes plus its own Chinese
translations (simplified and traditional); on top of that a short table of
the everyday Chinese names people actually write ("韩国", not "大韩民国").
Names that would point at two countries are dropped: never guess.
"""

from __future__ import annotations

import gettext
import re
from collections.abc import Iterable, Mapping
from functools import cache

import pycountry

# Everyday Chinese names that differ from pycountry's formal translations.
_COLLOQUIAL_ZH: dict[str, str] = {
    "韩国": "KOR", "南韩": "KOR", "朝鲜": "PRK", "北韩": "PRK", "伊朗": "IRN",
    "叙利亚": "SYR", "老挝": "LAO", "越南": "VNM", "俄罗斯": "RUS", "俄国": "RUS",
    "玻利维亚": "BOL", "委内瑞拉": "VEN", "坦桑尼亚": "TZA", "摩尔多瓦": "MDA",
    "英国": "GBR", "英國": "GBR", "美国": "USA", "美國": "USA", "荷兰": "NLD",
    "捷克": "CZE", "阿联酋": "ARE", "新西兰": "NZL", "澳洲": "AUS", "澳大利亚": "AUS",
    "马来西亚": "MYS", "菲律宾": "PHL", "泰国": "THA", "印尼": "IDN", "印度尼西亚": "IDN",
    "沙特": "SAU", "沙特阿拉伯": "SAU", "南非": "ZAF", "瑞士": "CHE", "瑞典": "SWE",
}
# Latin abbreviations and short forms seen on forms that are not ISO names.
_COLLOQUIAL_EN: dict[str, str] = {
    "UK": "GBR", "U.K.": "GBR", "GREAT BRITAIN": "GBR", "BRITAIN": "GBR", "ENGLAND": "GBR",
    "US": "USA", "U.S.": "USA", "U.S.A.": "USA", "AMERICA": "USA",
    "UNITED STATES OF AMERICA": "USA", "SOUTH KOREA": "KOR", "KOREA": "KOR",
    "NORTH KOREA": "PRK", "RUSSIA": "RUS", "VIETNAM": "VNM", "PRC": "CHN",
}
_LOCALES = ("zh_CN", "zh_TW", "zh_HK")


def _key(text: str) -> str:
    # Case and inner spacing carry no meaning in a country name.
    return re.sub(r"\s+", " ", text).strip().upper()


def _english_names(country: object) -> Iterable[str]:
    for attr in ("alpha_2", "alpha_3", "name", "official_name", "common_name"):
        value = getattr(country, attr, None)
        if value:
            yield value


def _translators() -> list[gettext.NullTranslations]:
    return [
        gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[loc], fallback=True)
        for loc in _LOCALES
    ]


@cache
def _index() -> dict[str, str]:
    """Every known spelling -> alpha-3; ambiguous spellings are removed."""
    found: dict[str, set[str]] = {}
    translators = _translators()
    for country in pycountry.countries:
        for name in _english_names(country):
            found.setdefault(_key(name), set()).add(country.alpha_3)
            for tr in translators:
                found.setdefault(_key(tr.gettext(name)), set()).add(country.alpha_3)
    index = {name: next(iter(codes)) for name, codes in found.items() if len(codes) == 1}
    index.update({_key(k): v for k, v in {**_COLLOQUIAL_ZH, **_COLLOQUIAL_EN}.items()})
    return index


def to_alpha3(text: str, aliases: Mapping[str, str] | None = None) -> str | None:
    """The alpha-3 code for a written country name or code, or None.

    `aliases` (from the form's rules) win over everything else: a form may
    decide that "中国香港" as a nationality means CHN, not HKG.
    """
    key = _key(text)
    if not key:
        return None
    for alias, code in (aliases or {}).items():
        if _key(alias) == key:
            return code
    return _index().get(key)


def is_alpha3(code: str) -> bool:
    return pycountry.countries.get(alpha_3=code) is not None
