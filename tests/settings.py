"""Test settings: the real settings plus a small app whose model exercises the access rules."""

from ipcoop.settings import *  # noqa: F403
from ipcoop.settings import INSTALLED_APPS, STORAGES

INSTALLED_APPS = [*INSTALLED_APPS, "tests.sharedapp"]
ROOT_URLCONF = "tests.urls"
# Argon2 is the production hasher (tested in test_settings); a fast one keeps the suite quick.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    # Tests change data and look again at once; tests/test_pagecache.py turns this on.
    "pages": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"},
    # The same for pages kept for readers; tests/test_reader_pages.py turns it on.
    "reader-pages": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"},
}
TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
# Static files from the apps' folders, as in development (no collectstatic before tests).
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
# Limits high enough that no other test meets them; tests/test_ratelimit.py sets its own.
RATE_LIMITS = dict.fromkeys(RATE_LIMITS, "100000/m")  # noqa: F405
REQUIRE_STAFF_TWO_FACTOR = False
