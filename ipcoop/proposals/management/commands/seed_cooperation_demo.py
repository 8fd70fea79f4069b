"""``ipcoop seed-cooperation-demo``: demo proposals and a demo project (development only)."""

from django.core.management.base import BaseCommand

from ipcoop.proposals.demo import seed_cooperation_demo


class Command(BaseCommand):
    help = (
        "Create an open demo proposal and an adopted one turned into a project "
        "(titles say [Demo]). Safe to run again."
    )

    def handle(self, *args, **options):
        created = seed_cooperation_demo()
        self.stdout.write(f"{created} demo proposal(s) created.")
