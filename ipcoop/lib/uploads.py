"""Uploaded files checked by what they contain, not by what their names say.

One home for the checks every upload goes through (policy-update attachments,
proposal attachments, work-sharing documents): the size limit, the real type found
from the content (Office Open XML packages looked into, macros refused), a safe name
to show and offer for download, and the download header. Callers choose which types
they accept; the default is the set policy updates accept.
"""

from __future__ import annotations

import re
import unicodedata
import xml.etree.ElementTree as ET  # only [Content_Types].xml, size-capped, no DTD
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import filetype
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

MAX_UPLOAD_BYTES = 10 * 1024 * 1024  # 10 MB: a long PDF of a law or an office action.

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# What is accepted, by detected content: MIME type -> (file extension, name people know).
ACCEPTED_TYPES: dict[str, tuple[str, str]] = {
    PDF: ("pdf", "PDF"),
    DOCX: ("docx", "Word (DOCX)"),
    XLSX: ("xlsx", "Excel (XLSX)"),
    "image/png": ("png", "PNG"),
    "image/jpeg": ("jpg", "JPEG"),
    "image/webp": ("webp", "WebP"),
}
PDF_ONLY: dict[str, tuple[str, str]] = {PDF: ACCEPTED_TYPES[PDF]}

# The main part each Office Open XML package must declare in [Content_Types].xml.
_OOXML_MAIN_PARTS = {
    DOCX: ("/word/document.xml", DOCX + ".main+xml"),
    XLSX: ("/xl/workbook.xml", XLSX.replace(".sheet", ".sheet.main+xml")),
}
_CONTENT_TYPES_NS = "{http://schemas.openxmlformats.org/package/2006/content-types}"
_MAX_CONTENT_TYPES_BYTES = 256 * 1024
_ZIP_TYPES = {"application/zip", DOCX, XLSX}


def accepted_types_text(accepted: Mapping[str, tuple[str, str]] = ACCEPTED_TYPES) -> str:
    return ", ".join(label for _ext, label in accepted.values())


@dataclass(frozen=True)
class CheckedFile:
    """An upload whose content was checked: what it really is and the name to show."""

    upload: Any
    content_type: str
    extension: str
    name: str
    size: int


def megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f}"


def _ooxml_type(upload: Any) -> str | None:
    """DOCX or XLSX when the zip is a real Office Open XML package of that kind, else None.

    Reads only the package's [Content_Types].xml (size-capped) and its list of parts:
    the main part must be declared with its content type and be present, and macros
    (vbaProject.bin) are refused.
    """
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as package:
            names = set(package.namelist())
            if "[Content_Types].xml" not in names:
                return None
            if any(name.lower().endswith("vbaproject.bin") for name in names):
                return None
            info = package.getinfo("[Content_Types].xml")
            if info.file_size > _MAX_CONTENT_TYPES_BYTES:
                return None
            raw = package.read(info)
    except (zipfile.BadZipFile, OSError, ValueError, RuntimeError, NotImplementedError):
        return None
    finally:
        upload.seek(0)
    if b"<!DOCTYPE" in raw.upper() or b"<!ENTITY" in raw.upper():
        return None  # no entity tricks: a real package never has a DTD
    try:
        root = ET.fromstring(raw)  # noqa: S314 (DTDs refused above, size-capped)
    except ET.ParseError:
        return None
    overrides = {
        element.get("PartName", ""): element.get("ContentType", "")
        for element in root.iter(f"{_CONTENT_TYPES_NS}Override")
    }
    for mime, (part, part_type) in _OOXML_MAIN_PARTS.items():
        if overrides.get(part) == part_type and part.lstrip("/") in names:
            return mime
    return None


def detect_type(upload: Any) -> str | None:
    """The MIME type the file's content shows, or None when not recognised."""
    upload.seek(0)
    head = upload.read(8192)
    upload.seek(0)
    kind = filetype.guess(head)
    if kind is None:
        return None
    if kind.mime in _ZIP_TYPES:
        # filetype's own DOCX/XLSX guess only peeks at the first bytes: look inside.
        return _ooxml_type(upload) or "application/zip"
    return kind.mime


_UNSAFE_NAME = re.compile(r"[\x00-\x1f\x7f\"\\/:*?<>|;]+")


def clean_file_name(name: str, extension: str) -> str:
    """The name to show and offer for download: the last path part, no control or
    path characters, at most 150 characters, ending in the extension of its real type."""
    name = unicodedata.normalize("NFC", name or "").replace("\\", "/").rsplit("/", 1)[-1]
    stem = name.rsplit(".", 1)[0] if "." in name else name
    stem = _UNSAFE_NAME.sub("_", stem).strip(" ._") or "attachment"
    return f"{stem[:140]}.{extension}"


def shown_name(name: str) -> str:
    """The uploaded name as a message may quote it: last path part, no control characters."""
    name = unicodedata.normalize("NFC", name or "").replace("\\", "/").rsplit("/", 1)[-1]
    return _UNSAFE_NAME.sub("_", name)[:150] or "?"


def check_upload(
    upload: Any,
    *,
    accepted: Mapping[str, tuple[str, str]] = ACCEPTED_TYPES,
    max_bytes: int = MAX_UPLOAD_BYTES,
) -> CheckedFile:
    """Check one uploaded file by its content and size.

    No side effects. Raises ValidationError saying what is wrong with the file.
    """
    shown = shown_name(getattr(upload, "name", ""))
    size = upload.size
    if size > max_bytes:
        raise ValidationError(
            _(
                "“%(name)s” is %(size)s MB; an attachment may be at most %(limit)d MB. "
                "Make it smaller or link to it instead."
            )
            % {"name": shown, "size": megabytes(size), "limit": max_bytes // 2**20},
            code="too_large",
        )
    if size == 0:
        raise ValidationError(_("“%(name)s” is empty.") % {"name": shown}, code="empty")
    mime = detect_type(upload)
    if mime not in accepted:
        raise ValidationError(
            _(
                "“%(name)s” is not a file type we accept, whatever its name says: its content "
                "is %(found)s. Attach a %(types)s file."
            )
            % {
                "name": shown,
                "found": mime or _("not recognised"),
                "types": accepted_types_text(accepted),
            },
            code="file_type",
        )
    extension = accepted[mime][0]
    return CheckedFile(
        upload=upload,
        content_type=mime,
        extension=extension,
        name=clean_file_name(upload.name, extension),
        size=size,
    )


def content_disposition(name: str) -> str:
    """An RFC 6266 attachment header: an ASCII fallback and the UTF-8 name as filename*."""
    stem, dot, extension = name.rpartition(".") if "." in name else (name, "", "")
    ascii_stem = unicodedata.normalize("NFKD", stem).encode("ascii", "ignore").decode("ascii")
    ascii_stem = re.sub(r"[^A-Za-z0-9._ -]+", "_", ascii_stem).strip(" ._") or "attachment"
    fallback = ascii_stem + dot + re.sub(r"[^A-Za-z0-9]+", "", extension)
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"


def download_response(
    handle: Any, *, content_type: str, name: str, cache_control: str = "private, no-store"
) -> Any:
    """A checked file as a download: its checked type, never sniffed, rendered or framed."""
    from django.http import FileResponse

    response = FileResponse(handle, content_type=content_type)
    response["Content-Disposition"] = content_disposition(name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = cache_control
    return response
