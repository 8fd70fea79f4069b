"""What can happen to a consultation: asked, replied to, answers marked useful, closed,
offices reminded.

Each function lists its side effects. The HTML views, the API and the
``send_consultation_reminders`` command call these; none writes the models directly.
Callers authorise first (``ipcoop.access``): these functions check the domain rules
(a closed consultation takes no replies, an office replies only where it is
addressed), not who is signed in.

Status rule: a consultation is ``open`` when asked and becomes ``answered`` as soon
as one reply is marked useful, or once every addressed organisation has replied at
least once (replies from the asking office do not count). ``closed`` is final.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import BooleanField, Count, Exists, ExpressionWrapper, OuterRef, Q, QuerySet
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from ipcoop import access
from ipcoop.access import Visibility
from ipcoop.exchange.consultations.models import (
    Area,
    Consultation,
    Reminder,
    Reply,
    Status,
    validate_practice_reference,
)
from ipcoop.people.models import Organisation, OrganisationKind, User
from ipcoop.search.services import index_item

# Reminders go out for open consultations due within this many days (or overdue).
REMINDER_DAYS = 3
AUDIENCES = (Visibility.OFFICES, Visibility.SELECTED)


# Who is asked -------------------------------------------------------------------


def addressed_organisations(consultation: Consultation) -> list[Organisation]:
    """The organisations asked to reply: every other IP office, or the selected ones."""
    if consultation.visibility == Visibility.SELECTED:
        return sorted(consultation.shared_with.all(), key=lambda o: (o.position, o.slug))
    return list(
        Organisation.objects.filter(kind=OrganisationKind.IP_OFFICE).exclude(
            pk=consultation.office_id
        )
    )


def replied_office_ids(consultation: Consultation) -> set[int]:
    return set(consultation.replies.values_list("office_id", flat=True))


def offices_awaiting_reply(consultation: Consultation) -> list[Organisation]:
    """Addressed organisations that have not replied yet."""
    replied = replied_office_ids(consultation)
    return [o for o in addressed_organisations(consultation) if o.pk not in replied]


def reply_offices_for(user: User, consultation: Consultation) -> list[Organisation]:
    """The organisations ``user`` may reply for: those of their staff organisations that
    asked the consultation or are addressed by it."""
    mine = access.staff_organisation_ids(user)
    allowed = {o.pk for o in addressed_organisations(consultation)} | {consultation.office_id}
    return list(Organisation.objects.filter(pk__in=mine & allowed))


def with_list_facts(queryset: QuerySet[Consultation], user: User) -> QuerySet[Consultation]:
    """Add what the list shows in one query: the reply count and whether the consultation
    awaits a reply from one of the user's offices (``awaits_you``)."""
    orgs = access.staff_organisation_ids(user)
    through = Consultation.shared_with.through
    named_mine = Exists(
        through.objects.filter(consultation_id=OuterRef("pk"), organisation_id__in=orgs)
    )
    mine_replied = Exists(Reply.objects.filter(consultation_id=OuterRef("pk"), office_id__in=orgs))
    mine_is_ip_office = Exists(
        Organisation.objects.filter(pk__in=orgs, kind=OrganisationKind.IP_OFFICE)
    )
    awaits = (
        ~Q(status=Status.CLOSED)
        & ~Q(office_id__in=orgs)
        & ~Q(mine_replied)
        & (
            (Q(visibility=Visibility.SELECTED) & Q(named_mine))
            | (Q(visibility=Visibility.OFFICES) & Q(mine_is_ip_office))
        )
    )
    # An aggregate drops Meta.ordering (GROUP BY): order explicitly, newest first.
    return queryset.annotate(
        reply_count=Count("replies", distinct=True),
        awaits_you=ExpressionWrapper(awaits, output_field=BooleanField()),
    ).order_by("-created_at", "-id")


def awaiting_reply_count(queryset: QuerySet[Consultation], user: User) -> int:
    """How many consultations in ``queryset`` await a reply from one of the user's offices."""
    return with_list_facts(queryset, user).filter(awaits_you=True).count()


# Asking -------------------------------------------------------------------------


def _check_text(errors: dict[str, list[str]], field: str, value: str, limit: int) -> str:
    value = (value or "").strip()
    if not value:
        errors.setdefault(field, []).append(_("This field is required."))
    elif len(value) > limit:
        errors.setdefault(field, []).append(
            _("Use at most %(limit)d characters.") % {"limit": limit}
        )
    return value


