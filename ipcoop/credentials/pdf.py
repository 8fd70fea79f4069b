"""The certificate as a PDF (A4 landscape), drawn from the stored certificate each time.

Text is in the certificate's language. Fonts are the Noto families the system
provides, found by path at run time (``CERTIFICATE_FONT_DIRS`` setting, default the
Debian locations of fonts-noto-core and fonts-noto-cjk); a missing font stops with a
message naming the file and the package. Korean uses Noto Sans CJK KR from its OpenType
collection (CFF outlines, which fpdf2 embeds as CIDFontType0C). Complex scripts (Thai,
Lao, Khmer, Burmese) are shaped with HarfBuzz (uharfbuzz), so marks and stacked
consonants sit where they belong; text in another script than the certificate's (a
name in Thai on an English certificate) is drawn with the fallback fonts.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

import segno
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from fpdf import FPDF

from ipcoop.academy.i18n import text
from ipcoop.academy.models import Audience
from ipcoop.credentials import services
from ipcoop.credentials.models import Certificate

BLUE = (31, 78, 121)
INK = (30, 30, 30)
# Scripts that need shaping (HarfBuzz) to be drawn correctly.
COMPLEX_SCRIPTS = {"noto-thai", "noto-lao", "noto-khmer", "noto-myanmar"}
DEFAULT_FONT_DIRS = ["/usr/share/fonts/truetype/noto", "/usr/share/fonts/opentype/noto"]


@dataclass(frozen=True)
class Font:
    family: str
    regular: str
    bold: str
    package: str
    index: int = 0  # the face inside a font collection (.ttc)
    # First and last code point of the script it is chosen for (None: Latin, the base).
    ranges: tuple[tuple[int, int], ...] = ()


LATIN = Font("noto", "NotoSans-Regular.ttf", "NotoSans-Bold.ttf", "fonts-noto-core")
FONTS = [
    Font(
        "noto-kr",
        "NotoSansCJK-Regular.ttc",
        "NotoSansCJK-Bold.ttc",
        "fonts-noto-cjk",
        index=1,  # Noto Sans CJK KR
        ranges=((0x1100, 0x11FF), (0x3000, 0x9FFF), (0xAC00, 0xD7AF), (0xFF00, 0xFFEF)),
    ),
    Font(
        "noto-thai",
        "NotoSansThai-Regular.ttf",
        "NotoSansThai-Bold.ttf",
        "fonts-noto-core",
        ranges=((0x0E00, 0x0E7F),),
    ),
    Font(
        "noto-lao",
        "NotoSansLao-Regular.ttf",
        "NotoSansLao-Bold.ttf",
        "fonts-noto-core",
        ranges=((0x0E80, 0x0EFF),),
    ),
    Font(
        "noto-khmer",
        "NotoSansKhmer-Regular.ttf",
        "NotoSansKhmer-Bold.ttf",
        "fonts-noto-core",
        ranges=((0x1780, 0x17FF), (0x19E0, 0x19FF)),
    ),
    Font(
        "noto-myanmar",
        "NotoSansMyanmar-Regular.ttf",
        "NotoSansMyanmar-Bold.ttf",
        "fonts-noto-core",
        ranges=((0x1000, 0x109F), (0xA9E0, 0xA9FF), (0xAA60, 0xAA7F)),
    ),
]
LANGUAGE_FONTS = {"ko": "noto-kr", "th": "noto-thai", "lo": "noto-lao", "km": "noto-khmer"}
LANGUAGE_FONTS["my"] = "noto-myanmar"


def font_dirs() -> list[Path]:
    return [Path(d) for d in getattr(settings, "CERTIFICATE_FONT_DIRS", DEFAULT_FONT_DIRS)]


def font_path(filename: str, package: str) -> Path:
    for directory in font_dirs():
        candidate = directory / filename
        if candidate.is_file():
            return candidate
    searched = ", ".join(str(d) for d in font_dirs())
    raise ImproperlyConfigured(
        f"The certificate PDF needs the font {filename} (Debian package {package}); "
        f"it is not in {searched}. Install the package or set CERTIFICATE_FONT_DIRS."
    )


def fonts_for(strings: list[str], language: str) -> list[Font]:
    """The fonts the text needs besides Latin: the language's own, then any script
    that appears in it."""
    wanted = {LANGUAGE_FONTS[language]} if language in LANGUAGE_FONTS else set()
    for string in strings:
        for char in string:
            code = ord(char)
            if code < 0x0E00:
                continue
            for font in FONTS:
                if any(low <= code <= high for low, high in font.ranges):
                    wanted.add(font.family)
    return [font for font in FONTS if font.family in wanted]


class CertificatePDF(FPDF):
    def __init__(self) -> None:
        super().__init__(orientation="landscape", unit="mm", format="A4")
        self.set_auto_page_break(False)
        self.set_margin(0)

    def add_family(self, font: Font) -> None:
        self.add_font(
            font.family,
            "",
            font_path(font.regular, font.package),
            collection_font_number=font.index,
        )
        self.add_font(
            font.family, "B", font_path(font.bold, font.package), collection_font_number=font.index
        )


def _shaping_available() -> bool:
    try:
        import uharfbuzz  # noqa: F401
    except ImportError:
        return False
    return True


def _qr_png(url: str) -> io.BytesIO:
    buffer = io.BytesIO()
    segno.make(url, error="m").save(buffer, kind="png", scale=8, border=2)
    buffer.seek(0)
    return buffer


def certificate_strings(certificate: Certificate, base_url: str) -> dict[str, str]:
    """What the PDF says, in the certificate's language (also used by the tests)."""
    language = certificate.language
    course = certificate.course
    with translation.override(language):
        issued = timezone.localtime(certificate.issued_at, timezone.get_default_timezone())
        return {
            "heading": _("Certificate of achievement"),
            "intro": _("This certifies that"),
            "name": certificate.name,
            "completed": _("has completed the course"),
            "course": str(text(course.title, language)),
            "audience_label": _("Audience"),
            "audience": str(Audience(course.audience).label)
            if course.audience in Audience.values
            else course.audience,
            "date_label": _("Date"),
            "date": formats.date_format(issued.date(), "DATE_FORMAT"),
            "issuer_label": _("Issued by"),
            "issuer": services.issuer_name(),
            "verify_label": _("Check this certificate at"),
            "url": services.verification_url(base_url, certificate.code),
            "code_label": _("Verification code"),
            "code": certificate.code,
            "title": _("Certificate %(code)s") % {"code": certificate.code},
        }


