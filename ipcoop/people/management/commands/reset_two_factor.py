from django.core.management.base import BaseCommand, CommandError

from ipcoop.people.models import User
from ipcoop.people.two_factor import reset_two_factor


class Command(BaseCommand):
    help = (
        "Take away a person's authenticator and recovery codes, when they lost both "
        "(audited). Office staff set it up again at their next sign-in."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("username")

    def handle(self, *args, username: str, **options) -> None:
        user = User.objects.filter(username__iexact=username).first()
        if user is None:
            raise CommandError(f"No account has the username {username}.")
        if reset_two_factor(by=None, user=user):
            self.stdout.write(f"Two-factor sign-in of {user.username} is reset.")
        else:
            self.stdout.write(f"{user.username} had no two-factor sign-in.")
