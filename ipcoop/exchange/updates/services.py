"""What can happen to policy updates: posting, editing, attachments, read marks, feed tokens.

Each function lists its side effects. HTML views and API endpoints both call these;
none of them writes the update models directly.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import File
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import BooleanField, Exists, OuterRef, Q, QuerySet, Value
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from ipcoop import access
from ipcoop.access import Visibility
from ipcoop.exchange.updates.models import (
    Attachment,
    FeedToken,
    Kind,
    PolicyUpdate,
    ReadMark,
    ReadReceipt,
    Tag,
    UpdateTag,
)
from ipcoop.lib import tokens
from ipcoop.lib.uploads import (  # noqa: F401 (re-exported: callers import them from here)
    ACCEPTED_TYPES,
    MAX_UPLOAD_BYTES,
    CheckedFile,
    accepted_types_text,
    check_upload,
    clean_file_name,
    content_disposition,
)
from ipcoop.people.models import Organisation, User
from ipcoop.search.services import index_item

# Attachments ------------------------------------------------------------------------
# The content checks live in ipcoop.lib.uploads (one home for every upload); the names
# below stay importable from here for the callers that use them.

MAX_ATTACHMENT_BYTES = MAX_UPLOAD_BYTES  # 10 MB: a long PDF of a law; no setting needed.
MAX_ATTACHMENTS = 10


def check_attachment(upload: Any) -> CheckedFile:
    """Check one uploaded file by its content and size (ipcoop.lib.uploads.check_upload).

    No side effects. Raises ValidationError saying what is wrong with the file.
    """
    return check_upload(upload, accepted=ACCEPTED_TYPES, max_bytes=MAX_ATTACHMENT_BYTES)


def check_attachments(uploads: Sequence[Any], *, already: int = 0) -> list[CheckedFile]:
    """Check every upload; one ValidationError (field ``attachments``) lists all problems."""
    problems: list[str] = []
    checked: list[CheckedFile] = []
    if already + len(uploads) > MAX_ATTACHMENTS:
        problems.append(
            _("An update may have at most %(limit)d attachments.") % {"limit": MAX_ATTACHMENTS}
        )
    for upload in uploads:
        try:
            checked.append(check_attachment(upload))
        except ValidationError as error:
            problems.extend(error.messages)
    if problems:
        raise ValidationError({"attachments": problems})
    return checked


def _store(update: PolicyUpdate, files: Iterable[CheckedFile], written: list[str]) -> None:
    for checked in files:
        attachment = Attachment(
            update=update,
            original_name=checked.name,
            content_type=checked.content_type,
            extension=checked.extension,
            size=checked.size,
        )
        checked.upload.seek(0)
        attachment.file.save("upload", File(checked.upload), save=False)
        written.append(attachment.file.name)
        attachment.save()


def _delete_files(names: Iterable[str]) -> None:
    from django.core.files.storage import default_storage

    for name in names:
        default_storage.delete(name)


# Posting and editing ------------------------------------------------------------------


def _clean_fields(
    *,
    office: Organisation,
    kind: str,
    title: str,
    summary: str,
    body: str,
    source_url: str,
    tags: Iterable[str],
    visibility: str,
    shared_with: Iterable[Organisation],
) -> dict[str, Any]:
    """The update's fields after the domain rules; ValidationError names each field to fix."""
    errors: dict[str, list[str]] = {}
    title, summary, body, source_url = (
        (title or "").strip(),
        (summary or "").strip(),
        body or "",
        (source_url or "").strip(),
    )
    if kind not in Kind.values:
        errors["kind"] = [
            _("Choose one of the kinds: %(kinds)s.") % {"kinds": ", ".join(Kind.values)}
        ]
    if not title:
        errors["title"] = [_("Give the update a title.")]
    elif len(title) > 200:
        errors["title"] = [_("Use at most 200 characters for the title.")]
    if not summary:
        errors["summary"] = [_("Write a short summary: one or two sentences.")]
    elif len(summary) > 600:
        errors["summary"] = [_("Keep the summary to at most 600 characters.")]
    if len(body) > 100_000:
        errors["body"] = [_("The text is too long: use at most 100,000 characters.")]
    if source_url:
        try:
            URLValidator(schemes=["http", "https"])(source_url)
        except ValidationError:
            errors["source_url"] = [_("Give the source as a web address starting with https://.")]
    tags = list(dict.fromkeys(tags))
    unknown = [tag for tag in tags if tag not in Tag.values]
    if unknown:
        errors["tags"] = [
            _("Unknown tags: %(unknown)s. Use: %(known)s.")
            % {"unknown": ", ".join(unknown), "known": ", ".join(Tag.values)}
        ]
    shared = [org for org in shared_with if org.pk != office.pk]
    if visibility not in Visibility.values:
        errors["visibility"] = [
            _("Choose a visibility: %(levels)s.") % {"levels": ", ".join(Visibility.values)}
        ]
    elif visibility == Visibility.SELECTED and not shared:
        errors["shared_with"] = [
            _("Name at least one other office to share with, or choose another visibility.")
        ]
    if errors:
        raise ValidationError(errors)
    return {
        "kind": kind,
        "title": title,
        "summary": summary,
        "body": body,
        "source_url": source_url,
        "visibility": visibility,
        "tags": tags,
        "shared_with": shared if visibility == Visibility.SELECTED else [],
    }


