"""The scheduling maths (ipcoop.lib.scheduling): working hours across zones, weekends,
public holidays, the ranking and its determinism."""

from __future__ import annotations

import itertools
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import holidays
import pytest

from ipcoop.lib.scheduling import Participant, propose_slots

KR = Participant("kr-kipo", "Asia/Seoul", "KR")
MM = Participant("mm-ipd", "Asia/Yangon", "MM")
PH = Participant("ph-ipophl", "Asia/Manila", "PH")
HOUR = timedelta(hours=1)


def _all(participants, first: date, last: date, duration=HOUR):
    return propose_slots(
        participants, duration=duration, first_day=first, last_day=last, limit=10_000
    )


def test_friday_17_00_seoul_is_14_30_in_yangon_and_inside_both_working_days() -> None:
    friday = date(2026, 11, 27)
    slots = _all([KR, MM], friday, friday)
    starts = [s.start for s in slots]
    wanted = datetime(2026, 11, 27, 17, 0, tzinfo=ZoneInfo("Asia/Seoul"))
    assert wanted in starts
    slot = slots[starts.index(wanted)]
    seoul, yangon = slot.local
    assert (seoul.key, seoul.start.strftime("%A %H:%M")) == ("kr-kipo", "Friday 17:00")
    assert (yangon.key, yangon.start.strftime("%A %H:%M")) == ("mm-ipd", "Friday 14:30")
    assert slot.start.utcoffset() == timedelta(0)
    assert slot.end - slot.start == HOUR
    # Seoul's day ends at 18:00: nothing starts later than 17:00 there, and Yangon's
    # day starts at 09:00, which is 11:30 in Seoul.
    seoul_starts = sorted(s.local[0].start.time() for s in slots)
    assert seoul_starts[0] == time(11, 30)
    assert seoul_starts[-1] == time(17, 0)
    assert len(slots) == 12  # 11:30, 12:00, … 17:00 Seoul


def test_every_slot_is_inside_every_office_working_hours_on_the_half_hour_grid() -> None:
    slots = _all(
        [KR, MM, PH], date(2026, 12, 1), date(2026, 12, 11), duration=timedelta(minutes=90)
    )
    assert slots
    for slot in slots:
        for local in slot.local:
            assert time(9, 0) <= local.start.time()
            assert local.end.time() <= time(18, 0)
            assert local.start.date() == local.end.date()
            assert local.start.weekday() < 5
        assert slot.start.minute in (0, 30) and slot.start.second == 0


def test_weekends_are_excluded() -> None:
    saturday, sunday = date(2026, 11, 28), date(2026, 11, 29)
    assert _all([KR, MM], saturday, sunday) == []
    monday_slots = _all([KR, MM], saturday, date(2026, 11, 30))
    assert {s.local[0].start.date() for s in monday_slots} == {date(2026, 11, 30)}


def test_a_public_holiday_of_one_office_is_excluded_for_everyone() -> None:
    # Myanmar's National Day in 2026, as the holidays package lists it: a Friday.
    national_day = date(2026, 12, 4)
    assert national_day in holidays.country_holidays("MM", years=2026)
    assert national_day not in holidays.country_holidays("KR", years=2026)
    assert national_day.weekday() == 4
    week = _all([KR, MM], date(2026, 11, 30), date(2026, 12, 4))
    days_in_yangon = {s.local[1].start.date() for s in week}
    assert national_day not in days_in_yangon
    assert days_in_yangon == {
        date(2026, 11, 30),
        date(2026, 12, 1),
        date(2026, 12, 2),
        date(2026, 12, 3),
    }
    # Seoul alone works that day.
    assert _all([KR], national_day, national_day)


def test_every_holiday_of_each_country_in_a_quarter_is_avoided() -> None:
    first, last = date(2027, 1, 1), date(2027, 3, 31)
    slots = _all([KR, MM, PH], first, last)
    for participant, index in ((KR, 0), (MM, 1), (PH, 2)):
        days_off = set(holidays.country_holidays(participant.country, years=2027))
        assert not {s.local[index].start.date() for s in slots} & days_off


def test_ranking_puts_the_most_central_slot_first_with_the_stated_score() -> None:
    day = date(2026, 12, 1)
    slots = _all([KR, MM, PH], day, day)
    best = slots[0]
    # Midpoints 14:30 Seoul, 12:00 Yangon, 13:30 Manila: 60² + 90² + 0² minutes².
    assert [t.start.strftime("%H:%M") for t in best.local] == ["14:00", "11:30", "13:00"]
    assert best.score == 60**2 + 90**2 + 0**2
    scores = [s.score for s in slots]
    assert scores == sorted(scores)


def test_ranking_is_deterministic_and_ties_go_to_the_earlier_start() -> None:
    args = ([KR, MM, PH],)
    kwargs = {"duration": HOUR, "first_day": date(2026, 12, 1), "last_day": date(2026, 12, 11)}
    first = propose_slots(*args, **kwargs)
    again = propose_slots(*args, **kwargs)
    assert first == again
    for a, b in itertools.pairwise(first):
        assert (a.score, a.start) < (b.score, b.start)
    # The same slot on three days scores the same: the earliest day comes first.
    assert [s.start.date() for s in first[:3]] == [
        date(2026, 12, 1),
        date(2026, 12, 2),
        date(2026, 12, 3),
    ]


def test_a_regional_body_without_a_country_has_only_weekends_off() -> None:
    jakarta = Participant("asean-secretariat", "Asia/Jakarta", None)
    new_year = date(2027, 1, 1)  # a Friday, a public holiday in Indonesia
    assert _all([jakarta], new_year, new_year)
    assert not _all([Participant("id-dgip", "Asia/Jakarta", "ID")], new_year, new_year)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"duration": timedelta(0)}, "positive"),
        ({"duration": timedelta(hours=10)}, "longer than a working day"),
        ({"first_day": date(2026, 12, 2), "last_day": date(2026, 12, 1)}, "before"),
        ({"last_day": date(2027, 6, 1)}, "at most"),
    ],
)
def test_bad_input_is_refused(kwargs, message) -> None:
    base = {"duration": HOUR, "first_day": date(2026, 12, 1), "last_day": date(2026, 12, 4)}
    base.update(kwargs)
    with pytest.raises(ValueError, match=message):
        propose_slots([KR], **base)
