"""Meeting pages: list, series, a meeting with its local times, agenda, attendance and
minutes; find a time, slot polls; calendar files and the personal subscription.

Thin: parse, authorise (``ipcoop.access``), call a service, render. A meeting the user
may not see answers 404 like a missing one, on every page and in every calendar.
"""

from ipcoop.meetings.views.calendars import calendar_feed, calendar_token
from ipcoop.meetings.views.meetings import (
    agenda_add,
    agenda_remove,
    attendance,
    cancel,
    create,
    detail,
    edit,
    meeting_ics,
    meeting_list,
    series_create,
    series_detail,
    series_list,
)
from ipcoop.meetings.views.minutes import (
    decision_add,
    minutes_approve,
    minutes_circulate,
    minutes_comment,
    minutes_edit,
)
from ipcoop.meetings.views.polls import find_time, poll_create, poll_detail, poll_fix

__all__ = [
    "agenda_add",
    "agenda_remove",
    "attendance",
    "calendar_feed",
    "calendar_token",
    "cancel",
    "create",
    "decision_add",
    "detail",
    "edit",
    "find_time",
    "meeting_ics",
    "meeting_list",
    "minutes_approve",
    "minutes_circulate",
    "minutes_comment",
    "minutes_edit",
    "poll_create",
    "poll_detail",
    "poll_fix",
    "series_create",
    "series_detail",
    "series_list",
]
