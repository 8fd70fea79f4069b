"""The home page on a small phone and on a desktop, in English and Korean, saved as PNG files."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.steps import header

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

NAV = {"en": ("Academy", "Cooperation", "Sign in"), "ko": ("아카데미", "협력", "로그인")}


@pytest.mark.parametrize("width", [360, 1280])
@pytest.mark.parametrize("language", ["en", "ko"])
def test_home_page_screenshot(open_page, screenshot_dir: Path, language: str, width: int) -> None:
    page = open_page(width=width, height=800, language=language)
    page.goto("/")
    page.wait_for_load_state("load")
    page.evaluate("document.fonts.ready")

    expect(page.locator("html")).to_have_attribute("lang", language)
    academy, cooperation, sign_in = NAV[language]
    nav = header(page).locator("nav.main-nav")
    expect(nav.get_by_role("link", name=academy)).to_be_visible()
    expect(nav.get_by_role("link", name=cooperation)).to_be_visible()
    expect(header(page).get_by_role("link", name=sign_in)).to_be_visible()
    # The stylesheet is applied (served, and not refused by the CSP).
    header_colour = "getComputedStyle(document.querySelector('.site-header')).backgroundColor"
    assert page.evaluate(header_colour) == "rgb(27, 31, 36)"
    assert page.evaluate("getComputedStyle(document.querySelector('.bar')).display") == "flex"

    path = screenshot_dir / f"home-{language}-{width}.png"
    page.screenshot(path=str(path), full_page=True)
    assert path.stat().st_size > 10_000

    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= width, f"the page scrolls sideways: {scroll_width} px wide at {width} px"
    # Nothing sticks out of the window either (overflow may be clipped on the body).
    widest = page.evaluate(
        """() => Math.max(...[...document.body.querySelectorAll('*')]
              .filter((el) => el.getClientRects().length)
              .map((el) => el.getBoundingClientRect().right))"""
    )
    assert widest <= width + 0.5, f"an element reaches {widest} px at {width} px"


# The face each script must be drawn with (Debian's fonts-noto-core), not boxes.
SCRIPT_FONTS = {
    "th": "Noto Sans Thai",
    "km": "Noto Sans Khmer",
    "lo": "Noto Sans Lao",
    "my": "Noto Sans Myanmar",
}


@pytest.mark.parametrize("language", SCRIPT_FONTS)
def test_scripts_without_spaces_render_with_their_own_font(
    open_page, screenshot_dir: Path, language: str
) -> None:
    page = open_page(width=360, height=800, language=language)
    page.goto("/")
    page.evaluate("document.fonts.ready")
    expect(page.locator("html")).to_have_attribute("lang", language)
    label = page.locator("label[for=language-select]")
    assert label.inner_text() != "Language"  # translated into the script
    # Ask Chromium which installed fonts drew the label's glyphs.
    cdp = page.context.new_cdp_session(page)
    cdp.send("DOM.enable")
    cdp.send("CSS.enable")
    root = cdp.send("DOM.getDocument")["root"]["nodeId"]
    node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": "label[for=language-select]"})
    fonts = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node["nodeId"]})["fonts"]
    families = {font["familyName"] for font in fonts if font["glyphCount"] > 0}
    assert any(family.startswith(SCRIPT_FONTS[language]) for family in families), families
    path = screenshot_dir / f"home-{language}-360.png"
    page.screenshot(path=str(path), full_page=True)
    assert path.stat().st_size > 10_000
