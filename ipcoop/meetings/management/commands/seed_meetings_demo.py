"""``ipcoop seed-meetings-demo``: invented demo meetings (development only)."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from ipcoop.meetings.demo import demo_counts, seed_meetings_demo


class Command(BaseCommand):
    help = (
        "Create two demo meeting series, a past meeting with approved minutes and an "
        "upcoming one with an agenda and a time poll (titles say [Demo]). Idempotent."
    )

    def handle(self, *args, **options):
        created = seed_meetings_demo()
        counts = demo_counts()
        self.stdout.write(
            f"{len(created)} demo meetings created now; "
            f"{counts['series']} series, {counts['meetings']} meetings, {counts['polls']} polls."
        )
