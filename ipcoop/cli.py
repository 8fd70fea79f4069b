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

    if args and not args[0].startswith("-"):
        args[0] = args[0].replace("-", "_")
    execute_from_command_line(["ipcoop", *args])


if __name__ == "__main__":
    main()
