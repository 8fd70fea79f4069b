"""Demo accounts: one person in each role, for trying the platform locally."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction

from ipcoop.people import services, two_factor
from ipcoop.people.models import Organisation, Role, User

# The authenticator key of every demo account that must use two-factor sign-in
# (office staff). Public on purpose, like the demo password: demo data never reaches
# production (seed_demo refuses there). Add it to an authenticator app, or run
# `ipcoop demo-code` for the current code.
DEMO_TWO_FACTOR_SECRET = "IPCOOPDEMOTWOFACTORKEY2345672345"  # noqa: S105 (documented demo value)


@dataclass(frozen=True)
class DemoAccount:
    username: str
    display_name: str
    role: str | None
    organisation: str | None  # slug
    language: str
    country: str
    time_zone: str
    platform_admin: bool = False


DEMO_ACCOUNTS = [
    DemoAccount("admin", "Platform admin", None, None, "en", "", "UTC", platform_admin=True),
    DemoAccount(
        "kr.admin", "KIPO office admin", Role.OFFICE_ADMIN, "kr-kipo", "ko", "KR", "Asia/Seoul"
    ),
    DemoAccount("kr.examiner", "KIPO examiner", Role.EXAMINER, "kr-kipo", "ko", "KR", "Asia/Seoul"),
    DemoAccount(
        "kr.policy", "KIPO policy officer", Role.POLICY_OFFICER, "kr-kipo", "ko", "KR", "Asia/Seoul"
    ),
    DemoAccount(
        "sg.policy",
        "IPOS policy officer",
        Role.POLICY_OFFICER,
        "sg-ipos",
        "en",
        "SG",
        "Asia/Singapore",
    ),
    DemoAccount(
        "th.examiner", "DIP Thailand examiner", Role.EXAMINER, "th-dip", "th", "TH", "Asia/Bangkok"
    ),
    DemoAccount(
        "vn.examiner",
        "IP Viet Nam examiner",
        Role.EXAMINER,
        "vn-ipvn",
        "vi",
        "VN",
        "Asia/Ho_Chi_Minh",
    ),
    DemoAccount(
        "academy.educator",
        "Academy educator",
        Role.EDUCATOR,
        "asean-ip-academy",
        "en",
        "ID",
        "Asia/Jakarta",
    ),
    DemoAccount("teacher.demo", "Demo teacher", Role.TEACHER, None, "en", "PH", "Asia/Manila"),
    DemoAccount("learner.demo", "Demo learner", Role.LEARNER, None, "id", "ID", "Asia/Jakarta"),
]


def seed_demo() -> list[tuple[DemoAccount, bool]]:
    """Create the demo accounts that are missing.

    Returns each account with whether it was created now. Idempotent: an
    account that exists keeps its password. Side effects: creates Users and their
    Memberships (with role-granted audit events); gives the office staff among them
    DEMO_TWO_FACTOR_SECRET as their authenticator key when they have none (with a
    two-factor-enabled audit event). Refuses in production mode.
    """
    if settings.PRODUCTION:  # before any connection to the database
        raise ImproperlyConfigured("Demo data is not loaded in production mode.")
    return _seed_demo()


@transaction.atomic
def _seed_demo() -> list[tuple[DemoAccount, bool]]:
    result = []
    for account in DEMO_ACCOUNTS:
        user = User.objects.filter(username=account.username).first()
        created = user is None
        if created:
            user = services.create_user(
                username=account.username,
                password=None,
                display_name=account.display_name,
                preferred_language=account.language,
                country=account.country,
                time_zone=account.time_zone,
                is_platform_admin=account.platform_admin,
            )
            # The shared demo password is set without the strength validators on purpose.
            user.set_password(settings.IPCOOP_DEMO_PASSWORD)
            user.save(update_fields=["password"])
        if account.role is not None:
            organisation = (
                Organisation.objects.get(slug=account.organisation)
                if account.organisation
                else None
            )
            services.grant_role(by=None, user=user, role=account.role, organisation=organisation)
        if two_factor.two_factor_required(user):
            two_factor.enable_demo_two_factor(user=user, secret=DEMO_TWO_FACTOR_SECRET)
        result.append((account, created))
    return result
