"""Send the inbox summaries that are due. Safe to run from cron every hour:

ipcoop send-digests --base-url https://ipcoop.example.org

Each person receives their daily summary at most once per calendar day and their weekly
summary at most once per week (Monday to Sunday), both in their own time zone, and
never an empty one. The work runs as a background task (``ipcoop db_worker`` picks it
up in production); ``--now`` runs it in this process instead.
"""

from django.core.management.base import BaseCommand

from ipcoop.notifications import services, tasks
from ipcoop.notifications.models import DigestFrequency


class Command(BaseCommand):
    help = (
        "Send each person's inbox summary (daily or weekly, as they chose) when it is due "
        "and not empty. Run it every hour: nobody receives more than one daily summary a "
        "day or one weekly summary a week."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--frequency",
            choices=[DigestFrequency.DAILY.value, DigestFrequency.WEEKLY.value],
            default=None,
            help="only the people who chose this frequency (default: both)",
        )
        parser.add_argument(
            "--base-url",
            default=None,
            help="the platform's address put before links (default: the IPCOOP_BASE_URL setting)",
        )
        parser.add_argument(
            "--now",
            action="store_true",
            help="send in this process instead of queueing a background task",
        )

    def handle(self, *args, **options) -> None:
        frequency = options["frequency"]
        base = options["base_url"]
        if base is not None:
            base = base.rstrip("/")
        if options["now"]:
            mails, items = services.send_due_digests(frequency=frequency, base=base)
            self.stdout.write(f"Sent {mails} summary e-mail(s) holding {items} item(s).")
            return
        result = tasks.send_digests.enqueue(frequency=frequency, base_url=base)
        if result.is_finished and result.return_value is not None:
            mails, items = result.return_value
            self.stdout.write(f"Sent {mails} summary e-mail(s) holding {items} item(s).")
        else:
            self.stdout.write(f"Queued the summaries as task {result.id}; the worker sends them.")
