"""API endpoints of policy updates."""

from ninja import Router

router = Router(tags=["updates"])
