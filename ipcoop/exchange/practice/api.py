"""API endpoints of examination practice."""

from ninja import Router

router = Router(tags=["practice"])
