"""``ipcoop import-dossiers FILE --office KR``: load an office's dossiers from JSON lines."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q

from ipcoop.worksharing.importer import import_dossiers
from ipcoop.worksharing.services import ip_offices


class Command(BaseCommand):
    help = "Import an IP office's dossiers from a JSON-lines file (one application a line)."

    def add_arguments(self, parser):
        parser.add_argument("file", help="JSON-lines file; '-' reads standard input.")
        parser.add_argument("--office", required=True, help="ST.3 code (KR) or slug (kr-kipo).")

    def handle(self, *args, **options):
        wanted = options["office"]
        offices = list(ip_offices().filter(Q(slug=wanted) | Q(code=wanted.upper())))
        if len(offices) != 1:
            raise CommandError(
                f"{wanted!r} names {len(offices)} IP offices: give one office's slug, e.g. kh-dip."
            )
        try:
            handle = open(options["file"], encoding="utf-8")  # noqa: SIM115
        except OSError as error:
            raise CommandError(f"Cannot read {options['file']}: {error.strerror}.") from None
        with handle:
            report = import_dossiers(office=offices[0], lines=handle)
        for line, reason in report.rejected:
            self.stderr.write(f"line {line}: rejected: {reason}")
        self.stdout.write(
            f"{report.created} imported, {report.skipped} already in, "
            f"{len(report.rejected)} rejected."
        )
