"""The vocabulary the exchange apps share: 4IR technology areas and IP rights."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Area(models.TextChoices):
    """The 4IR technology areas the declaration names, and a catch-all."""

    AI = "ai", _("Artificial intelligence")
    BLOCKCHAIN = "blockchain", _("Blockchain")
    METAVERSE = "metaverse", _("Metaverse and virtual goods")
    OTHER = "other", _("Other 4IR technology")


class Right(models.TextChoices):
    """IP rights an examination or policy question can be about."""

    PATENT = "patent", _("Patent")
    TRADEMARK = "trademark", _("Trademark")
    DESIGN = "design", _("Design")
    COPYRIGHT = "copyright", _("Copyright")
