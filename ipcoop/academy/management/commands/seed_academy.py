"""``ipcoop seed-academy``: import and publish every course package of the curriculum."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ipcoop.academy.package import PackageError, import_package, read_package

CURRICULUM = Path(__file__).resolve().parents[2] / "curriculum"
NOTE = "Published by seed-academy from the curriculum files."


class Command(BaseCommand):
    help = "Import and publish every course in ipcoop/academy/curriculum/*.json (safe to re-run)."

    def add_arguments(self, parser):
        parser.add_argument("--directory", default=str(CURRICULUM), help="Folder of packages.")

    def handle(self, *args, **options):
        folder = Path(options["directory"])
        paths = sorted(folder.glob("*.json"))
        if not paths:
            self.stdout.write(f"No course packages in {folder.name}/.")
            return
        failed = 0
        for path in paths:
            try:
                data, files = read_package(path.read_bytes())
                course = import_package(data, files=files, publish=True, review_note=NOTE)
            except PackageError as error:
                failed += 1
                for problem in error.problems:
                    self.stderr.write(f"{path.name}: {problem}")
                continue
            self.stdout.write(f"{path.name}: course {course.slug} published.")
        if failed:
            raise CommandError(f"{failed} package(s) could not be imported.")