@transaction.atomic
def ask_consultation(
    *,
    by: User,
    office: Organisation,
    title: str,
    body: str,
    area: str,
    due_date: date,
    to_offices: Iterable[Organisation] | None,
    today: date | None = None,
) -> Consultation:
    """Ask a question, of every IP office (``to_offices`` None or empty) or of the
    organisations listed.

    Side effects: creates a Consultation (status open), its links to the selected
    organisations and its search document. Raises ValidationError (nothing written)
    when a field is missing, the due date has passed or the asking office is among
    those asked.
    """
    today = today or timezone.localdate()
    errors: dict[str, list[str]] = {}
    title = _check_text(errors, "title", title, 200)
    body = _check_text(errors, "body", body, 20_000)
    if area not in Area.values:
        errors.setdefault("area", []).append(
            _("Choose one of: %(areas)s.") % {"areas": ", ".join(Area.values)}
        )
    if due_date is None:
        errors.setdefault("due_date", []).append(_("Give the date replies are due."))
    elif due_date < today:
        errors.setdefault("due_date", []).append(
            _("The due date has passed: choose %(today)s or later.") % {"today": today.isoformat()}
        )
    selected = list(to_offices or [])
    if any(o.pk == office.pk for o in selected):
        errors.setdefault("offices", []).append(
            _("Your own office sees the consultation anyway: select only the others.")
        )
    if errors:
        raise ValidationError(errors)
    consultation = Consultation.objects.create(
        office=office,
        visibility=Visibility.SELECTED if selected else Visibility.OFFICES,
        title=title,
        body=body,
        area=area,
        due_date=due_date,
        asked_by=by,
    )
    if selected:
        consultation.shared_with.set(selected)
    index_item(consultation)
    return consultation


# Replies, useful answers, closing ------------------------------------------------


def _update_status(consultation: Consultation) -> None:
    """Open becomes answered once a reply is useful or every addressed office replied."""
    if consultation.status != Status.OPEN:
        return
    replies = consultation.replies.all()
    if replies.filter(marked_useful_at__isnull=False).exists() or not offices_awaiting_reply(
        consultation
    ):
        consultation.status = Status.ANSWERED
        consultation.save(update_fields=["status"])


@transaction.atomic
def reply_to_consultation(
    *,
    by: User,
    consultation: Consultation,
    body: str,
    office: Organisation | None = None,
    practice_reference: str = "",
) -> Reply:
    """Add a reply from one of ``by``'s offices (the only one, or ``office``).

    Side effects: creates a Reply; may set the consultation's status to answered
    (see the module docstring); rewrites the consultation's search document. Raises
    ValidationError (nothing written) when the consultation is closed (code "closed"),
    the body is empty, the practice reference is not a /practice/ path or the user
    replies for an office that is not asked.
    """
    # Lock the row so a reply cannot slip in while the consultation is being closed.
    consultation = Consultation.objects.select_for_update().get(pk=consultation.pk)
    if consultation.is_closed:
        raise ValidationError(
            _("This consultation is closed: it takes no new replies."), code="closed"
        )
    errors: dict[str, list[str]] = {}
    body = _check_text(errors, "body", body, 20_000)
    practice_reference = (practice_reference or "").strip()
    try:
        validate_practice_reference(practice_reference)
    except ValidationError as error:
        errors.setdefault("practice_reference", []).extend(error.messages)
    if len(practice_reference) > 300:
        errors.setdefault("practice_reference", []).append(_("Use at most 300 characters."))
    choices = reply_offices_for(by, consultation)
    if office is None:
        if len(choices) == 1:
            office = choices[0]
        elif not choices:
            errors.setdefault("office", []).append(
                _("Only staff of the asking office or of an office asked may reply.")
            )
        else:
            errors.setdefault("office", []).append(
                _("You are staff of several offices asked: choose the one you reply for.")
            )
    elif office.pk not in {o.pk for o in choices}:
        errors.setdefault("office", []).append(
            _("You can reply only for an office you work for that was asked.")
        )
    if errors:
        raise ValidationError(errors)
    reply = Reply.objects.create(
        consultation=consultation,
        office=office,
        author=by,
        body=body,
        practice_reference=practice_reference,
    )
    _update_status(consultation)
    index_item(consultation)  # replies are searched with their consultation
    return reply


