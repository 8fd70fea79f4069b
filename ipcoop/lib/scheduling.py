"""Find meeting times that suit several offices in different time zones.

Framework-free: standard library plus the ``holidays`` package. Every instant is an
aware ``datetime``; candidate starts lie on a grid (30 minutes by default) counted in
UTC, which for the zones of the cooperating offices (whole or half hours from UTC,
e.g. Asia/Yangon at UTC+6:30) is also a half-hour grid in every local clock.

A slot is proposed when, for every office:

- it starts at or after the start of the working day (09:00 local) and ends at or
  before its end (18:00 local) on the same local day;
- that local day is a weekday (Monday to Friday) and not a public holiday of the
  office's country (as the ``holidays`` package lists them; an organisation without a
  country code, such as a regional body, has no public holidays excluded);
- that local day lies inside the requested date range (both ends included).

Ranking: the score of a slot is the sum, over the offices, of the squared distance in
minutes between the slot's local midpoint and 13:30 local time (the middle of a
09:00–18:00 day). Lower is better: a slot scores well when it falls near the middle
of everyone's day, and squaring punishes a slot that is central for most offices but
at the very edge of one office's day. Ties are broken by the earlier start, so the
result is deterministic for the same input.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

WORK_START = time(9, 0)
WORK_END = time(18, 0)
REFERENCE_MIDPOINT = time(13, 30)
GRID_MINUTES = 30
MAX_RANGE_DAYS = 92


@dataclass(frozen=True)
class Participant:
    """An office taking part: a key to recognise it, its IANA time zone, its country code."""

    key: str
    zone: str
    country: str | None = None


@dataclass(frozen=True)
class LocalTime:
    key: str
    zone: str
    start: datetime  # aware, in the office's zone
    end: datetime


@dataclass(frozen=True)
class Slot:
    start: datetime  # aware, UTC
    end: datetime
    score: float
    local: tuple[LocalTime, ...]


@lru_cache(maxsize=64)
def _holidays(country: str, years: tuple[int, ...]) -> frozenset[date]:
    return frozenset(holidays.country_holidays(country, years=list(years)).keys())


def public_holidays(country: str | None, years: Iterable[int]) -> frozenset[date]:
    """The public holidays of ``country`` (ISO 3166 alpha-2) in ``years``; none for None/""."""
    if not country:
        return frozenset()
    return _holidays(country.upper(), tuple(sorted(set(years))))


def _minutes(value: time) -> int:
    return value.hour * 60 + value.minute


def local_times(participants: Sequence[Participant], start: datetime, end: datetime):
    """The slot from ``start`` to ``end`` in each participant's local clock."""
    return tuple(
        LocalTime(
            p.key, p.zone, start.astimezone(ZoneInfo(p.zone)), end.astimezone(ZoneInfo(p.zone))
        )
        for p in participants
    )


def propose_slots(
    participants: Sequence[Participant],
    *,
    duration: timedelta,
    first_day: date,
    last_day: date,
    limit: int = 20,
    grid_minutes: int = GRID_MINUTES,
    work_start: time = WORK_START,
    work_end: time = WORK_END,
) -> list[Slot]:
    """Slots inside every participant's working hours, best first (see the module docstring).

    Raises ValueError when there is no participant, the duration is not positive or
    longer than a working day, the range is reversed or longer than MAX_RANGE_DAYS,
    or a time zone or country is unknown.
    """
    if not participants:
        raise ValueError("Give at least one participant.")
    if duration <= timedelta(0) or duration.total_seconds() % 60:
        raise ValueError("The duration must be a positive number of minutes.")
    day_minutes = _minutes(work_end) - _minutes(work_start)
    if duration > timedelta(minutes=day_minutes):
        raise ValueError("The duration is longer than a working day.")
    if last_day < first_day:
        raise ValueError("The last day comes before the first day.")
    if (last_day - first_day).days >= MAX_RANGE_DAYS:
        raise ValueError(f"Ask for at most {MAX_RANGE_DAYS} days at a time.")
    zones = [ZoneInfo(p.zone) for p in participants]
    years = range(first_day.year, last_day.year + 1)
    try:
        days_off = [public_holidays(p.country, years) for p in participants]
    except NotImplementedError as error:
        raise ValueError(f"No public holiday calendar for that country: {error}") from None

    reference = _minutes(REFERENCE_MIDPOINT)
    half = duration / 2
    step = timedelta(minutes=grid_minutes)
    # Every local day of the range starts within a day of the same date in UTC.
    cursor = datetime.combine(first_day - timedelta(days=1), time(0), tzinfo=UTC)
    stop = datetime.combine(last_day + timedelta(days=2), time(0), tzinfo=UTC)
    found: list[tuple[float, datetime]] = []
    while cursor < stop:
        end = cursor + duration
        score = 0.0
        for zone, off in zip(zones, days_off, strict=True):
            local_start = cursor.astimezone(zone)
            local_end = end.astimezone(zone)
            day = local_start.date()
            if (
                local_end.date() != day
                or not first_day <= day <= last_day
                or day.weekday() >= 5
                or day in off
                or local_start.time() < work_start
                or local_end.time() > work_end
            ):
                break
            middle = (cursor + half).astimezone(zone)
            distance = middle.hour * 60 + middle.minute + middle.second / 60 - reference
            score += distance * distance
        else:
            found.append((score, cursor))
        cursor += step
    found.sort()
    return [
        Slot(start, start + duration, score, local_times(participants, start, start + duration))
        for score, start in found[: max(0, limit)]
    ]
