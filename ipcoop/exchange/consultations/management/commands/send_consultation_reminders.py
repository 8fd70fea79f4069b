"""Remind offices that have not replied to consultations due soon. Run daily from cron:

ipcoop send-consultation-reminders --base-url https://ipcoop.example.org
"""

from django.core.management.base import BaseCommand, CommandError

from ipcoop.exchange.consultations import services


class Command(BaseCommand):
    help = (
        "E-mail the policy officers and office admins of offices that have not replied to an "
        "open consultation due within --days days (or overdue). Each office is reminded at "
        "most once a day per consultation, so running it twice a day sends nothing new."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--days",
            type=int,
            default=services.REMINDER_DAYS,
            help="remind when the due date is this many days away or less (default: %(default)s)",
        )
        parser.add_argument(
            "--base-url",
            default="",
            help="the platform's address, put before the link in each e-mail",
        )

    def handle(self, *args, **options) -> None:
        if options["days"] < 0:
            raise CommandError("--days must be 0 or more.")
        made = services.send_due_reminders(
            within_days=options["days"], base_url=options["base_url"]
        )
        mails = sum(r.recipients for r in made)
        self.stdout.write(f"Reminded {len(made)} office(s) by {mails} e-mail(s).")
