"""The ``ipcoop`` console command: a thin wrapper of manage.py.

``ipcoop seed-demo`` runs ``manage.py seed_demo``: dashes in the command name become
underscores, and anything else is passed to Django as it is (``ipcoop migrate``).
"""

import os
import sys


def command_argv(args: list[str]) -> list[str]:
    """Django's argv for ``ipcoop ARGS``: the command name (and the one after "help")
    may be written with dashes."""
    args = list(args)
    for position in (0, 1) if args[:1] == ["help"] else (0,):
        if len(args) > position and not args[position].startswith("-"):
            args[position] = args[position].replace("-", "_")
    return ["ipcoop", *args]


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ipcoop.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(command_argv(sys.argv[1:] if argv is None else argv))


if __name__ == "__main__":
    main()
