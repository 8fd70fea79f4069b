"""``ipcoop scale-data``: synthetic data at a chosen scale (see ipcoop.ops.scaledata)."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ipcoop.ops import scaledata


class Command(BaseCommand):
    help = (
        "Fill a freshly migrated, empty database with synthetic data at a chosen scale "
        "(seeded: the same seed gives the same data), and the people of the key pages."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--preset", choices=sorted(scaledata.PRESETS), default="small")
        parser.add_argument("--seed", type=int, default=scaledata.DEFAULT_SEED)
        for name in scaledata.COUNT_NAMES:
            parser.add_argument(
                f"--{name.replace('_', '-')}",
                type=int,
                dest=name,
                metavar="N",
                help=f"how many {name.replace('_', ' ')} (instead of the preset's)",
            )

    def handle(self, *args: object, **options: object) -> None:
        scale = scaledata.PRESETS[options["preset"]].with_counts(
            **{name: options[name] for name in scaledata.COUNT_NAMES}
        )
        self.stdout.write(f"Generating {scale} with seed {options['seed']}")
        started = time.perf_counter()

        def progress(message: str) -> None:
            self.stdout.write(f"[{time.perf_counter() - started:7.1f} s] {message}")
            self.stdout.flush()

        try:
            timings = scaledata.generate(scale, seed=options["seed"], progress=progress)
        except scaledata.ScaleDataError as error:
            raise CommandError(str(error)) from error
        for step, seconds in timings.items():
            self.stdout.write(f"{step:40s} {seconds:8.1f} s")
        for table, count in scaledata.row_counts().items():
            self.stdout.write(f"{table:40s} {count:>10}")
