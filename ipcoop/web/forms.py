"""What every HTML form shares."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError


def add_service_errors(
    form: Any, error: ValidationError, renames: Mapping[str, str] | None = None
) -> None:
    """Show a service's ValidationError on the form: each message on the field it names
    (``renames`` maps a service's field name to the form's), the rest above the form."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, errors in error.error_dict.items():
        field = (renames or {}).get(field, field)
        form.add_error(field if field in form.fields else None, errors)
