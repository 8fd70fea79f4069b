"""Production mode refuses unsafe configurations and passes Django's deployment checks."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# The base64 of a 32-byte Ed25519 seed (a test value, signs nothing real).
SIGNING_KEY = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="
STRONG = "q8Zr1-" + "x7Kp2Lm9Vb3Nc4Hd5Jf6Gt0Ws8Ey1Ru2Ti3Oo4Pa5Sd6Fg7Hh8Jk9"


def run_manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    environment = {
        k: v
        for k, v in os.environ.items()
        if k
        not in {
            "SECRET_KEY",
            "DEBUG",
            "ALLOWED_HOSTS",
            "DJANGO_SETTINGS_MODULE",
            "IPCOOP_SIGNING_KEY",
        }
    }
    environment.update(env)
    environment["DJANGO_SETTINGS_MODULE"] = "ipcoop.settings"
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({}, "Production mode needs SECRET_KEY"),
        ({"SECRET_KEY": "short"}, "SECRET_KEY is too weak"),
        ({"SECRET_KEY": "django-insecure-" + "a1b2c3d4e5" * 5}, "SECRET_KEY is too weak"),
        ({"SECRET_KEY": STRONG, "DEBUG": "1"}, "refuses to start with DEBUG on"),
        ({"SECRET_KEY": STRONG}, "Production mode needs ALLOWED_HOSTS"),
        (
            {"SECRET_KEY": STRONG, "ALLOWED_HOSTS": "x.example.org"},
            "Production mode needs IPCOOP_SIGNING_KEY",
        ),
    ],
)
def test_production_mode_refuses_unsafe_settings(env, message):
    result = run_manage("check", IPCOOP_ENV="production", **env)
    assert result.returncode != 0
    assert message in result.stderr


def test_production_mode_passes_the_deployment_checks():
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        IPCOOP_ENV="production",
        SECRET_KEY=STRONG,
        ALLOWED_HOSTS="ipcoop.example.org",
        IPCOOP_SIGNING_KEY=SIGNING_KEY,
    )
    assert result.returncode == 0, result.stderr + result.stdout
    assert "no issues" in result.stdout


def test_production_refuses_demo_data():
    result = run_manage(
        "seed_demo",
        IPCOOP_ENV="production",
        SECRET_KEY=STRONG,
        ALLOWED_HOSTS="x.example.org",
        IPCOOP_SIGNING_KEY=SIGNING_KEY,
    )
    assert result.returncode != 0
    assert "Demo data is not loaded in production mode" in result.stderr


def test_unknown_environment_name_is_refused():
    result = run_manage("check", IPCOOP_ENV="staging")
    assert result.returncode != 0
    assert "IPCOOP_ENV must be 'development' or 'production'" in result.stderr


def test_production_hashes_passwords_with_argon2():
    from ipcoop import settings as platform_settings

    assert platform_settings.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")