def post_update(
    *,
    author: User,
    office: Organisation,
    kind: str,
    title: str,
    summary: str,
    body: str = "",
    effective_date: date | None = None,
    source_url: str = "",
    tags: Iterable[str] = (),
    visibility: str = Visibility.OWN,
    shared_with: Iterable[Organisation] = (),
    files: Sequence[Any] = (),
) -> PolicyUpdate:
    """Publish an update for ``office`` with its attachments.

    Side effects: creates a PolicyUpdate, its tag links, its shared_with links and
    one Attachment (a file under MEDIA_ROOT/updates/ with a random name) per file,
    and its search document, all in one transaction. Raises PermissionDenied when
    the author does not post for the office, ValidationError (nothing saved, no file
    left behind) when a field or a file is refused.
    """
    if not access.can_post_update(author, office):
        raise PermissionDenied(_("You do not post updates for %(office)s.") % {"office": office})
    fields = _clean_fields(
        office=office,
        kind=kind,
        title=title,
        summary=summary,
        body=body,
        source_url=source_url,
        tags=tags,
        visibility=visibility,
        shared_with=shared_with,
    )
    checked = check_attachments(files)
    written: list[str] = []
    try:
        with transaction.atomic():
            update = PolicyUpdate.objects.create(
                office=office,
                author=author,
                effective_date=effective_date,
                **{k: v for k, v in fields.items() if k not in {"tags", "shared_with"}},
            )
            update.shared_with.set(fields["shared_with"])
            UpdateTag.objects.bulk_create(
                UpdateTag(update=update, tag=tag) for tag in fields["tags"]
            )
            _store(update, checked, written)
            index_item(update)
    except BaseException:
        _delete_files(written)
        raise
    return update


def edit_update(
    *,
    editor: User,
    update: PolicyUpdate,
    kind: str,
    title: str,
    summary: str,
    body: str = "",
    effective_date: date | None = None,
    source_url: str = "",
    tags: Iterable[str] = (),
    visibility: str = Visibility.OWN,
    shared_with: Iterable[Organisation] = (),
    files: Sequence[Any] = (),
    remove_attachments: Iterable[int] = (),
) -> PolicyUpdate:
    """Change an update, add files and remove chosen attachments.

    Side effects: saves the PolicyUpdate (updated_at moves), replaces its tags and
    shared_with links, creates Attachments for new files and deletes the removed
    ones (their files are deleted once the transaction commits), and rewrites its
    search document. Raises
    PermissionDenied when the editor may not change it, ValidationError (nothing
    changed) when a field or a file is refused.
    """
    if not access.can_change_update(editor, update):
        raise PermissionDenied(_("Only the office's policy officers and admins edit this."))
    fields = _clean_fields(
        office=update.office,
        kind=kind,
        title=title,
        summary=summary,
        body=body,
        source_url=source_url,
        tags=tags,
        visibility=visibility,
        shared_with=shared_with,
    )
    removed = list(update.attachments.filter(pk__in=list(remove_attachments)))
    kept = update.attachments.count() - len(removed)
    checked = check_attachments(files, already=kept)
    written: list[str] = []
    try:
        with transaction.atomic():
            for name in ("kind", "title", "summary", "body", "source_url", "visibility"):
                setattr(update, name, fields[name])
            update.effective_date = effective_date
            update.save()
            update.shared_with.set(fields["shared_with"])
            update.tag_links.exclude(tag__in=fields["tags"]).delete()
            UpdateTag.objects.bulk_create(
                (UpdateTag(update=update, tag=tag) for tag in fields["tags"]),
                ignore_conflicts=True,
            )
            _store(update, checked, written)
            old_files = [attachment.file.name for attachment in removed]
            Attachment.objects.filter(pk__in=[a.pk for a in removed]).delete()
            transaction.on_commit(lambda: _delete_files(old_files))
            index_item(update)
    except BaseException:
        _delete_files(written)
        raise
    return update


