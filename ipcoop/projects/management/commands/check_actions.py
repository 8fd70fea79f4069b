"""``ipcoop check-actions``: the daily reminders about project actions.

Run it from cron once a day. Actions due within 7 days are announced once per action;
overdue actions are flagged as urgent at most once per action per day.
"""

from django.core.management.base import BaseCommand

from ipcoop.projects.services import check_actions


class Command(BaseCommand):
    help = "Notify owners of project actions that are due soon or overdue."

    def handle(self, *args, **options):
        counts = check_actions()
        self.stdout.write(
            f"{counts['due']} due-soon and {counts['overdue']} overdue notification(s) created."
        )
