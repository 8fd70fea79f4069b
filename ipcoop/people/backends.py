"""How a signed-in person is read on each of their requests.

Django's model backend (passwords, ``is_active``), with one difference: the person's
row is read together with what their kept pages are decided with (the generations'
tokens and their unread inbox count, ``pagecache.ReaderSnapshot``), so that a page kept
for them costs one query fewer. Signing in is the model backend's own.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend

from ipcoop.people.models import User
from ipcoop.web import pagecache


class ReaderBackend(ModelBackend):
    def get_user(self, user_id: Any) -> User | None:
        user = pagecache.user_with_snapshot(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None
