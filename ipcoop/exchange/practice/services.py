"""What can happen to practice questions and office positions, and how the matrix is read.

HTML views and API endpoints both call these functions. Each lists its side
effects; each validates with the domain rules and writes nothing on failure.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from ipcoop import access
from ipcoop.exchange.practice.diff import word_diff
from ipcoop.exchange.practice.models import (
    Answer,
    OfficePosition,
    PositionVersion,
    PracticeQuestion,
)
from ipcoop.lib.codes import normalise_ipc, validate_ipc, validate_nice_class
from ipcoop.lib.spreadsheet import safe_cell
from ipcoop.people.models import Organisation, User
from ipcoop.people.services import record_confidential_read
from ipcoop.search.services import index_item

# The fields an office fills in for a position, in the order forms show them.
POSITION_FIELDS = (
    "answer",
    "summary",
    "legal_basis",
    "source_title",
    "source_url",
    "effective_date",
    "visibility",
)
# Texts whose changes the history shows word by word.
DIFFED_FIELDS = ("summary", "legal_basis", "source_title", "source_url")


class PositionChanged(Exception):
    """The position was saved by someone else after the version the edit was based on."""

    def __init__(self, current: OfficePosition) -> None:
        self.current = current
        super().__init__(conflict_message(current))


def conflict_message(current: OfficePosition) -> str:
    who = current.entered_by.shown_name if current.entered_by else _("reference data")
    when = timezone.localtime(current.updated_at).strftime("%Y-%m-%d %H:%M %Z")
    return _(
        "%(office)s's position was changed by %(who)s at %(when)s while you were editing; "
        "review their version and apply your change again."
    ) % {"office": current.office.short_name, "who": who, "when": when}


# Questions --------------------------------------------------------------------------


def parse_ipc_symbols(text: str) -> list[str]:
    """'G06N 3/08, g06n20/00' -> ['G06N 3/08', 'G06N 20/00']; raises ValidationError."""
    symbols = [normalise_ipc(part) for part in re.split(r"[,;\n]+", text or "") if part.strip()]
    errors = []
    for symbol in symbols:
        try:
            validate_ipc(symbol)
        except ValidationError as error:
            errors.extend(error.error_list)
    if errors:
        raise ValidationError(errors)
    return list(dict.fromkeys(symbols))


def parse_nice_classes(text: str) -> list[int]:
    """'9, 35 41' -> [9, 35, 41]; raises ValidationError naming each wrong class."""
    parts = [part for part in re.split(r"[,;\s]+", text or "") if part]
    errors = []
    for part in parts:
        try:
            validate_nice_class(part)
        except ValidationError as error:
            errors.extend(error.error_list)
    if errors:
        raise ValidationError(errors)
    return sorted({int(part) for part in parts})


@transaction.atomic
def create_question(
    *,
    by: User | None,
    question: str,
    area: str,
    right: str,
    slug: str = "",
    ipc_symbols: list[str] | None = None,
    nice_classes: list[int | str] | None = None,
    explanation: str = "",
) -> PracticeQuestion:
    """Add a practice question.

    Side effects: creates a PracticeQuestion and its search document. Raises
    ValidationError (nothing written) when a field is invalid, a code is malformed or
    the slug is taken, or when ``by`` may not add questions (platform admins and
    policy officers may).
    """
    if by is not None and not access.can_create_practice_question(by):
        raise ValidationError(_("Only platform admins and policy officers add questions."))
    symbols = [normalise_ipc(str(s)) for s in ipc_symbols or []]
    item = PracticeQuestion(
        slug=slug or slugify(question)[:80].strip("-"),
        question=question.strip(),
        area=area,
        right=right,
        ipc_symbols=list(dict.fromkeys(symbols)),
        nice_classes=sorted({int(n) for n in nice_classes or [] if str(n).strip().isdigit()}),
        explanation=explanation.strip(),
        created_by=by,
    )
    errors: dict[str, list[Any]] = {}
    bad_nice = [n for n in nice_classes or [] if not str(n).strip().isdigit()]
    for value in bad_nice:
        try:
            validate_nice_class(value)
        except ValidationError as error:
            errors.setdefault("nice_classes", []).extend(error.error_list)
    try:
        item.full_clean()
    except ValidationError as error:
        for name, messages in error.error_dict.items():
            errors.setdefault(name, []).extend(messages)
    if errors:
        raise ValidationError(errors)
    item.save()
    index_item(item)
    return item


def get_question_or_404(slug: str) -> PracticeQuestion:
    """A question by slug. Questions are public reference: everyone may read every one."""
    try:
        return PracticeQuestion.objects.get(slug=slug)
    except PracticeQuestion.DoesNotExist:
        raise Http404 from None


def questions_filtered(*, area: str = "", right: str = "") -> QuerySet[PracticeQuestion]:
    """Questions in display order, optionally of one technology area and one IP right."""
    questions = PracticeQuestion.objects.all()
    if area:
        questions = questions.filter(area=area)
    if right:
        questions = questions.filter(right=right)
    return questions


# Positions --------------------------------------------------------------------------


def _position_values(position: OfficePosition | PositionVersion) -> dict[str, Any]:
    return {name: getattr(position, name) for name in POSITION_FIELDS}


@transaction.atomic
def save_position(
    *,
    by: User,
    question: PracticeQuestion,
    office: Organisation,
    base_version: int,
    answer: str,
    summary: str,
    source_title: str,
    legal_basis: str = "",
    source_url: str = "",
    effective_date: date | None = None,
    visibility: str = access.Visibility.OFFICES,
) -> tuple[OfficePosition, bool]:
    """Save an office's position on a question as a new version.

    ``base_version`` is the version the edit started from (0 when the office had no
    position yet). Returns the position and whether a new version was written (an
    unchanged save writes nothing).

    Side effects: creates or updates the OfficePosition (version + 1, entered_by,
    updated_at), creates an immutable PositionVersion with every field and
    rewrites the position's search document.
    Raises PositionChanged (nothing written) when someone saved after
    ``base_version``; ValidationError (nothing written) when a field is invalid or
    ``by`` may not edit the office's positions.
    """
    if not access.can_edit_practice_positions(by, office):
        raise ValidationError(_("Only the office's policy officers and admins edit its positions."))
    values = {
        "answer": answer,
        "summary": (summary or "").strip(),
        "legal_basis": (legal_basis or "").strip(),
        "source_title": (source_title or "").strip(),
        "source_url": (source_url or "").strip(),
        "effective_date": effective_date,
        "visibility": visibility,
    }
    current = (
        OfficePosition.objects.select_for_update(of=("self",))
        .select_related("office", "entered_by")
        .filter(question=question, office=office)
        .first()
    )
    if current is None and base_version:
        raise ValidationError(
            {"base_version": _("There is no saved version to base this edit on: use 0.")}
        )
    if current is not None and current.version != base_version:
        raise PositionChanged(current)
    if current is not None and _position_values(current) == values:
        return current, False

    now = timezone.now()
    position = current or OfficePosition(question=question, office=office, version=0)
    for name, value in values.items():
        setattr(position, name, value)
    position.version += 1
    position.entered_by = by
    position.updated_at = now
    position.full_clean(exclude=["question", "office"], validate_unique=False)
    try:
        with transaction.atomic():
            position.save()
    except IntegrityError:
        # Someone created the office's first version at the same moment.
        raise PositionChanged(
            OfficePosition.objects.select_related("office", "entered_by").get(
                question=question, office=office
            )
        ) from None
    PositionVersion.objects.create(
        position=position, created_at=now, entered_by=by, version=position.version, **values
    )
    index_item(position)
    return position, True


def position_versions(position: OfficePosition) -> list[dict[str, Any]]:
    """Every version of a position, newest first, each with what changed from the one before.

    Each entry: ``version`` (PositionVersion), ``changed`` (labels of changed
    fields) and ``diffs`` (field label -> word diff HTML, for changed texts).
    """
    versions = list(position.versions.select_related("entered_by").order_by("version"))
    labels = {name: PositionVersion._meta.get_field(name).verbose_name for name in POSITION_FIELDS}
    entries: list[dict[str, Any]] = []
    previous: PositionVersion | None = None
    for version in versions:
        changed = [
            name
            for name in POSITION_FIELDS
            if previous is None or getattr(previous, name) != getattr(version, name)
        ]
        diffs = {
            labels[name]: word_diff(
                getattr(previous, name) if previous else "", getattr(version, name)
            )
            for name in DIFFED_FIELDS
            if name in changed and (previous is not None or getattr(version, name))
        }
        entries.append(
            {
                "version": version,
                "previous": previous,
                "changed": [str(labels[name]) for name in changed],
                "answer_changed": "answer" in changed,
                "diffs": diffs,
            }
        )
        previous = version
    entries.reverse()
    return entries


def read_position(
    *, user: Any, position: OfficePosition, request: HttpRequest | None = None
) -> None:
    """Note that a user read a position in full (detail, history).

    Side effects: writes a confidential-read audit event when the position is not
    public and the reader is signed in. Matrix cells, the CSV and the print page
    are not logged per cell: they are overviews, and logging each cell would bury
    the log; full reads of a position are logged here.
    """
    if user is not None and user.is_authenticated:
        record_confidential_read(user=user, item=position, request=request)


# The matrix -------------------------------------------------------------------------


@dataclass
class Cell:
    office: Organisation
    position: OfficePosition | None = None
    changed: bool = False

    @property
    def reported(self) -> bool:
        return self.position is not None


@dataclass
class Row:
    question: PracticeQuestion
    cells: list[Cell] = field(default_factory=list)

    @property
    def answers(self) -> set[str]:
        return {c.position.answer for c in self.cells if c.position is not None}

    @property
    def differs(self) -> bool:
        return len(self.answers) > 1


@dataclass
class Move:
    """A position that changed after the 'changed since' date."""

    question: PracticeQuestion
    office: Organisation
    position: OfficePosition
    before: PositionVersion | None


@dataclass
class Matrix:
    offices: list[Organisation]
    rows: list[Row]
    since: date | None = None
    moves: list[Move] = field(default_factory=list)


def start_of(day: date) -> datetime:
    """Midnight at the start of ``day`` in the active time zone."""
    return timezone.make_aware(datetime.combine(day, time.min), timezone.get_current_timezone())


def build_matrix(
    *,
    user: Any,
    questions: QuerySet[PracticeQuestion],
    offices: list[Organisation],
    since: date | None = None,
    rows_of: list[PracticeQuestion] | None = None,
) -> Matrix:
    """Questions × offices with each office's current position where the user may see it.

    A cell without a visible position is "not yet reported": hidden and missing look
    the same. ``rows_of``: the questions to make rows of (a page of ``questions``);
    the changes since ``since`` are listed for all ``questions`` all the same. Reads a
    constant number of queries whatever the number of questions and offices
    (questions, positions, and the changed positions and their earlier versions when
    ``since`` is given). No side effects (overviews are not audited per cell; see
    ``read_position``).
    """
    question_list = list(questions) if rows_of is None else list(rows_of)
    office_ids = [o.pk for o in offices]
    positions = access.visible_to(
        user,
        OfficePosition.objects.filter(
            question__in=[q.pk for q in question_list], office_id__in=office_ids
        ).select_related("entered_by"),
    )
    by_key = {(p.question_id, p.office_id): p for p in positions}
    threshold = start_of(since) if since else None
    rows = []
    moved: list[tuple[PracticeQuestion, Organisation, OfficePosition]] = []
    for question in question_list:
        row = Row(question=question)
        for office in offices:
            position = by_key.get((question.pk, office.pk))
            changed = bool(position and threshold and position.updated_at >= threshold)
            row.cells.append(Cell(office=office, position=position, changed=changed))
            if changed:
                moved.append((question, office, position))
        rows.append(row)
    if rows_of is not None and threshold is not None:
        moved = _moved_since(user, questions, offices, threshold)
    moves: list[Move] = []
    if moved and threshold is not None:
        before: dict[int, PositionVersion] = {}
        earlier = PositionVersion.objects.filter(
            position__in=[p.pk for _q, _o, p in moved], created_at__lt=threshold
        ).order_by("position_id", "version")
        for version in earlier:
            before[version.position_id] = version  # the last one before the date wins
        moves = [Move(q, o, p, before.get(p.pk)) for q, o, p in moved]
    return Matrix(offices=list(offices), rows=rows, since=since, moves=moves)


def _moved_since(
    user: Any,
    questions: QuerySet[PracticeQuestion],
    offices: list[Organisation],
    threshold: datetime,
) -> list[tuple[PracticeQuestion, Organisation, OfficePosition]]:
    """The visible positions of these questions and offices saved on or after
    ``threshold``, in the order of the questions, then of the offices."""
    order = {pk: n for n, pk in enumerate(questions.values_list("pk", flat=True))}
    office_order = {o.pk: n for n, o in enumerate(offices)}
    changed = access.visible_to(
        user,
        OfficePosition.objects.filter(
            question__in=list(order), office_id__in=list(office_order), updated_at__gte=threshold
        ).select_related("entered_by", "question", "office"),
    )
    ranked = sorted(changed, key=lambda p: (order[p.question_id], office_order[p.office_id]))
    return [(p.question, p.office, p) for p in ranked]


def resolve_offices(tokens: list[str]) -> list[Organisation]:
    """Offices named by ST.3 code (KH names both Cambodian offices) or slug, in list order.

    No tokens: every office that holds positions. Raises ValidationError naming each
    token that is neither.
    """
    holders = list(access.practice_position_holders())
    wanted = [t.strip() for t in tokens if t and t.strip()]
    if not wanted:
        return holders
    chosen: set[int] = set()
    unknown = []
    for token in wanted:
        matches = [
            o for o in holders if o.slug == token.lower() or (o.code and o.code == token.upper())
        ]
        if not matches:
            unknown.append(token)
        chosen.update(o.pk for o in matches)
    if unknown:
        raise ValidationError(
            {
                "offices": _(
                    "%(names)s: not an office. Use ST.3 codes such as KR or SG, or office slugs."
                )
                % {"names": ", ".join(unknown)}
            }
        )
    return [o for o in holders if o.pk in chosen]


CSV_HEADER = [
    "question_slug",
    "question",
    "area",
    "right",
    "office_code",
    "office",
    "status",
    "answer",
    "summary",
    "legal_basis",
    "source_title",
    "source_url",
    "effective_date",
    "version",
    "updated_at",
    "changed_since",
]


def matrix_csv(matrix: Matrix) -> str:
    """The matrix as CSV: one line per question and office, "not_reported" where none."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_HEADER)
    for row in matrix.rows:
        q = row.question
        for cell in row.cells:
            p = cell.position
            writer.writerow(
                [
                    safe_cell(v)
                    for v in [
                        q.slug,
                        q.question,
                        q.area,
                        q.right,
                        cell.office.code,
                        cell.office.short_name,
                        "reported" if p else "not_reported",
                        p.answer if p else "",
                        p.summary if p else "",
                        p.legal_basis if p else "",
                        p.source_title if p else "",
                        p.source_url if p else "",
                        p.effective_date.isoformat() if p and p.effective_date else "",
                        p.version if p else "",
                        p.updated_at.isoformat() if p else "",
                        ("yes" if cell.changed else "no") if matrix.since else "",
                    ]
                ]
            )
    return out.getvalue()


ANSWER_LABELS = dict(Answer.choices)
