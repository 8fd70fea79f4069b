"""ipcoop restore: put a backup archive back and verify every table."""

from __future__ import annotations

from pathlib import Path

import dj_database_url
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from ipcoop.ops.backup import BackupError, Target, restore_backup


class Command(BaseCommand):
    help = (
        "Restore a backup archive into an empty database (or, with --replace, over the "
        "current one) and check every table's row count and checksum."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", help="An archive written by `ipcoop backup`.")
        parser.add_argument(
            "--database-url",
            help="Database to restore into (default: the platform's own, DATABASE_URL).",
        )
        parser.add_argument(
            "--media-root", help="Where uploaded files go (default: the platform's MEDIA_ROOT)."
        )
        parser.add_argument(
            "--replace",
            action="store_true",
            help="Overwrite a database that already holds data. Stop the platform first.",
        )

    def handle(self, *args, **options):
        archive = Path(options["archive"])
        if not archive.is_file():
            raise CommandError(f"{archive} does not exist.")
        if options["database_url"]:
            target = Target.from_django(dj_database_url.parse(options["database_url"]))
        else:
            target = Target.from_django(connections["default"].settings_dict)
            # Let the restore have the database to itself.
            connections.close_all()
        media_root = Path(options["media_root"] or settings.MEDIA_ROOT)
        try:
            result = restore_backup(
                archive_path=archive,
                target=target,
                media_root=media_root,
                replace=options["replace"],
            )
        except BackupError as error:
            raise CommandError(str(error)) from None
        if not result.ok:
            raise CommandError(
                "Restored, but the check found differences:\n  " + "\n  ".join(result.differences)
            )
        self.stdout.write(
            f"Restored {archive}: {result.tables} tables and {result.rows} rows, "
            "each matching the backup's row count and checksum."
        )