def render_certificate(certificate: Certificate, *, base_url: str = "") -> bytes:
    base = services.platform_url(base_url)
    words = certificate_strings(certificate, base)
    pdf = CertificatePDF()
    pdf.set_title(words["title"])
    pdf.set_subject(words["course"])
    pdf.set_author(words["issuer"])
    pdf.set_keywords(words["code"])
    pdf.set_creator("ipcoop")
    pdf.set_lang(certificate.language)
    pdf.add_family(LATIN)
    extra = fonts_for(list(words.values()), certificate.language)
    for font in extra:
        pdf.add_family(font)
    main = LANGUAGE_FONTS.get(certificate.language, LATIN.family)
    pdf.set_fallback_fonts(
        [f.family for f in extra if f.family != main]
        + ([LATIN.family] if main != LATIN.family else []),
        exact_match=False,
    )
    if _shaping_available():
        pdf.set_text_shaping(True)
    elif any(font.family in COMPLEX_SCRIPTS for font in extra):
        raise ImproperlyConfigured(
            "The certificate PDF needs the Python package uharfbuzz to draw Thai, Lao, Khmer "
            "and Burmese text correctly."
        )
    pdf.add_page()

    width = pdf.w
    # Frame
    pdf.set_draw_color(*BLUE)
    pdf.set_line_width(1.2)
    pdf.rect(10, 10, width - 20, pdf.h - 20)
    pdf.set_line_width(0.3)
    pdf.rect(13, 13, width - 26, pdf.h - 26)

    def line(value: str, size: float, gap: float, *, bold: bool = False, colour=INK) -> None:
        """A centred paragraph below the previous one (long titles wrap)."""
        pdf.set_font(main, "B" if bold else "", size)
        pdf.set_text_color(*colour)
        pdf.set_xy(25, pdf.get_y() + gap)
        pdf.multi_cell(width - 50, size * 0.5, value, align="C")

    pdf.set_y(18)
    line(words["issuer"], 14, 6, colour=BLUE)
    line(words["heading"], 30, 4, bold=True, colour=BLUE)
    line(words["intro"], 14, 8)
    line(words["name"], 26, 3, bold=True)
    line(words["completed"], 14, 4)
    line(words["course"], 20, 3, bold=True)
    gap = 8.0
    for label, value in (
        (words["audience_label"], words["audience"]),
        (words["date_label"], words["date"]),
        (words["issuer_label"], words["issuer"]),
    ):
        line(f"{label}: {value}", 12, gap)
        gap = 2.0

    # Verification: QR code on the left, address and code beside it.
    pdf.image(_qr_png(words["url"]), x=25, y=150, w=36, h=36)
    pdf.set_text_color(*INK)
    pdf.set_font(main, "", 11)
    pdf.set_xy(66, 156)
    pdf.multi_cell(width - 95, 6, words["verify_label"])
    pdf.set_font(LATIN.family, "", 11)
    pdf.set_xy(66, 163)
    pdf.multi_cell(width - 95, 6, words["url"], link=words["url"])
    pdf.set_font(main, "", 11)
    pdf.set_xy(66, 172)
    pdf.multi_cell(width - 95, 6, f"{words['code_label']}:")
    pdf.set_font(LATIN.family, "B", 16)
    pdf.set_xy(66, 179)
    pdf.multi_cell(width - 95, 7, words["code"])
    return bytes(pdf.output())
