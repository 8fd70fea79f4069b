"""The console command and the demo data."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from ipcoop.cli import command_argv
from ipcoop.people.demo import DEMO_ACCOUNTS
from ipcoop.people.models import AuditEvent, Membership, User

REQUIRED_DEMO_USERS = {
    "admin",
    "kr.admin",
    "kr.examiner",
    "kr.policy",
    "sg.policy",
    "th.examiner",
    "vn.examiner",
    "academy.educator",
    "teacher.demo",
    "learner.demo",
}


@pytest.mark.django_db
def test_seed_demo_creates_every_account_with_the_demo_password_and_its_role(settings, capsys):
    settings.IPCOOP_DEMO_PASSWORD = "demo-pass-for-test"
    call_command("seed_demo")
    out = capsys.readouterr().out
    assert "10 created" in out
    assert "demo-pass-for-test" in out
    assert set(User.objects.values_list("username", flat=True)) == REQUIRED_DEMO_USERS
    for username in REQUIRED_DEMO_USERS:
        assert User.objects.get(username=username).check_password("demo-pass-for-test")
    roles = set(Membership.objects.values_list("user__username", "role", "organisation__slug"))
    assert ("kr.admin", "office_admin", "kr-kipo") in roles
    assert ("academy.educator", "educator", "asean-ip-academy") in roles
    assert ("learner.demo", "learner", None) in roles
    assert User.objects.get(username="admin").is_superuser


@pytest.mark.django_db
def test_seed_demo_twice_changes_nothing(capsys):
    call_command("seed_demo")
    snapshot = (
        list(User.objects.order_by("pk").values_list("pk", "username", "password")),
        list(Membership.objects.order_by("pk").values_list("pk", "role")),
        AuditEvent.objects.count(),
    )
    call_command("seed_demo")
    assert "0 created, 10 already there" in capsys.readouterr().out
    assert snapshot == (
        list(User.objects.order_by("pk").values_list("pk", "username", "password")),
        list(Membership.objects.order_by("pk").values_list("pk", "role")),
        AuditEvent.objects.count(),
    )


def test_demo_accounts_cover_every_role():
    from ipcoop.people.models import Role

    assert {a.role for a in DEMO_ACCOUNTS if a.role} == set(Role.values)


@pytest.mark.django_db
def test_createuser_with_a_role(capsys):
    call_command(
        *[
            "createuser",
            "vn.policy",
            "--password",
            "a long enough passphrase 9",
            "--role",
            "policy_officer",
            "--organisation",
            "vn-ipvn",
            "--time-zone",
            "Asia/Ho_Chi_Minh",
        ]
    )
    user = User.objects.get(username="vn.policy")
    assert user.check_password("a long enough passphrase 9")
    assert list(user.memberships.values_list("role", "organisation__slug")) == [
        ("policy_officer", "vn-ipvn")
    ]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--organisation", "nowhere", "--role", "examiner"], "No organisation 'nowhere'"),
        (["--role", "educator", "--organisation", "kr-kipo"], "cannot be held in KIPO"),
        (["--time-zone", "Moon/Base"], "is not a time zone name"),
        (["--password", "123"], "This password is too short"),
    ],
)
def test_createuser_refuses_bad_input_and_creates_nothing(args, message):
    base = ["somebody"] + (
        [] if "--password" in args else ["--password", "a long enough passphrase 9"]
    )
    with pytest.raises(CommandError, match=message):
        call_command("createuser", *base, *args)
    assert not User.objects.filter(username="somebody").exists()


@pytest.mark.django_db
def test_token_for_an_unknown_user_says_so():
    with pytest.raises(CommandError, match="No account has the username 'ghost'"):
        call_command("token", "ghost")


def test_console_command_names_may_use_dashes():
    assert command_argv(["seed-demo"]) == ["ipcoop", "seed_demo"]
    assert command_argv(["help", "seed-demo"]) == ["ipcoop", "help", "seed_demo"]
    assert command_argv(["token", "kr.admin", "--name", "my-script"]) == [
        "ipcoop",
        "token",
        "kr.admin",
        "--name",
        "my-script",
    ]
    assert command_argv(["--version"]) == ["ipcoop", "--version"]


def test_ipcoop_console_script_is_installed_and_wraps_manage_py():
    result = subprocess.run(
        [str(Path(sys.executable).with_name("ipcoop")), "help", "seed-demo"],
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "ipcoop.settings"},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "Create the demo accounts (idempotent)" in result.stdout
