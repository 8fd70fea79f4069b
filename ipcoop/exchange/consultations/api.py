"""API endpoints of consultations."""

from ninja import Router

router = Router(tags=["consultations"])
