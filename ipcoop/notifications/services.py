"""What can happen to notifications: written, read, e-mailed (digest or urgent).

``notify`` is the one way the other apps tell people something: it writes inbox items
and, for urgent items, queues an immediate e-mail after the caller's transaction
commits. Everything else reaches e-mail only through the digest
(``send_digest`` / ``send_due_digests``, run by the ``send-digests`` command through a
background task). An item is e-mailed at most once: ``emailed_at`` marks it, under a
row lock, in the same transaction as the sending.
"""

from __future__ import annotations

import datetime
import zoneinfo
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, connection, transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from ipcoop import access
from ipcoop.notifications.models import DigestFrequency, Kind, Notification, Preference
from ipcoop.people.models import Membership, User

# Longest subject and link kept (the model's limits).
SUBJECT_LIMIT = 300
URL_LIMIT = 500


# Writing items ------------------------------------------------------------------


def people_of_offices(office_ids: Iterable[int], roles: Iterable[str] | None = None) -> QuerySet:
    """Active users holding a role (default: ``access.SPEAKER_ROLES``, office admins and
    policy officers) in any of the given organisations. No side effects."""
    office_ids = [getattr(o, "pk", o) for o in office_ids]
    roles = list(access.SPEAKER_ROLES if roles is None else roles)
    held = Membership.objects.filter(
        user_id=OuterRef("pk"), organisation_id__in=office_ids, role__in=roles
    )
    return User.objects.filter(Exists(held), is_active=True).order_by("username")


def _check_kind(kind: str) -> None:
    if kind not in Kind.values:
        raise ValidationError(
            _("Unknown notification kind “%(kind)s”: use one of ipcoop.notifications.models.Kind.")
            % {"kind": kind},
            code="kind",
        )


def notify(
    *,
    recipients: Iterable[User],
    kind: str,
    subject: str,
    url: str,
    urgent: bool = False,
    key: str | None = None,
    actor: User | None = None,
) -> int:
    """Put one inbox item per recipient.

    Recipients are users; duplicates, inactive users and the actor themself are dropped.
    ``subject`` is the object's own title; ``url`` the path to open. With ``key``, a
    recipient who already has an item with that key gets no second one.

    Side effects: creates Notification rows (one per remaining recipient). When
    ``urgent``, after the surrounding transaction commits, enqueues the
    ``send_urgent_emails`` task, which e-mails those whose preference allows it.
    Call it inside your own service's transaction. Returns the number of items created.
    Raises ValidationError for an unknown kind or an empty subject or link.
    """
    _check_kind(kind)
    subject = " ".join((subject or "").split())[:SUBJECT_LIMIT]
    url = (url or "").strip()
    if not subject or not url:
        raise ValidationError(_("A notification needs a subject and a link."), code="empty")
    if len(url) > URL_LIMIT:
        raise ValidationError(_("The notification's link is too long."), code="url")
    key = (key or "").strip()[:200]
    actor_id = getattr(actor, "pk", None)

    people: dict[int, User] = {}
    for user in recipients:
        if user is None or user.pk is None or user.pk == actor_id or not user.is_active:
            continue
        people.setdefault(user.pk, user)
    if not people:
        return 0

    with transaction.atomic():
        if key:
            already = set(
                Notification.objects.filter(recipient_id__in=people, key=key).values_list(
                    "recipient_id", flat=True
                )
            )
            for pk in already:
                people.pop(pk, None)
        now = timezone.now()
        items = [
            Notification(
                recipient_id=pk,
                kind=kind,
                subject=subject,
                url=url,
                urgent=urgent,
                key=key,
                actor_id=actor_id,
                created_at=now,
            )
            for pk in people
        ]
        try:
            with transaction.atomic():
                created = Notification.objects.bulk_create(items)
        except IntegrityError:
            # Another transaction wrote an item with this key a moment ago: one by one.
            created = []
            for item in items:
                try:
                    with transaction.atomic():
                        item.save()
                except IntegrityError:
                    continue
                created.append(item)
        if urgent and created:
            ids = [item.pk for item in created]
            transaction.on_commit(lambda: _enqueue_urgent(ids))
    return len(created)


def _enqueue_urgent(ids: list[int]) -> None:
    from ipcoop.notifications.tasks import send_urgent_emails

    send_urgent_emails.enqueue(notification_ids=ids)


# Reading ------------------------------------------------------------------------


def unread_count(user) -> int:
    """How many unread items the user has (one query; 0 for visitors)."""
    if user is None or not user.is_authenticated:
        return 0
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def unread_count_sql() -> str:
    """``unread_count`` as SQL with one parameter, the user's id, to be read as a
    subquery of another statement (the user's row as their request starts)."""
    table = connection.ops.quote_name(Notification._meta.db_table)
    recipient = connection.ops.quote_name(Notification._meta.get_field("recipient").column)
    read_at = connection.ops.quote_name(Notification._meta.get_field("read_at").column)
    # Names from the model's meta, the value a parameter.
    return f"SELECT COUNT(*) FROM {table} WHERE {recipient} = %s AND {read_at} IS NULL"  # noqa: S608


