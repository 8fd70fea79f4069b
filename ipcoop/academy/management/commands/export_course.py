"""``ipcoop export-course SLUG [-o FILE]``: write a course package (JSON, or zip for .zip)."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ipcoop.academy.models import Course
from ipcoop.academy.package import dumps, export_package, export_zip


class Command(BaseCommand):
    help = "Export a course as a package: JSON on standard output, or to -o FILE (.json or .zip)."

    def add_arguments(self, parser):
        parser.add_argument("slug", help="The course's slug.")
        parser.add_argument(
            "-o", "--output", help="File to write; a name ending .zip writes a zip."
        )

    def handle(self, *args, **options):
        course = Course.objects.filter(slug=options["slug"]).first()
        if course is None:
            raise CommandError(
                f"No course {options['slug']!r}: give the slug of an existing course."
            )
        out = options.get("output")
        if out and out.endswith(".zip"):
            Path(out).write_bytes(export_zip(course))
        elif out:
            Path(out).write_text(dumps(export_package(course)), encoding="utf-8")
        else:
            self.stdout.write(dumps(export_package(course)), ending="")
        if out:
            self.stdout.write(f"Wrote {out}.")
