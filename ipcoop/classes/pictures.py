"""The pictures of picture passwords: twelve simple drawings (static SVG files under
``classes/pictures/``), each with a name a child can read or hear."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

PICTURES = {
    "apple": _("Apple"),
    "boat": _("Boat"),
    "car": _("Car"),
    "cat": _("Cat"),
    "fish": _("Fish"),
    "flower": _("Flower"),
    "heart": _("Heart"),
    "house": _("House"),
    "moon": _("Moon"),
    "star": _("Star"),
    "sun": _("Sun"),
    "tree": _("Tree"),
}

# How many pictures make a password.
PASSWORD_LENGTH = 3


def choices() -> list[tuple[str, str]]:
    return [(key, str(label)) for key, label in PICTURES.items()]


def labels(keys: list[str]) -> list[dict]:
    return [
        {"key": key, "label": PICTURES[key], "src": f"classes/pictures/{key}.svg"} for key in keys
    ]