@transaction.atomic
def mark_reply_useful(*, by: User, reply: Reply) -> Reply:
    """Mark a reply as a useful answer (idempotent).

    Side effects: sets marked_useful_at/by on the Reply; an open consultation becomes
    answered (its search document follows). Raises ValidationError when the
    consultation is closed.
    """
    consultation = reply.consultation
    if consultation.is_closed:
        raise ValidationError(
            _("This consultation is closed: its answers can no longer be marked."), code="closed"
        )
    if reply.marked_useful_at is None:
        reply.marked_useful_at = timezone.now()
        reply.marked_useful_by = by
        reply.save(update_fields=["marked_useful_at", "marked_useful_by"])
    _update_status(consultation)
    index_item(consultation)
    return reply


@transaction.atomic
def close_consultation(*, by: User, consultation: Consultation) -> Consultation:
    """Close a consultation (idempotent): it takes no new replies from then on.

    Side effects: sets status closed, closed_at and closed_by; rewrites its search
    document.
    """
    consultation = Consultation.objects.select_for_update().get(pk=consultation.pk)
    if not consultation.is_closed:
        consultation.status = Status.CLOSED
        consultation.closed_at = timezone.now()
        consultation.closed_by = by
        consultation.save(update_fields=["status", "closed_at", "closed_by"])
        index_item(consultation)
    return consultation


# Reminders ----------------------------------------------------------------------


def reminder_recipients(office: Organisation) -> list[User]:
    """Active policy officers and office admins of ``office`` who have an e-mail address."""
    return list(
        User.objects.filter(
            is_active=True,
            memberships__organisation=office,
            memberships__role__in=access.SPEAKER_ROLES,
        )
        .exclude(email="")
        .distinct()
        .order_by("username")
    )


def _send_reminder_mail(
    *, user: User, consultation: Consultation, office: Organisation, base_url: str
) -> None:
    link = base_url.rstrip("/") + reverse("consultations:detail", args=[consultation.pk])
    with translation.override(user.preferred_language):
        subject = _("Reminder: “%(title)s” awaits a reply from %(office)s") % {
            "title": consultation.title,
            "office": office.short_name,
        }
        message = _(
            "%(asker)s asked a question on the Korea–ASEAN IP Cooperation Platform:\n\n"
            "  %(title)s\n\n"
            "Replies are due on %(due)s. %(office)s has not replied yet. "
            "Read the question and reply here:\n%(link)s\n\n"
            "You receive this because you are a policy officer or office admin of %(office)s."
        ) % {
            "asker": consultation.office.short_name,
            "title": consultation.title,
            "due": consultation.due_date.isoformat(),
            "office": office.short_name,
            "link": link,
        }
    send_mail(subject, message, None, [user.email])


def remind_offices(
    *,
    consultation: Consultation,
    by: User | None = None,
    today: date | None = None,
    base_url: str = "",
) -> list[Reminder]:
    """E-mail the policy officers and office admins of every addressed organisation that
    has not replied, unless that organisation was already reminded of this
    consultation today.

    Side effects: creates one Reminder per organisation reminded (even when none of its
    people has an e-mail address, so it is not tried again that day) and sends one
    e-mail per recipient. Each organisation is done in its own transaction: if a mail
    cannot be sent, that organisation's Reminder is not kept and a later run retries.
    Returns the Reminders created. Raises ValidationError when the consultation is closed.
    """
    if consultation.is_closed:
        raise ValidationError(
            _("This consultation is closed: there is no one left to remind."), code="closed"
        )
    today = today or timezone.localdate()
    done_today = set(
        consultation.reminders.filter(sent_on=today).values_list("office_id", flat=True)
    )
    made = []
    for office in offices_awaiting_reply(consultation):
        if office.pk in done_today:
            continue
        try:
            with transaction.atomic():
                reminder = Reminder.objects.create(
                    consultation=consultation, office=office, sent_on=today, sent_by=by
                )
                recipients = reminder_recipients(office)
                for user in recipients:
                    _send_reminder_mail(
                        user=user, consultation=consultation, office=office, base_url=base_url
                    )
                reminder.recipients = len(recipients)
                reminder.save(update_fields=["recipients"])
        except IntegrityError:
            continue  # another run reminded this office a moment ago
        made.append(reminder)
    return made


def send_due_reminders(
    *, within_days: int = REMINDER_DAYS, today: date | None = None, base_url: str = ""
) -> list[Reminder]:
    """Remind the offices that have not replied to open consultations due within
    ``within_days`` days or already overdue.

    Side effects: those of ``remind_offices`` for each such consultation.
    """
    today = today or timezone.localdate()
    due = Consultation.objects.filter(
        status=Status.OPEN, due_date__lte=today + timedelta(days=within_days)
    ).select_related("office")
    made: list[Reminder] = []
    for consultation in due:
        made.extend(remind_offices(consultation=consultation, today=today, base_url=base_url))
    return made
