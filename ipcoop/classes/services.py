"""What happens in classes: a teacher creates one, children join with its code and a
picture password, the teacher records parents' consent, assigns lessons and follows
the class's progress.

Pages and the API call these functions; none decides on its own.
"""

from __future__ import annotations

import secrets
from collections import defaultdict
from datetime import date, timedelta
from typing import Any

from django.contrib.auth.hashers import check_password, make_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from ipcoop import access
from ipcoop.academy.i18n import pick
from ipcoop.academy.models import (
    Attempt,
    Audience,
    Course,
    Lesson,
    LessonProgress,
    Objective,
    ObjectiveProgress,
    ProgressStatus,
    Status,
)
from ipcoop.classes import pictures, rules
from ipcoop.classes.models import Assignment, ClassMember, Consent, ConsentMethod, SchoolClass
from ipcoop.lib import mastery
from ipcoop.lib.codes import validate_country_code
from ipcoop.lib.spreadsheet import csv_text
from ipcoop.people.models import Role, User
from ipcoop.people.services import create_user, grant_role

# Join codes: no 0/O or 1/I, so a code read aloud or copied from a board is not misread.
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 7  # 32**7: about 34 billion codes; guessing is rate-limited per address
# Failed picture sign-ins before a child's account waits (the teacher's reset unlocks).
SIGNIN_FAILURE_LIMIT = 5
SIGNIN_LOCK = timedelta(minutes=15)
# "Stuck": this many wrong answers in a row on an objective, within the recent window.
STUCK_STREAK = 3
STUCK_WINDOW = timedelta(days=14)
AGE_RANGE = (3, 99)


def normalise_code(code: str) -> str:
    return "".join(str(code or "").split()).upper().replace("-", "")


def _new_code() -> str:
    while True:
        code = "".join(secrets.choice(CODE_ALPHABET) for _i in range(CODE_LENGTH))
        if not SchoolClass.objects.filter(code=code).exists():
            return code


def _name_key(display_name: str) -> str:
    return " ".join(display_name.split()).casefold()


def _picture_secret(school_class: SchoolClass, keys: list[str]) -> str:
    # The order in which a child picks does not matter: the chosen set is sorted.
    return f"{school_class.salt}:{','.join(sorted(keys))}"


def clean_pictures(keys: Any) -> list[str]:
    """Exactly three different pictures of the grid, or ValidationError."""
    if not isinstance(keys, list | tuple) or any(not isinstance(k, str) for k in keys):
        keys = []
    chosen = list(dict.fromkeys(keys))
    if len(chosen) != pictures.PASSWORD_LENGTH or any(k not in pictures.PICTURES for k in chosen):
        raise ValidationError(
            {"pictures": _("Choose exactly %d different pictures.") % pictures.PASSWORD_LENGTH}
        )
    return chosen


def clean_display_name(value: str) -> str:
    name = " ".join(str(value or "").split())
    if not 2 <= len(name) <= 40:
        raise ValidationError({"display_name": _("Write a name of 2 to 40 characters.")})
    if "@" in name:
        raise ValidationError({"display_name": _("Use a nickname, not an e-mail address.")})
    return name


# Classes -----------------------------------------------------------------------------


@transaction.atomic
def create_class(
    *,
    by: User,
    name: str,
    audience: str,
    country: str,
    age_min: int,
    age_max: int,
    courses: list[Course],
) -> SchoolClass:
    """Create a class for the teacher ``by``.

    Side effects: a SchoolClass with a new join code and salt, linked to ``courses``
    (published ones). Raises PermissionDenied for someone without the teacher role,
    ValidationError for a field to fix.
    """
    if not access.is_teacher(by):
        raise PermissionDenied
    name = " ".join(str(name or "").split())
    if not 1 <= len(name) <= 80:
        raise ValidationError({"name": _("Give the class a name of up to 80 characters.")})
    if audience not in Audience.values:
        raise ValidationError({"audience": _("Choose an audience.")})
    country = str(country or "").strip().upper()
    if not country:
        raise ValidationError({"country": _("Give the country code, e.g. TH.")})
    try:
        validate_country_code(country)
    except ValidationError as error:
        raise ValidationError({"country": error.messages}) from None
    low, high = AGE_RANGE
    if not (low <= age_min <= age_max <= high):
        raise ValidationError(
            {
                "age_max": _("Give the youngest and oldest ages, from %(low)d to %(high)d.")
                % {"low": low, "high": high}
            }
        )
    courses = list(courses)
    if not courses or any(c.status != Status.PUBLISHED for c in courses):
        raise ValidationError({"courses": _("Choose at least one published course.")})
    school_class = SchoolClass.objects.create(
        teacher=by,
        name=name,
        audience=audience,
        country=country,
        age_min=age_min,
        age_max=age_max,
        code=_new_code(),
        salt=secrets.token_hex(16),
    )
    school_class.courses.set(courses)
    return school_class


