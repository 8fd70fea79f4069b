"""Learning kept only in the browser session, for a child whose answers may not be
stored yet (``access.may_store_learning``): lesson statuses and answer counts per
objective, gone when the session ends. Nothing here touches the database."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from ipcoop import access

KEY = "classes_unstored"
LESSON_TEMPLATE = "classes/lesson_unstored.html"


def _data(session: Any) -> dict:
    data = session.get(KEY) or {}
    data.setdefault("lessons", {})
    data.setdefault("objectives", {})
    return data


def start_lesson(session: Any, lesson: Any) -> None:
    data = _data(session)
    data["lessons"].setdefault(str(lesson.pk), "in_progress")
    session[KEY] = data


def complete_lesson(session: Any, lesson: Any) -> None:
    data = _data(session)
    data["lessons"][str(lesson.pk)] = "completed"
    session[KEY] = data


def note_answer(session: Any, result: Any) -> None:
    """Count an unstored answer in the session and show the session's totals in the
    result (as a stored answer shows the stored ones)."""
    data = _data(session)
    progress = result.objective_progress
    answered, correct = data["objectives"].get(str(progress.objective_id), [0, 0])
    answered, correct = answered + 1, correct + int(result.attempt.correct)
    data["objectives"][str(progress.objective_id)] = [answered, correct]
    data["lessons"].setdefault(str(result.lesson_progress.lesson_id), "in_progress")
    session[KEY] = data
    progress.answered, progress.correct = answered, correct


def lesson_statuses(session: Any) -> dict[int, str]:
    return {int(k): v for k, v in _data(session)["lessons"].items()}


def lesson_template(request: HttpRequest, context: dict) -> str:
    """The lesson player's template: the usual one, or for a child whose learning is not
    stored the same page with a note saying so (and the status from the session)."""
    if not request.user.is_authenticated or access.may_store_learning(request.user):
        return "academy/lesson.html"
    lesson = context["lesson"]
    context["status"] = lesson_statuses(request.session).get(lesson.pk, "not_started")
    return LESSON_TEMPLATE