# Listing and read marks ---------------------------------------------------------------


def updates_for(
    user: User | Any,
    *,
    office: str | None = None,
    kind: str | None = None,
    tag: str | None = None,
    published_from: date | None = None,
    published_to: date | None = None,
    changed_since: Any = None,
) -> QuerySet[PolicyUpdate]:
    """The updates ``user`` may see, newest first, filtered, with what lists show
    (office, author, tags, unread mark) fetched in a fixed number of queries. No side effects."""
    updates = access.visible_to(user, PolicyUpdate.objects.all())
    if office:
        updates = updates.filter(office__slug=office)
    if kind:
        updates = updates.filter(kind=kind)
    if tag:
        updates = updates.filter(Exists(UpdateTag.objects.filter(update=OuterRef("pk"), tag=tag)))
    if published_from:
        updates = updates.filter(created_at__date__gte=published_from)
    if published_to:
        updates = updates.filter(created_at__date__lte=published_to)
    if changed_since:
        updates = updates.filter(updated_at__gte=changed_since)
    updates = updates.select_related("office", "author").prefetch_related(
        "tag_links", "attachments"
    )
    return with_unread(user, updates).order_by("-created_at", "-id")


def with_unread(user: User | Any, updates: QuerySet[PolicyUpdate]) -> QuerySet[PolicyUpdate]:
    """Annotate ``is_unread``: not opened by the user and published after their 'all read'."""
    if user is None or not user.is_authenticated:
        return updates.annotate(is_unread=Value(False, output_field=BooleanField()))
    unread = ~Exists(ReadReceipt.objects.filter(user=user, update=OuterRef("pk")))
    mark = ReadMark.objects.filter(user=user).values_list("all_read_at", flat=True).first()
    if mark is not None:
        unread &= Q(created_at__gt=mark)
    return updates.annotate(is_unread=unread)


def mark_read(*, user: User, update: PolicyUpdate) -> None:
    """Record that ``user`` opened ``update``.

    Side effects: creates a ReadReceipt unless there is one. Anonymous visitors: nothing.
    """
    if not user.is_authenticated:
        return
    ReadReceipt.objects.get_or_create(user=user, update=update)


@transaction.atomic
def mark_all_read(*, user: User) -> None:
    """Count every update published until now as read for ``user``.

    Side effects: creates or moves the user's ReadMark to now.
    """
    ReadMark.objects.update_or_create(user=user, defaults={"all_read_at": timezone.now()})


def unread_count(user: User | Any) -> int:
    if not user.is_authenticated:
        return 0
    return updates_for(user).filter(is_unread=True).count()


# Private feed tokens -----------------------------------------------------------------

FEED_TOKEN_PREFIX = "ipf_"  # noqa: S105 (a label, not a secret)


def active_feed_token(user: User) -> FeedToken | None:
    return FeedToken.objects.filter(user=user, revoked_at__isnull=True).first()


@transaction.atomic
def create_feed_token(*, user: User) -> tuple[FeedToken, str]:
    """Make a new private feed address for ``user``; the old one stops working.

    Returns the stored token and the secret, which is shown once and never stored.
    Side effects: revokes the user's active feed token, creates a FeedToken (digest only).
    """
    revoke_feed_token(user=user)
    secret = tokens.new_secret(FEED_TOKEN_PREFIX)
    token = FeedToken.objects.create(user=user, prefix=secret[:10], digest=tokens.digest(secret))
    return token, secret


def revoke_feed_token(*, user: User) -> int:
    """Stop the user's private feed address from working (idempotent).

    Side effects: sets revoked_at on the user's active feed tokens. Returns how many.
    """
    return FeedToken.objects.filter(user=user, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )


def user_for_feed_token(secret: str) -> User | None:
    """The active user whose private feed address holds ``secret``; None when unknown
    or revoked. No side effects."""
    if not secret.startswith(FEED_TOKEN_PREFIX):
        return None
    token = (
        FeedToken.objects.select_related("user")
        .filter(digest=tokens.digest(secret), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    return token.user if token else None


def record_read(*, user: User | Any, update: PolicyUpdate, request: HttpRequest | None) -> None:
    """A signed-in person opened an update (or one of its files).

    Side effects: a ReadReceipt, and a confidential-read audit event when the update
    is not public.
    """
    from ipcoop.people.services import record_confidential_read

    if not user.is_authenticated:
        return
    mark_read(user=user, update=update)
    record_confidential_read(user=user, item=update, request=request)