def find_class(code: str) -> SchoolClass:
    try:
        return SchoolClass.objects.get(code=normalise_code(code))
    except SchoolClass.DoesNotExist:
        raise ValidationError(
            {"code": _("No class has this code. Check it with your teacher.")}
        ) from None


# Children ----------------------------------------------------------------------------


@transaction.atomic
def join_class(*, code: str, display_name: str, picture_keys: Any, language: str = "en") -> User:
    """A child joins a class with its code, a name and three pictures.

    Side effects: a User (role learner, no e-mail, no usable password, a generated
    username, the class's country) and its ClassMember with the picture password
    hashed. Raises ValidationError when the code is unknown, the name is taken in the
    class, or the pictures are not three different ones. Does not start a session.
    """
    school_class = find_class(code)
    name = clean_display_name(display_name)
    keys = clean_pictures(picture_keys)
    if ClassMember.objects.filter(school_class=school_class, name_key=_name_key(name)).exists():
        raise ValidationError(
            {"display_name": _("Someone in the class already has this name: add a letter.")}
        )
    # The audit log names the account by its generated username only: a child's name
    # stays inside the class (the name is set after the audited role grant).
    user = create_user(
        username=f"child-{secrets.token_hex(6)}",
        password=None,
        display_name="",
        preferred_language=language,
        country=school_class.country,
    )
    grant_role(by=None, user=user, role=Role.LEARNER, organisation=None)
    user.display_name = name
    user.save(update_fields=["display_name"])
    try:
        with transaction.atomic():
            ClassMember.objects.create(
                school_class=school_class,
                user=user,
                display_name=name,
                name_key=_name_key(name),
                picture_hash=make_password(_picture_secret(school_class, keys)),
            )
    except IntegrityError:
        raise ValidationError(
            {"display_name": _("Someone in the class already has this name: add a letter.")}
        ) from None
    return user


def sign_in_child(*, code: str, display_name: str, picture_keys: Any) -> User:
    """Check a child's class code, name and pictures.

    Side effects: a failure counts against the child (after five in a row the account
    waits 15 minutes, or until the teacher resets the pictures); a success clears the
    count. Raises ValidationError with the same message for a wrong name or wrong
    pictures. Does not start a session.
    """
    school_class = find_class(code)
    wrong = ValidationError(
        _("The name or the pictures are not right. Try again, or ask your teacher.")
    )
    keys = list(picture_keys) if isinstance(picture_keys, list | tuple) else []
    with transaction.atomic():
        member = (
            ClassMember.objects.select_for_update()
            .select_related("user")
            .filter(school_class=school_class, name_key=_name_key(str(display_name or "")))
            .first()
        )
        if member is None:
            raise wrong
        now = timezone.now()
        if member.locked_until and member.locked_until > now:
            raise ValidationError(
                _("Too many tries. Wait 15 minutes, or ask your teacher for new pictures."),
                code="throttled",
            )
        if check_password(
            _picture_secret(school_class, [str(k) for k in keys]), member.picture_hash
        ):
            ClassMember.objects.filter(pk=member.pk).update(failed_signins=0, locked_until=None)
            return member.user
        failures = member.failed_signins + 1
        locked = now + SIGNIN_LOCK if failures >= SIGNIN_FAILURE_LIMIT else None
        ClassMember.objects.filter(pk=member.pk).update(
            failed_signins=0 if locked else failures, locked_until=locked
        )
    raise wrong


