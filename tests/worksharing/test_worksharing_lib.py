import pytest

from ipcoop.lib import worksharing as ws


@pytest.mark.parametrize(
    ("symbols", "area"),
    [
        (["G06N 3/08"], "ai"),
        (["H04L 9/50"], "blockchain"),
        (["h04l9/50"], "blockchain"),
        (["G06T 19/00"], "metaverse"),
        (["H04L 9/32", "A61B 5/00"], "other"),
        (["G06T 19/00", "G06N 20/00"], "ai"),
        ([], "other"),
    ],
)
def test_technology_area_from_ipc(symbols, area):
    assert ws.technology_area(symbols) == area


def test_application_number_normalised_keeps_digits_without_country():
    assert ws.normalise_application_number("KR 10-2023-0012345", "KR") == "1020230012345"
    assert ws.normalise_application_number("10-2023-0012345", "KR") == "1020230012345"
    assert ws.normalise_application_number("1-2023-04567", "VN") == "1202304567"


def test_kipo_number_format_is_checked():
    assert ws.application_number_problem("10-2023-0012345", "KR") is None
    assert "10-2023-0012345" in ws.application_number_problem("10-23-12345", "KR")
    assert ws.application_number_problem("12", "TH") is not None
    assert ws.application_number_problem("2301001234", "TH") is None


def test_pct_and_document_numbers_normalised():
    assert ws.pct_number_problem("PCT/KR2023/004567") is None
    assert ws.pct_number_problem("PCT/KR23/1") is not None
    assert ws.normalise_document_number("US 2020/0123456 A1") == ("US20200123456", "A1")
    assert ws.normalise_document_number("KR 10-2019-0001111") == ("KR1020190001111", "")


def test_lookup_candidates_with_and_without_country():
    assert ws.lookup_candidates("KR 10-2023-0012345") == [
        (None, "KR1020230012345"),
        ("KR", "1020230012345"),
    ]
    assert ws.lookup_candidates("MY PI2023001234") == [
        (None, "MYPI2023001234"),
        ("MY", "PI2023001234"),
    ]
    assert ws.normalise_application_number("MY PI2023001234", "MY") == "PI2023001234"
    assert ws.lookup_candidates(" ") == []


def test_group_by_shared_keys_links_transitively():
    groups = ws.group_by_shared_keys({3: {"a"}, 1: {"b"}, 2: {"a", "b"}, 4: {"c"}})
    assert groups == {1: 1, 2: 1, 3: 1, 4: 4}
