from django.core.management.base import BaseCommand, CommandError

from ipcoop.people import services
from ipcoop.people.models import User


class Command(BaseCommand):
    help = "Make a new personal API token for a user and print it (shown this once)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("username")
        parser.add_argument("--name", default="console", help="what the token is for")

    def handle(self, *args, **options) -> None:
        user = User.objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(f"No account has the username {options['username']!r}.")
        _token, secret = services.create_token(user=user, name=options["name"])
        self.stdout.write(secret)
