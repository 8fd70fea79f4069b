from django.db import models


class PageGeneration(models.Model):
    """A kind of data pages kept for readers depend on, and its current token; any
    write to that data gives it a new one (``ipcoop/web/generations.py``)."""

    name = models.CharField(max_length=40, primary_key=True)
    token = models.BigIntegerField()

    def __str__(self) -> str:
        return self.name
