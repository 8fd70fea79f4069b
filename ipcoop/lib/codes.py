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
