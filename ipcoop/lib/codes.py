"""Identifiers and codes: WIPO ST.3 office codes, country codes and IANA time zones."""

import re
import zoneinfo
from functools import cache

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

ST3_PATTERN = re.compile(r"^[A-Z]{2}$")


@cache
def time_zone_names() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def is_time_zone(name: str) -> bool:
    return name in time_zone_names()


def validate_st3_code(value: str) -> None:
    if value and not ST3_PATTERN.match(value):
        raise ValidationError(
            _("%(value)s is not a WIPO ST.3 code: use two capital letters, e.g. KR or TH."),
            params={"value": value},
            code="invalid_st3",
        )


def validate_country_code(value: str) -> None:
    if value and not ST3_PATTERN.match(value):
        raise ValidationError(
            _("%(value)s is not a country code: use two capital letters, e.g. VN."),
            params={"value": value},
            code="invalid_country",
        )


def validate_time_zone(value: str) -> None:
    if not is_time_zone(value):
        raise ValidationError(
            _("%(value)s is not a time zone name: use one like Asia/Bangkok or UTC."),
            params={"value": value},
            code="invalid_time_zone",
        )


# IPC symbols: section A–H, two-digit class, subclass letter, main group / subgroup,
# e.g. "G06N 3/08" (the space is optional).
IPC_PATTERN = re.compile(r"^[A-H]\d{2}[A-Z] ?\d{1,4}/\d{2,6}$")
NICE_CLASSES = range(1, 46)  # 1-34 goods, 35-45 services
NICE_EDITION_PATTERN = re.compile(r"^\d{1,2}-\d{4}$")  # e.g. "12-2023"


def normalise_ipc(symbol: str) -> str:
    """'g06n3/08' -> 'G06N 3/08' (upper case, one space before the group)."""
    compact = re.sub(r"\s+", "", symbol or "").upper()
    match = re.match(r"^([A-H]\d{2}[A-Z])(\d{1,4}/\d{2,6})$", compact)
    return f"{match[1]} {match[2]}" if match else symbol.strip()


def validate_ipc(value: str) -> None:
    if not IPC_PATTERN.match(normalise_ipc(value)):
        raise ValidationError(
            _(
                "%(value)s is not an IPC symbol: write section, class, subclass and group, "
                "e.g. G06N 3/08."
            ),
            params={"value": value},
            code="invalid_ipc",
        )


def validate_nice_class(value: int | str) -> None:
    try:
        number = int(value)
    except (TypeError, ValueError):
        number = 0
    if number not in NICE_CLASSES:
        raise ValidationError(
            _("%(value)s is not a Nice class: use a number from 1 to 45."),
            params={"value": value},
            code="invalid_nice",
        )
