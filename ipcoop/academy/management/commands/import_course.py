"""``ipcoop import-course FILE``: import a course package (.json or .zip)."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ipcoop.academy.package import (
    PackageError,
    import_package,
    read_package,
    validate_package,
)


class Command(BaseCommand):
    help = "Import a course package (JSON or zip). Nothing is imported if anything is wrong."

    def add_arguments(self, parser):
        parser.add_argument("file", help="A course package: course JSON or a zip with course.json.")
        parser.add_argument(
            "--check", action="store_true", help="Only check the package; import nothing."
        )
        parser.add_argument(
            "--publish",
            action="store_true",
            help="Publish the course and its lessons at once (reviewed by the import).",
        )

    def handle(self, *args, **options):
        try:
            raw = Path(options["file"]).read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read {options['file']}: {error.strerror}.") from None
        try:
            data, files = read_package(raw)
            if options["check"]:
                problems = validate_package(data, files=files)
                if problems:
                    raise PackageError(problems)
                self.stdout.write(f"{options['file']}: no problems found.")
                return
            course = import_package(
                data,
                files=files,
                publish=options["publish"],
                review_note="Published by import-course --publish." if options["publish"] else "",
            )
        except PackageError as error:
            for problem in error.problems:
                self.stderr.write(problem)
            raise CommandError(
                f"{len(error.problems)} problem(s) in {options['file']}: nothing imported."
            ) from None
        self.stdout.write(f"Imported course {course.slug} ({course.lessons.count()} lessons).")
