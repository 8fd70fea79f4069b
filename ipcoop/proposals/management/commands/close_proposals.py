"""``ipcoop close-proposals``: decide the open proposals whose deadline has passed.

Run it from cron (e.g. hourly). Each one is decided by the consensus rule (silence per
the proposal's rule); the offices are notified.
"""

from django.core.management.base import BaseCommand

from ipcoop.proposals.services import close_due_proposals


class Command(BaseCommand):
    help = "Decide open proposals whose deadline for responses has passed."

    def handle(self, *args, **options):
        decided = close_due_proposals()
        self.stdout.write(f"{decided} proposal(s) decided.")
