"""API endpoints of statistics."""

from ninja import Router

router = Router(tags=["statistics"])
