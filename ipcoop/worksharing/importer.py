"""Bulk import of dossiers from JSON lines (one application a line, the API's field
names), for an office's back file. From the console each record is applied in its own
transaction; from the upload page the whole file is all or nothing. Records already in
(same office and number) are skipped, so a re-run is safe."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field

import pydantic
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from ipcoop import access
from ipcoop.lib import worksharing as ws
from ipcoop.people.models import Organisation
from ipcoop.worksharing import services
from ipcoop.worksharing.api import PriorityClaimIO, WorkProductIn
from ipcoop.worksharing.models import Application


class ImportRecord(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(extra="forbid")

    application_number: str
    filing_date: pydantic.PastDate | None = None
    invention_title: str
    applicant_name: str = ""
    applicant_withheld: bool = False
    ipc_symbols: list[str] = []
    priority_claims: list[PriorityClaimIO] = []
    pct_application_number: str = ""
    pct_publication_number: str = ""
    status: str = "pending"
    visibility: str = "offices"
    work_products: list[WorkProductIn] = []


@dataclass
class ImportReport:
    created: int = 0
    skipped: int = 0
    rejected: list[tuple[int, str]] = field(default_factory=list)
    created_numbers: list[str] = field(default_factory=list)
    skipped_numbers: list[str] = field(default_factory=list)
    work_products: int = 0
    rolled_back: bool = False


class _RollBack(Exception):
    def __init__(self, report: ImportReport) -> None:
        super().__init__("rejected lines")
        self.report = report


def _reason(error: Exception) -> str:
    if isinstance(error, pydantic.ValidationError):
        return "; ".join(
            f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in error.errors()
        )
    if isinstance(error, ValidationError) and hasattr(error, "error_dict"):
        return "; ".join(f"{k}: {' '.join(v)}" for k, v in error.message_dict.items())
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    return str(error)


def import_dossiers(
    *, office: Organisation, lines: Iterable[str], all_or_nothing: bool = False
) -> ImportReport:
    """Apply each JSON line as an application of ``office`` with its work products.

    Side effects: creates applications, priority claims, family keys (families
    recomputed), work products and citations (watchers of the families told); each
    record all or nothing. Existing applications (same office and number) are skipped;
    every rejected record is reported with its line number and reason. With
    ``all_or_nothing``, every line is still checked, but one rejected line undoes the
    whole file (``rolled_back`` set, ``created`` 0).
    """
    if not all_or_nothing:
        return _apply(office, lines)
    try:
        with transaction.atomic():
            report = _apply(office, lines)
            if report.rejected:
                raise _RollBack(report)
    except _RollBack as undone:
        report = undone.report
        report.rolled_back = True
        report.created = report.work_products = 0
        report.created_numbers = []
    return report


def _apply(office: Organisation, lines: Iterable[str]) -> ImportReport:
    report = ImportReport()
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            record = ImportRecord.model_validate(json.loads(line))
            if record.filing_date is None:
                raise ValidationError({"filing_date": _("Give the filing date, YYYY-MM-DD.")})
            normalised = ws.normalise_application_number(record.application_number, office.code)
            if Application.objects.filter(office=office, number_normalised=normalised).exists():
                report.skipped += 1
                report.skipped_numbers.append(record.application_number)
                continue
            with transaction.atomic():
                application, _created = services.save_application(
                    by=None,
                    office=office,
                    number=record.application_number,
                    filing_date=record.filing_date,
                    title=record.invention_title,
                    applicant=record.applicant_name,
                    applicant_withheld=record.applicant_withheld,
                    ipc_symbols=record.ipc_symbols,
                    priorities=[
                        {
                            "country": p.country_code,
                            "number": p.application_number,
                            "date": p.filing_date,
                        }
                        for p in record.priority_claims
                    ],
                    pct_application_number=record.pct_application_number,
                    pct_publication_number=record.pct_publication_number,
                    status=record.status,
                    visibility=record.visibility,
                )
                for product in record.work_products:
                    services.add_work_product(by=None, application=application, **product.dict())
        except (json.JSONDecodeError, pydantic.ValidationError, ValidationError) as error:
            report.rejected.append((number, _reason(error)))
        else:
            report.created += 1
            report.created_numbers.append(record.application_number)
            report.work_products += len(record.work_products)
    return report


MAX_IMPORT_BYTES = 10 * 1024 * 1024


def import_dossier_upload(*, by, office: Organisation, upload) -> ImportReport:
    """Import an uploaded JSON-lines file for ``office``, all or nothing.

    Side effects: those of ``import_dossiers`` with ``all_or_nothing``. Raises
    PermissionDenied unless ``by`` is an examiner or office admin of ``office``;
    ValidationError (field ``file``) when the file is too large or not UTF-8 text.
    """
    if not access.can_write_worksharing(by, office):
        raise PermissionDenied(
            _("Only examiners and office admins of the office import its dossiers.")
        )
    if upload.size > MAX_IMPORT_BYTES:
        raise ValidationError(
            {"file": _("The file is larger than 10 MB: split it into several files.")}
        )
    raw = upload.read()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ValidationError(
            {
                "file": _("The file is not UTF-8 text (byte %(byte)d): save it as UTF-8.")
                % {"byte": error.start + 1}
            }
        ) from None
    if not text.strip():
        raise ValidationError({"file": _("The file is empty: give one application a line.")})
    return import_dossiers(office=office, lines=text.splitlines(), all_or_nothing=True)
