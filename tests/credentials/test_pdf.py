"""The certificate PDF: A4 landscape, in the certificate's language, with the code,
the verification address and its QR code; fonts found by path or a clear error."""

from __future__ import annotations

import re

import pytest
from django.core.exceptions import ImproperlyConfigured

from ipcoop.credentials import pdf as certificate_pdf
from ipcoop.credentials import services
from tests.credentials.pdftext import extract_text


def issue(learner, course, *, name: str, language: str):
    learner.display_name = name
    learner.save(update_fields=["display_name"])
    return services.issue_certificate(learner=learner, course=course, language=language)


def test_korean_certificate_renders_korean_text(graduate, course) -> None:
    certificate = issue(graduate, course, name="김민지", language="ko")
    body = certificate_pdf.render_certificate(certificate)
    assert body.startswith(b"%PDF-")
    # A4 landscape: 841.89 x 595.28 points.
    assert re.search(rb"/MediaBox \[0 0 841\.89 595\.28\]", body)
    assert b"NotoSansCJKKR" in body
    text = extract_text(body)
    assert "김민지" in text
    assert "저작권 기초" in text  # the course title in Korean
    assert "년" in text and "월" in text  # the date in the Korean format
    assert certificate.code in text
    assert f"/verify/{certificate.code}" in text
    assert b"/Subtype /Image" in body  # the QR code


def test_course_title_falls_back_to_english(graduate, course) -> None:
    certificate = issue(graduate, course, name="Somchai", language="th")
    text = extract_text(certificate_pdf.render_certificate(certificate))
    assert "Copyright basics" in text
    assert "Somchai" in text


@pytest.mark.parametrize(
    ("language", "name", "font"),
    [
        ("th", "สมชาย ใจดี", b"NotoSansThai"),
        ("lo", "ສົມພອນ", b"NotoSansLao"),
        ("km", "សុខ ចាន់", b"NotoSansKhmer"),
        ("my", "အောင်ကျော်", b"NotoSansMyanmar"),
        ("vi", "Nguyễn Thị Minh Khai", b"NotoSans"),
        ("en", "김민지", b"NotoSansCJKKR"),  # a Korean name on an English certificate
    ],
)
def test_every_platform_script_gets_its_font(graduate, course, language, name, font) -> None:
    certificate = issue(graduate, course, name=name, language=language)
    body = certificate_pdf.render_certificate(certificate)
    assert font in body
    assert certificate.code in extract_text(body)


def test_the_pdf_is_drawn_from_the_stored_certificate(graduate, course) -> None:
    certificate = issue(graduate, course, name="Ada Lovelace", language="en")
    graduate.display_name = "Changed Later"
    graduate.save(update_fields=["display_name"])
    certificate.refresh_from_db()
    text = extract_text(certificate_pdf.render_certificate(certificate))
    assert "Ada Lovelace" in text and "Changed Later" not in text


def test_missing_font_is_a_clear_error(graduate, course, settings, tmp_path) -> None:
    certificate = issue(graduate, course, name="Ada", language="en")
    settings.CERTIFICATE_FONT_DIRS = [str(tmp_path)]
    with pytest.raises(ImproperlyConfigured, match=r"NotoSans-Regular\.ttf.*fonts-noto-core"):
        certificate_pdf.render_certificate(certificate)
