"""The ``ipcoop`` console command: a thin wrapper of manage.py.

``ipcoop seed-demo`` runs ``manage.py seed_demo``: dashes become underscores, and
anything else is passed to Django as it is (``ipcoop migrate``, ``ipcoop shell``).
"""

import os
import sys


def main(argv: list[str] | None = None) -> None:
    args = list(sys.argv[1:] if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ipcoop.settings")
    from django.core.management import execute_from_command_line

    # The command name (and the one after "help") may be written with dashes.
    for position in (0, 1) if args[:1] == ["help"] else (0,):
        if len(args) > position and not args[position].startswith("-"):
            args[position] = args[position].replace("-", "_")
    execute_from_command_line(["ipcoop", *args])


if __name__ == "__main__":
    main()
