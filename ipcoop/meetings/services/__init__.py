"""What can happen to meetings: series and meetings created, rescheduled, cancelled;
agendas, attendance, slot polls, minutes (revisions, circulation, comments, approval,
decisions) and calendar subscription tokens.

Each function lists its side effects. HTML views, the API and the demo command call
these; none of them writes the meeting models directly. Callers authorise first
(``ipcoop.access``, section "Meetings"); these functions check the domain rules (an
online meeting has a link, approved minutes are locked, a comment comes from a
participating office), not who is signed in.
"""

from ipcoop.meetings.services.calendars import (
    CALENDAR_TOKEN_PREFIX,
    active_calendar_token,
    create_calendar_token,
    revoke_calendar_token,
    user_for_calendar_token,
)
from ipcoop.meetings.services.meetings import (
    URGENT_WITHIN,
    OfficeTime,
    add_agenda_item,
    agenda_with_papers,
    cancel_meeting,
    create_meeting,
    create_series,
    last_meeting_date,
    local_times,
    meetings_for,
    offices_of,
    record_attendance,
    remove_agenda_item,
    update_meeting,
)
from ipcoop.meetings.services.minutes import (
    add_decision,
    approve_minutes,
    circulate_minutes,
    comment_on_minutes,
    decisions_with_links,
    latest_revision,
    save_minutes,
)
from ipcoop.meetings.services.polls import (
    MAX_POLL_SLOTS,
    answer_poll,
    create_poll,
    find_slots,
    fix_poll,
    participant_for,
    poll_table,
)

__all__ = [
    "CALENDAR_TOKEN_PREFIX",
    "MAX_POLL_SLOTS",
    "URGENT_WITHIN",
    "OfficeTime",
    "active_calendar_token",
    "add_agenda_item",
    "add_decision",
    "agenda_with_papers",
    "answer_poll",
    "approve_minutes",
    "cancel_meeting",
    "circulate_minutes",
    "comment_on_minutes",
    "create_calendar_token",
    "create_meeting",
    "create_poll",
    "create_series",
    "decisions_with_links",
    "find_slots",
    "fix_poll",
    "last_meeting_date",
    "latest_revision",
    "local_times",
    "meetings_for",
    "offices_of",
    "participant_for",
    "poll_table",
    "record_attendance",
    "remove_agenda_item",
    "revoke_calendar_token",
    "save_minutes",
    "update_meeting",
    "user_for_calendar_token",
]
