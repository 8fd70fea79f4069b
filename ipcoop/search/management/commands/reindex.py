"""``ipcoop reindex``: rebuild the search index without taking search offline."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from ipcoop.search.services import rebuild_index


class Command(BaseCommand):
    help = (
        "Rebuild the search index into a new generation, then switch to it in one "
        "transaction: search keeps answering from the old index meanwhile."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch-size", type=int, default=500)

    def handle(self, *args: Any, **options: Any) -> None:
        width = 30
        shown = {"last": -1}

        def progress(done: int, total: int) -> None:
            percent = done * 100 // total if total else 100
            if percent == shown["last"] and done != total:
                return
            shown["last"] = percent
            filled = width * percent // 100
            bar = "#" * filled + "-" * (width - filled)
            self.stdout.write(f"\r[{bar}] {percent:3d}% {done}/{total}", ending="")
            self.stdout.flush()

        count = rebuild_index(batch_size=options["batch_size"], progress=progress)
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS(f"Indexed {count} items; the new index is live."))
