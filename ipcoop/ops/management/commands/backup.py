"""ipcoop backup: the database and the uploaded files in one archive."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from ipcoop.ops.backup import BackupError, Target, create_backup


class Command(BaseCommand):
    help = "Write a backup archive (database and uploaded files) that `ipcoop restore` reads."

    def add_arguments(self, parser):
        parser.add_argument(
            "-o",
            "--output",
            help="Archive to write (default: var/backups/ipcoop-<UTC time>.tar.gz).",
        )

    def handle(self, *args, **options):
        stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%d-%H%M%S")
        output = Path(
            options["output"] or Path(settings.VAR_DIR) / "backups" / f"ipcoop-{stamp}.tar.gz"
        )
        target = Target.from_django(connection.settings_dict)
        source = None
        if target.engine == "sqlite":
            connection.ensure_connection()
            source = connection.connection.backup
        try:
            manifest = create_backup(
                target=target,
                output=output,
                media_root=Path(settings.MEDIA_ROOT),
                sqlite_source=source,
            )
        except BackupError as error:
            raise CommandError(str(error)) from None
        files = manifest["media_files"]
        rows = sum(table["rows"] for table in manifest["tables"].values())
        self.stdout.write(
            f"Wrote {output}: {len(manifest['tables'])} tables, {rows} rows, "
            f"{files} uploaded file{'' if files == 1 else 's'}."
        )