@transaction.atomic
def reset_pictures(*, by: User, member: ClassMember) -> list[str]:
    """Give a child three new pictures, chosen at random, to be told to them once.

    Side effects: the member's picture hash is replaced; failures and any wait are
    cleared. Returns the new pictures (not stored anywhere in clear).
    """
    _require_teacher_of(by, member.school_class)
    keys = secrets.SystemRandom().sample(sorted(pictures.PICTURES), pictures.PASSWORD_LENGTH)
    member.picture_hash = make_password(_picture_secret(member.school_class, keys))
    member.failed_signins = 0
    member.locked_until = None
    member.save(update_fields=["picture_hash", "failed_signins", "locked_until"])
    return keys


def _require_teacher_of(by: User, school_class: SchoolClass) -> None:
    if not access.is_teacher(by) or school_class.teacher_id != by.pk:
        raise PermissionDenied


@transaction.atomic
def set_consent_age(*, by: User, member: ClassMember, at_or_over: bool) -> ClassMember:
    """Say whether a child is at or over the country's consent age (asked only when the
    class's ages straddle it). Side effects: the member's flag."""
    _require_teacher_of(by, member.school_class)
    member.at_or_over_consent_age = bool(at_or_over)
    member.save(update_fields=["at_or_over_consent_age"])
    access.forget_class_membership(member.user)
    return member


@transaction.atomic
def record_consent(
    *,
    by: User,
    member: ClassMember,
    method: str,
    given_on: date,
    reference: str = "",
    child_agreed: bool = False,
) -> Consent:
    """Record, for the school, that a parent consented (no document is uploaded).

    Side effects: the member's Consent (replacing an earlier one). From then on the
    child's answers and progress are stored. Raises ValidationError for a method not
    in the list, a date in the future, or, where the country's rule asks for it, a
    missing agreement of the child.
    """
    school_class = member.school_class
    _require_teacher_of(by, school_class)
    if method not in ConsentMethod.values:
        raise ValidationError({"method": _("Choose how the parent consented.")})
    if given_on > timezone.localdate():
        raise ValidationError({"given_on": _("The date of consent cannot be in the future.")})
    rule = rules.rule_for(school_class.country)
    if rules.child_agreement_needed(rule, school_class) and not child_agreed:
        raise ValidationError(
            {
                "child_agreed": _(
                    "In this country the child must agree too: tick the box once they have."
                )
            }
        )
    Consent.objects.filter(member=member).delete()
    access.forget_class_membership(member.user)
    return Consent.objects.create(
        member=member,
        method=method,
        given_on=given_on,
        reference=str(reference or "").strip()[:80],
        child_agreed=bool(child_agreed),
        recorded_by=by,
    )


@transaction.atomic
def withdraw_consent(*, by: User, member: ClassMember) -> None:
    """A parent withdrew consent. Side effects: the member's Consent is removed, so new
    answers are no longer stored; what was stored stays until the teacher removes the
    child."""
    _require_teacher_of(by, member.school_class)
    Consent.objects.filter(member=member).delete()
    access.forget_class_membership(member.user)


@transaction.atomic
def remove_child(*, by: User, member: ClassMember) -> None:
    """Remove a child from the class. Side effects: the child's account, attempts and
    progress are deleted."""
    _require_teacher_of(by, member.school_class)
    member.user.delete()


# Assignments -------------------------------------------------------------------------


def class_lessons(school_class: SchoolClass) -> list[Lesson]:
    """Published lessons of the class's courses, in course order (one query)."""
    return list(
        Lesson.objects.filter(
            course__in=school_class.courses.all(),
            course__status=Status.PUBLISHED,
            published_version__isnull=False,
        )
        .exclude(position=10**6)
        .select_related("published_version", "course")
        .order_by("course__slug", "position", "pk")
    )


@transaction.atomic
def assign_lesson(
    *, by: User, school_class: SchoolClass, lesson: Lesson, due_on: date
) -> Assignment:
    """Ask the class to do a lesson by a date. Side effects: an Assignment (the same
    lesson assigned again moves its due date)."""
    _require_teacher_of(by, school_class)
    if lesson.pk not in {item.pk for item in class_lessons(school_class)}:
        raise ValidationError({"lesson": _("Choose a lesson of the class's courses.")})
    if due_on < timezone.localdate():
        raise ValidationError({"due_on": _("Choose a due date from today on.")})
    assignment, _created = Assignment.objects.update_or_create(
        school_class=school_class, lesson=lesson, defaults={"due_on": due_on, "created_by": by}
    )
    return assignment


