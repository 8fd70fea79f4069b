"""Reading figures from an uploaded CSV or XLSX file, and writing them as CSV.

Framework-light: takes bytes and a file name, gives rows (dicts) with the line
each came from, or a ValidationError that says what is wrong with the file.
Rows are checked by ``services.check_figures``.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import filetype
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from ipcoop.exchange.statistics.services import (
    EXPORT_ONLY_FIELDS,
    FIELDS,
    MAX_FIGURES,
    REQUIRED_FIELDS,
)
from ipcoop.lib.spreadsheet import csv_text

MAX_FILE_BYTES = 1_000_000  # 1 MB: some thousand rows of figures fit in a few dozen KB
MAX_COLUMNS = 30


@dataclass(frozen=True)
class Sheet:
    """The data rows of a file, each with the line (CSV) or row (XLSX) number it is on."""

    rows: list[dict[str, Any]]
    lines: list[int]


def _limit_text() -> str:
    return _("%(size)d KB") % {"size": MAX_FILE_BYTES // 1000}


def read_figures_file(*, name: str, content: bytes) -> Sheet:
    """Parse an uploaded file of figures.

    Raises ValidationError when the file is not a CSV or XLSX file (by name and by
    content), is too large, is empty, or lacks a required column.
    """
    if len(content) > MAX_FILE_BYTES:
        raise ValidationError(
            _("The file is %(size)d KB; the limit is %(limit)s. Split it into smaller files.")
            % {"size": -(-len(content) // 1000), "limit": _limit_text()},
            code="too_large",
        )
    if not content.strip():
        raise ValidationError(
            _("The file is empty. Use the template: a header line, then one figure per line."),
            code="empty",
        )
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension == "csv":
        table = _csv_rows(content)
    elif extension == "xlsx":
        table = _xlsx_rows(content)
    else:
        raise ValidationError(
            _("Upload a .csv or .xlsx file (this one is called %(name)s).") % {"name": name},
            code="file_type",
        )
    return _sheet(table)


def _not_what_it_says(kind: str) -> ValidationError:
    return ValidationError(
        _(
            "This file's content is not %(kind)s, whatever its name says. Save it as %(kind)s "
            "from your spreadsheet program and upload it again."
        )
        % {"kind": kind},
        code="disguised",
    )


def _csv_rows(content: bytes) -> Iterator[tuple[int, list[Any]]]:
    if filetype.guess(content) is not None or b"\x00" in content:
        raise _not_what_it_says("CSV")
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationError(
            _("Save the CSV file with UTF-8 encoding (your spreadsheet's 'CSV UTF-8' option)."),
            code="encoding",
        ) from None
    # Spreadsheets set to some locales save CSV with semicolons: take what the header uses.
    first_line = text.split("\n", 1)[0]
    delimiter = max([",", ";", "\t"], key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        for record in reader:
            yield reader.line_num, record
    except csv.Error as error:
        raise ValidationError(
            _("Line %(line)d cannot be read as CSV (%(error)s). Check its quotes.")
            % {"line": reader.line_num, "error": error},
            code="csv",
        ) from None


def _xlsx_rows(content: bytes) -> Iterator[tuple[int, list[Any]]]:
    kind = filetype.guess(content)
    if kind is None or kind.extension not in {"xlsx", "zip"}:
        raise _not_what_it_says("XLSX")
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError):
        raise _not_what_it_says("XLSX") from None
    try:
        sheet = workbook.worksheets[0]
        for number, values in enumerate(
            sheet.iter_rows(max_col=MAX_COLUMNS, values_only=True), start=1
        ):
            yield number, list(values)
            if number > MAX_FIGURES + 1:
                break
    finally:
        workbook.close()


def _blank(values: Sequence[Any]) -> bool:
    return all(v is None or str(v).strip() == "" for v in values)


def _sheet(table: Iterable[tuple[int, list[Any]]]) -> Sheet:
    rows: list[dict[str, Any]] = []
    lines: list[int] = []
    header: list[str] | None = None
    for line, values in table:
        if _blank(values):
            continue
        if header is None:
            header = [str(v).strip().lower() if v is not None else "" for v in values]
            _check_header(header)
            continue
        rows.append(
            {
                column: values[i] if i < len(values) else None
                for i, column in enumerate(header)
                if column
            }
        )
        lines.append(line)
        if len(rows) > MAX_FIGURES:
            raise ValidationError(
                _("The file has more than %(max)d figures; split it into smaller files.")
                % {"max": MAX_FIGURES},
                code="too_many",
            )
    if header is None or not rows:
        raise ValidationError(
            _("The file has no figures: add one figure per line under the header line."),
            code="empty",
        )
    return Sheet(rows=rows, lines=lines)


def _check_header(header: list[str]) -> None:
    named = [c for c in header if c]
    missing = [c for c in REQUIRED_FIELDS if c not in named]
    unknown = [c for c in named if c not in FIELDS and c not in EXPORT_ONLY_FIELDS]
    repeated = sorted({c for c in named if named.count(c) > 1})
    messages = []
    if missing:
        messages.append(
            _("The header line lacks the column(s): %(columns)s.") % {"columns": ", ".join(missing)}
        )
    if unknown:
        messages.append(
            _("Unknown column(s): %(columns)s. The columns are: %(all)s.")
            % {"columns": ", ".join(unknown), "all": ", ".join(FIELDS)}
        )
    if repeated:
        messages.append(_("Column(s) named twice: %(columns)s.") % {"columns": ", ".join(repeated)})
    if messages:
        raise ValidationError(messages, code="header")


# Writing ---------------------------------------------------------------------------


# CSV that a spreadsheet will not run as formulas (one home: ipcoop.lib.spreadsheet).
write_csv = csv_text