def inbox_of(user) -> QuerySet[Notification]:
    """The user's own items, newest first (nobody reads another's inbox)."""
    return access.notifications_of(user)


def mark_read(*, user: User, notification: Notification) -> Notification:
    """Mark one of the user's items read.

    Side effects: sets ``read_at`` (unchanged when already read).
    Raises ValidationError when the item is not the user's (callers fetch through access).
    """
    if notification.recipient_id != user.pk:
        raise ValidationError(_("This item is not in your inbox."), code="not_yours")
    if notification.read_at is None:
        notification.read_at = timezone.now()
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(
            read_at=notification.read_at
        )
    return notification


def mark_all_read(*, user: User, kind: str | None = None) -> int:
    """Mark every unread item of the user read (of one kind, when given).

    Side effects: sets ``read_at`` on those items. Returns how many were marked."""
    unread = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if kind:
        _check_kind(kind)
        unread = unread.filter(kind=kind)
    return unread.update(read_at=timezone.now())


# Preferences --------------------------------------------------------------------


def preference_of(user: User) -> Preference:
    """The user's preferences (the defaults, unsaved, when they never chose). No side effects."""
    try:
        return Preference.objects.get(user=user)
    except Preference.DoesNotExist:
        return Preference(user=user)


def set_preferences(*, user: User, digest: str, urgent_email: bool) -> Preference:
    """Save how the user wants to hear about their inbox.

    Side effects: creates or updates the user's Preference row.
    Raises ValidationError for an unknown digest frequency."""
    if digest not in DigestFrequency.values:
        raise ValidationError({"digest": [_("Choose never, daily or weekly.")]}, code="digest")
    with transaction.atomic():
        pref, _created = Preference.objects.select_for_update().get_or_create(user=user)
        pref.digest = digest
        pref.urgent_email = bool(urgent_email)
        pref.save(update_fields=["digest", "urgent_email"])
    return pref


# E-mail -------------------------------------------------------------------------


def base_url() -> str:
    """The platform's address put before links in e-mails ('' gives paths only)."""
    return str(getattr(settings, "IPCOOP_BASE_URL", "") or "").rstrip("/")


def _absolute(path: str, base: str) -> str:
    if path.startswith(("http://", "https://")):
        return path
    return f"{base}{path}"


@dataclass
class KindGroup:
    kind: str
    items: list[Notification] = field(default_factory=list)

    @property
    def label(self) -> str:
        """The kind's sentence in the language active when shown."""
        return str(Kind(self.kind).label) if self.kind in Kind.values else self.kind


def group_by_kind(items: Iterable[Notification]) -> list[KindGroup]:
    """Items grouped by kind, newest first within a group; groups in the order of their
    newest item. No side effects."""
    ordered = sorted(items, key=lambda n: (n.created_at, n.pk), reverse=True)
    groups: dict[str, KindGroup] = {}
    for item in ordered:
        group = groups.get(item.kind)
        if group is None:
            group = groups[item.kind] = KindGroup(item.kind)
        group.items.append(item)
    return list(groups.values())


def _send_mail(*, user: User, template: str, context: dict, subject: str, base: str) -> None:
    """Render ``template`` (.txt and .html) in the user's language and time zone, send."""
    language = user.preferred_language or settings.LANGUAGE_CODE
    with translation.override(language), timezone.override(_zone(user)):
        context = {
            **context,
            "user": user,
            "inbox_url": _absolute(reverse("notifications:inbox"), base),
            "preferences_url": _absolute(reverse("notifications:preferences"), base),
            "language": translation.get_language(),
            "base": base,
        }
        text = render_to_string(f"notifications/email/{template}.txt", context)
        html = render_to_string(f"notifications/email/{template}.html", context)
    message = EmailMultiAlternatives(str(subject), text, None, [user.email])
    message.attach_alternative(html, "text/html")
    message.send()


def send_urgent_emails(*, notification_ids: Iterable[int], base: str | None = None) -> int:
    """E-mail urgent items at once, to recipients who allow urgent e-mail and have an
    address. Items already e-mailed (or not urgent) are skipped, so an item is never
    e-mailed twice.

    Side effects: sends one e-mail per item and sets its ``emailed_at``, both in one
    transaction per item with the row locked (a failed send leaves it for the digest or
    a retry). Returns the number of e-mails sent.
    """
    base = base_url() if base is None else base
    sent = 0
    for pk in sorted(set(notification_ids)):
        with transaction.atomic():
            item = (
                Notification.objects.select_for_update()
                .filter(pk=pk, urgent=True, emailed_at__isnull=True)
                .first()
            )
            if item is None:
                continue
            user = User.objects.get(pk=item.recipient_id)
            if not user.is_active or not user.email or not preference_of(user).urgent_email:
                continue
            with translation.override(user.preferred_language or settings.LANGUAGE_CODE):
                subject = _("Urgent: %(what)s — %(subject)s") % {
                    "what": item.kind_label,
                    "subject": item.subject,
                }
            _send_mail(
                user=user,
                template="urgent",
                context={
                    "item": item,
                    "link": _absolute(reverse("notifications:open", args=[item.pk]), base),
                },
                subject=subject,
                base=base,
            )
            item.emailed_at = timezone.now()
            item.save(update_fields=["emailed_at"])
            sent += 1
    return sent


