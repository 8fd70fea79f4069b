import getpass

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from ipcoop.people import services
from ipcoop.people.models import Organisation, Role


class Command(BaseCommand):
    help = "Create an account, optionally with a role in an organisation."

    def add_arguments(self, parser) -> None:
        parser.add_argument("username")
        parser.add_argument("--email", default="")
        parser.add_argument("--display-name", default="")
        parser.add_argument("--language", default="en")
        parser.add_argument("--country", default="")
        parser.add_argument("--time-zone", default="UTC")
        parser.add_argument("--role", choices=Role.values)
        parser.add_argument("--organisation", help="organisation slug, e.g. kr-kipo")
        parser.add_argument("--platform-admin", action="store_true")
        parser.add_argument(
            "--password",
            help="the password (asked for when missing and a terminal is attached)",
        )
        parser.add_argument("--no-password", action="store_true", help="no usable password")

    def handle(self, *args, **options) -> None:
        password = options["password"]
        if password is None and not options["no_password"]:
            password = getpass.getpass("Password: ")
        organisation = None
        if options["organisation"]:
            organisation = Organisation.objects.filter(slug=options["organisation"]).first()
            if organisation is None:
                slugs = ", ".join(Organisation.objects.values_list("slug", flat=True))
                raise CommandError(
                    f"No organisation {options['organisation']!r}. Use one of: {slugs}"
                )
        try:
            with transaction.atomic():
                user = services.create_user(
                    username=options["username"],
                    password=password or None,
                    email=options["email"],
                    display_name=options["display_name"],
                    preferred_language=options["language"],
                    country=options["country"],
                    time_zone=options["time_zone"],
                    is_platform_admin=options["platform_admin"],
                )
                if options["role"]:
                    services.grant_role(
                        by=None, user=user, role=options["role"], organisation=organisation
                    )
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from error
        self.stdout.write(self.style.SUCCESS(f"Created {user.username}."))