@transaction.atomic
def remove_assignment(*, by: User, assignment: Assignment) -> None:
    """Side effects: the assignment is deleted (the children's progress stays)."""
    _require_teacher_of(by, assignment.school_class)
    assignment.delete()


# What the teacher sees ---------------------------------------------------------------


def level(progress: ObjectiveProgress | None) -> tuple[str, str]:
    """A grid cell's colour class and words (never colour alone)."""
    if progress is None or not progress.answered:
        return "none", _("Not started")
    if mastery.is_mastered(progress.mastery):
        return "mastered", _("Mastered")
    if progress.mastery >= 0.6:
        return "close", _("Nearly there")
    return "practising", _("Practising")


def class_objectives(lessons: list[Lesson]) -> list[Objective]:
    codes: list[str] = []
    for lesson in lessons:
        for code in lesson.published_version.objectives or []:
            if code not in codes:
                codes.append(code)
    found = {o.code: o for o in Objective.objects.filter(code__in=codes)}
    return [found[c] for c in codes if c in found]


def members_of(school_class: SchoolClass) -> list[ClassMember]:
    return list(school_class.members.select_related("consent").order_by("name_key", "pk"))


def class_overview(school_class: SchoolClass, *, lang: str, now: Any = None) -> dict:
    """Everything the class page shows: children with consent state, the mastery grid
    (children × objectives), who is stuck, assignments with how many completed them.
    A fixed number of queries, whatever the number of children and attempts."""
    now = now or timezone.now()
    rule = rules.rule_for(school_class.country)
    members = members_of(school_class)
    user_ids = [m.user_id for m in members]
    lessons = class_lessons(school_class)
    objectives = class_objectives(lessons)
    objective_ids = [o.pk for o in objectives]
    progress = {
        (p.learner_id, p.objective_id): p
        for p in ObjectiveProgress.objects.filter(
            learner_id__in=user_ids, objective_id__in=objective_ids
        )
    }
    stuck = stuck_pairs(user_ids, objective_ids, now=now)
    by_id = {o.pk: o for o in objectives}
    rows = []
    stuck_list = []
    for member in members:
        cells = []
        for objective in objectives:
            row = progress.get((member.user_id, objective.pk))
            css, words = level(row)
            cells.append(
                {
                    "objective": objective,
                    "progress": row,
                    "css": css,
                    "words": words,
                    "percent": round(100 * row.mastery) if row and row.answered else None,
                    "stuck": (member.user_id, objective.pk) in stuck,
                }
            )
        for objective_id in sorted(o for (u, o) in stuck if u == member.user_id and o in by_id):
            stuck_list.append({"member": member, "objective": by_id[objective_id]})
        rows.append(
            {
                "member": member,
                "cells": cells,
                "consent_needed": rules.parent_consent_needed(rule, school_class, member),
                "saved": rules.consent_satisfied(member, rule),
            }
        )
    assignments = list(
        school_class.assignments.select_related("lesson__published_version", "lesson__course")
    )
    done = dict(
        LessonProgress.objects.filter(
            learner_id__in=user_ids,
            lesson_id__in=[a.lesson_id for a in assignments],
            status=ProgressStatus.COMPLETED,
        )
        .values("lesson_id")
        .annotate(n=Count("pk"))
        .values_list("lesson_id", "n")
    )
    return {
        "rule": rule,
        "straddles": rules.straddles(rule, school_class),
        "child_agreement": rules.child_agreement_needed(rule, school_class),
        "objectives": [{"objective": o, "title": pick(o.title, lang).text} for o in objectives],
        "rows": rows,
        "stuck": stuck_list,
        "lessons": [
            {"lesson": lesson, "title": pick(lesson.published_version.title, lang).text}
            for lesson in lessons
        ],
        "assignments": [
            {
                "assignment": a,
                "title": pick(a.lesson.published_version.title, lang).text
                if a.lesson.published_version_id
                else a.lesson.slug,
                "completed": done.get(a.lesson_id, 0),
                "overdue": a.due_on < timezone.localdate(),
            }
            for a in assignments
        ],
    }


