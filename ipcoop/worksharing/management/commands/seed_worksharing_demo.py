"""``ipcoop seed-worksharing-demo``: a synthetic work-sharing back file (development only)."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from ipcoop.worksharing.demo import seed_demo


class Command(BaseCommand):
    help = (
        "Create synthetic cross-office patent families with search reports "
        "(titles say [Synthetic])."
    )

    def add_arguments(self, parser):
        parser.add_argument("--families", type=int, default=100)
        parser.add_argument("--seed", type=int, default=42)

    def handle(self, *args, **options):
        count = seed_demo(families=options["families"], seed=options["seed"])
        self.stdout.write(
            f"{count} synthetic applications written ({options['families']} families)."
        )
