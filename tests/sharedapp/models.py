"""A minimal shared item, so the visibility rules are tested before any domain app uses them."""

from django.db import models

from ipcoop.access import SharedItem


class Note(SharedItem):
    title = models.CharField(max_length=100)

    def __str__(self) -> str:
        return self.title