def _digest_due(pref: Preference, user: User, now: datetime.datetime) -> bool:
    """Daily: not yet sent on today's date in the user's time zone. Weekly: not yet sent
    in this ISO week (Monday to Sunday) in the user's time zone."""
    if pref.digest == DigestFrequency.OFF:
        return False
    if pref.last_digest_at is None:
        return True
    tz = _zone(user)
    today = timezone.localtime(now, tz).date()
    last = timezone.localtime(pref.last_digest_at, tz).date()
    if pref.digest == DigestFrequency.DAILY:
        return last < today
    return last.isocalendar()[:2] < today.isocalendar()[:2]


def _zone(user: User) -> datetime.tzinfo:
    """The user's time zone (UTC when unset or unknown)."""
    try:
        return zoneinfo.ZoneInfo(user.time_zone or "UTC")
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return datetime.UTC


def send_digest(
    *, user: User, now: datetime.datetime | None = None, base: str | None = None
) -> int:
    """Send the user's digest if it is due (per their preference) and not empty.

    The digest holds every item not yet e-mailed, grouped by kind, newest first within
    a group. Side effects, in one transaction with the user's preference row locked:
    sends one e-mail, sets ``emailed_at`` on the items it holds and records
    ``last_digest_at`` (creating the preference row with the defaults if needed).
    Nothing is sent or recorded when the digest is empty, when it is not due, when the
    user turned it off or has no e-mail address. Returns the number of items e-mailed.
    """
    now = now or timezone.now()
    base = base_url() if base is None else base
    if not user.is_active or not user.email:
        return 0
    with transaction.atomic():
        pref, _created = Preference.objects.select_for_update().get_or_create(user=user)
        if not _digest_due(pref, user, now):
            return 0
        items = list(
            Notification.objects.select_for_update()
            .filter(recipient=user, emailed_at__isnull=True, created_at__lte=now)
            .order_by("-created_at", "-id")
        )
        if not items:
            return 0
        groups = group_by_kind(items)
        with translation.override(user.preferred_language or settings.LANGUAGE_CODE):
            if pref.digest == DigestFrequency.WEEKLY:
                subject = _("Your weekly summary: %(count)s new item(s)")
            else:
                subject = _("Your daily summary: %(count)s new item(s)")
            subject = subject % {"count": len(items)}
        for group in groups:
            for item in group.items:
                # Through the inbox, so opening it from the e-mail marks it read.
                item.link = _absolute(reverse("notifications:open", args=[item.pk]), base)
        _send_mail(
            user=user,
            template="digest",
            context={"groups": groups, "count": len(items), "frequency": pref.digest},
            subject=subject,
            base=base,
        )
        Notification.objects.filter(pk__in=[i.pk for i in items]).update(emailed_at=now)
        pref.last_digest_at = now
        pref.save(update_fields=["last_digest_at"])
    return len(items)


def digest_candidates(frequency: str | None = None) -> QuerySet[User]:
    """Active users with an e-mail address and at least one item not yet e-mailed, whose
    digest frequency is ``frequency`` (any but off when None). People who never chose
    have the default (daily). No side effects."""
    pending = Notification.objects.filter(recipient_id=OuterRef("pk"), emailed_at__isnull=True)
    users = User.objects.filter(Exists(pending), is_active=True).exclude(email="")
    wanted = [DigestFrequency.DAILY, DigestFrequency.WEEKLY] if frequency is None else [frequency]
    choose = Q(notification_preference__digest__in=wanted)
    if DigestFrequency.DAILY in wanted:
        choose |= Q(notification_preference__isnull=True)
    return users.filter(choose).order_by("pk")


def send_due_digests(
    *, frequency: str | None = None, now: datetime.datetime | None = None, base: str | None = None
) -> tuple[int, int]:
    """Send every due digest (of ``frequency``, or of both daily and weekly).

    Side effects: those of ``send_digest`` for each candidate; each user in their own
    transaction, so one failure leaves the others sent. Returns (e-mails, items).
    """
    if frequency is not None and frequency not in (DigestFrequency.DAILY, DigestFrequency.WEEKLY):
        raise ValidationError(_("Choose daily or weekly."), code="frequency")
    now = now or timezone.now()
    mails = items = 0
    for user in digest_candidates(frequency):
        count = send_digest(user=user, now=now, base=base)
        if count:
            mails += 1
            items += count
    return mails, items
