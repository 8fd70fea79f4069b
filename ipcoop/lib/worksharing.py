"""Framework-free helpers of examination work-sharing: application and document
numbers, technology areas from IPC symbols, and families by shared keys (union-find).

Numbers follow WIPO ST.13 in spirit: an office's own written form is kept, and a
compact form (letters and digits only, upper case, without a leading country code)
is what matching uses. Matching is always on the whole compact number, never on a
fragment, so "0012345" never links to "1020230012345".
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from django.utils.translation import gettext as _

# Office-specific written forms where the format is known (domain.md: KIPO shows
# 10-YYYY-NNNNNNN; 10 patent, 20 utility model, 30 design, 40 trademark).
OFFICE_NUMBER_PATTERNS: dict[str, re.Pattern[str]] = {
    "KR": re.compile(r"^(10|20|30|40)\d{4}\d{7}$"),
}
OFFICE_NUMBER_EXAMPLES: dict[str, str] = {"KR": "10-2023-0012345"}
GENERIC_NUMBER = re.compile(r"^(?=(?:[A-Z]*\d){4})[A-Z0-9]{4,20}$")
PCT_NUMBER = re.compile(r"^PCT([A-Z]{2})(\d{4})(\d{6})$")
KIND_CODE = re.compile(r"^[A-Z]\d?$")
ST14_CATEGORIES = ("X", "Y", "A", "P", "E", "D", "L", "O", "T", "&")

AI, BLOCKCHAIN, METAVERSE, OTHER = "ai", "blockchain", "metaverse", "other"


def compact(value: str) -> str:
    """Letters and digits only, upper case: 'kr 10-2023-0012345' -> 'KR1020230012345'."""
    return re.sub(r"[^0-9A-Za-z]", "", value or "").upper()


def normalise_application_number(number: str, country: str = "") -> str:
    """The compact form of an application number, without the office's country prefix."""
    value = compact(number)
    if country and value.startswith(country.upper()) and GENERIC_NUMBER.match(value[2:]):
        value = value[2:]
    return value


def application_number_problem(number: str, country: str = "") -> str | None:
    """Why ``number`` is not a valid application number of the office of ``country``,
    or None when it is."""
    value = normalise_application_number(number, country)
    pattern = OFFICE_NUMBER_PATTERNS.get((country or "").upper())
    if pattern is not None:
        if not pattern.match(value):
            example = OFFICE_NUMBER_EXAMPLES[country.upper()]
            return _(
                "“%(number)s” is not a %(country)s application number: write it like %(example)s."
            ) % {
                "number": number,
                "country": country.upper(),
                "example": example,
            }
        return None
    if not GENERIC_NUMBER.match(value):
        return _(
            "“%(number)s” is not an application number: use 4 to 20 letters and digits "
            "(at least 4 digits); dashes, spaces and slashes are allowed."
        ) % {"number": number}
    return None


def normalise_pct_number(number: str) -> str:
    """'PCT/KR2023/012345' -> 'PCTKR2023012345'; empty stays empty."""
    return compact(number)


def pct_number_problem(number: str) -> str | None:
    if number and not PCT_NUMBER.match(normalise_pct_number(number)):
        return _(
            "“%(number)s” is not a PCT application number: write it like PCT/KR2023/012345."
        ) % {"number": number}
    return None


def normalise_document_number(number: str) -> tuple[str, str]:
    """A cited patent document number split into (compact number without kind code,
    kind code): 'US 2020/0123456 A1' -> ('US20200123456', 'A1')."""
    value = compact(number)
    match = re.match(r"^(.*\d)([A-Z]\d?)$", value)
    if match and len(match[1]) >= 4:
        return match[1], match[2]
    return value, ""


def lookup_candidates(query: str) -> list[tuple[str | None, str]]:
    """(country or None, compact number) pairs a typed number may mean: as written, and,
    when it starts with two letters, without them as a country prefix ("MY PI2023…")."""
    value = compact(query)
    if not value:
        return []
    candidates: list[tuple[str | None, str]] = [(None, value)]
    if re.match(r"^[A-Z]{2}[0-9A-Z]{4}", value):
        candidates.append((value[:2], value[2:]))
    return candidates


def technology_area(ipc_symbols: Iterable[str]) -> str:
    """The 4IR area of an application from its IPC symbols (first match wins in the
    order AI, blockchain, metaverse): G06N -> ai; H04L 9/50 -> blockchain;
    G06T 19/00 -> metaverse; else other."""
    symbols = [re.sub(r"\s+", "", s or "").upper() for s in ipc_symbols]
    if any(s.startswith("G06N") for s in symbols):
        return AI
    if any(s.startswith("H04L9/50") for s in symbols):
        return BLOCKCHAIN
    if any(s.startswith("G06T19/") for s in symbols):
        return METAVERSE
    return OTHER


def group_by_shared_keys(keys_of: Mapping[int, Iterable[str]]) -> dict[int, int]:
    """Union-find: items sharing any key, directly or through others, form one group.
    Returns each item's group id, the smallest item id of its group."""
    parent = {item: item for item in keys_of}

    def find(item: int) -> int:
        while parent[item] != item:
            parent[item] = parent[parent[item]]
            item = parent[item]
        return item

    first_with_key: dict[str, int] = {}
    for item in sorted(keys_of):
        for key in keys_of[item]:
            other = first_with_key.setdefault(key, item)
            a, b = find(item), find(other)
            if a != b:
                parent[max(a, b)] = min(a, b)
    return {item: find(item) for item in keys_of}