def stuck_pairs(user_ids: list[int], objective_ids: list[int], *, now: Any) -> set[tuple[int, int]]:
    """(learner, objective) pairs whose latest answers, within the recent window, are
    at least ``STUCK_STREAK`` wrong ones in a row (one query)."""
    if not user_ids or not objective_ids:
        return set()
    rows = (
        Attempt.objects.filter(
            learner_id__in=user_ids,
            question__objective_id__in=objective_ids,
            created_at__gte=now - STUCK_WINDOW,
        )
        .order_by("learner_id", "question__objective_id", "-created_at", "-pk")
        .values_list("learner_id", "question__objective_id", "correct")
    )
    streaks: dict[tuple[int, int], int] = defaultdict(int)
    closed: set[tuple[int, int]] = set()
    for learner_id, objective_id, correct in rows:
        key = (learner_id, objective_id)
        if key in closed:
            continue
        if correct:
            closed.add(key)
        else:
            streaks[key] += 1
    return {key for key, n in streaks.items() if n >= STUCK_STREAK}


def progress_csv(school_class: SchoolClass, *, lang: str) -> str:
    """The class's progress, one line per child and objective, safe to open in a
    spreadsheet (cells that look like formulas are quoted)."""
    overview = class_overview(school_class, lang=lang)
    titles = {item["objective"].pk: item["title"] for item in overview["objectives"]}
    lines = []
    for row in overview["rows"]:
        for cell in row["cells"]:
            progress = cell["progress"]
            lines.append(
                [
                    row["member"].display_name,
                    cell["objective"].code,
                    titles[cell["objective"].pk],
                    progress.answered if progress else 0,
                    progress.correct if progress else 0,
                    round(progress.mastery, 3) if progress and progress.answered else "",
                    str(cell["words"]),
                    "yes" if cell["stuck"] else "no",
                    progress.last_practised.isoformat()
                    if progress and progress.last_practised
                    else "",
                    "yes" if row["saved"] else "no",
                ]
            )
    header = [
        "learner",
        "objective",
        "objective title",
        "answered",
        "correct",
        "mastery",
        "level",
        "stuck",
        "last practised (UTC)",
        "answers saved",
    ]
    return csv_text(header, lines)


# What a child sees -------------------------------------------------------------------


def child_assignments(
    member: ClassMember, *, lang: str, statuses: dict[int, str] | None = None
) -> list[dict]:
    """The class's assignments with the child's status of each lesson: from stored
    progress, or from ``statuses`` (the session) when nothing is stored. Two queries."""
    assignments = list(
        member.school_class.assignments.select_related(
            "lesson__published_version", "lesson__course"
        )
    )
    if statuses is None:
        statuses = dict(
            LessonProgress.objects.filter(
                learner_id=member.user_id, lesson_id__in=[a.lesson_id for a in assignments]
            ).values_list("lesson_id", "status")
        )
    today = timezone.localdate()
    return [
        {
            "assignment": a,
            "title": pick(a.lesson.published_version.title, lang).text
            if a.lesson.published_version_id
            else a.lesson.slug,
            "status": statuses.get(a.lesson_id, ProgressStatus.NOT_STARTED),
            "overdue": a.due_on < today and statuses.get(a.lesson_id) != ProgressStatus.COMPLETED,
        }
        for a in assignments
    ]


# What Academy educators see ----------------------------------------------------------


def class_aggregates() -> list[dict]:
    """Counts per class for Academy educators: country, audience, ages, children,
    consents recorded, assignments and stored answers. No class name, no teacher, no
    child: nothing that identifies a person. Two queries."""
    classes = list(
        SchoolClass.objects.annotate(
            n_children=Count("members", distinct=True),
            n_consents=Count("members__consent", distinct=True),
            n_assignments=Count("assignments", distinct=True),
        )
        .order_by("country", "pk")
        .values(
            "pk",
            "country",
            "audience",
            "age_min",
            "age_max",
            "n_children",
            "n_consents",
            "n_assignments",
        )
    )
    answers = dict(
        Attempt.objects.filter(learner__class_membership__isnull=False)
        .values("learner__class_membership__school_class_id")
        .annotate(n=Count("pk"))
        .values_list("learner__class_membership__school_class_id", "n")
    )
    for number, row in enumerate(classes, start=1):
        row["number"] = number
        row["n_answers"] = answers.get(row["pk"], 0)
        row["audience_label"] = Audience(row["audience"]).label
        del row["pk"]
    return classes
