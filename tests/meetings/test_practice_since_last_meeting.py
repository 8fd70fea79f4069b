"""The practice matrix offers "what changed since the last meeting" from the meetings the
viewer may see."""

from datetime import datetime, timedelta

from tests.conftest import client_for
from tests.meetings.conftest import SEOUL, make_meeting


def test_matrix_links_to_changes_since_the_last_meeting_the_viewer_may_see(world):
    starts = datetime(2026, 3, 6, 17, 0, tzinfo=SEOUL)
    make_meeting(world, starts_at=starts, ends_at=starts + timedelta(hours=1))

    page = client_for(world.kr_policy).get("/practice/?area=ai").text
    assert "What changed since the last meeting (2026-03-06)" in page
    assert "?area=ai&amp;since=2026-03-06" in page
    marked = client_for(world.kr_policy).get("/practice/?area=ai&since=2026-03-06").text
    assert "Changed since 2026-03-06" in marked

    # The meeting is private to KIPO and IPD Myanmar: others are not told it happened.
    assert "since the last meeting" not in client_for(world.th_policy).get("/practice/").text
    assert "since the last meeting" not in client_for(None).get("/practice/").text
