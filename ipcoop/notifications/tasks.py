"""Background tasks (django.tasks): e-mail is sent by the worker, not by the request.

In production the tasks go to the database backend (django-tasks-db) and a worker
(`ipcoop db_worker`) runs them; tests run them at once.
"""

from __future__ import annotations

from django.tasks import task

from ipcoop.notifications import services


@task()
def send_urgent_emails(notification_ids: list[int]) -> int:
    """E-mail these urgent items now (see services.send_urgent_emails)."""
    return services.send_urgent_emails(notification_ids=notification_ids)


@task()
def send_digests(frequency: str | None = None, base_url: str | None = None) -> list[int]:
    """Send every due digest (see services.send_due_digests). Returns [e-mails, items]."""
    mails, items = services.send_due_digests(frequency=frequency, base=base_url)
    return [mails, items]
